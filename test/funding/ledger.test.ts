import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/client.ts';
import {
  accountBalances,
  checkLedger,
  kindCounts,
  LedgerError,
  listTransactions,
  monthlyMovements,
  postTransaction,
  reverseTransaction,
  type LedgerErrorCode,
  type NewLedgerTransaction,
} from '../../src/funding/ledger.ts';
import { giftAccount, PURPOSES, spendAccount } from '../../src/funding/purposes.ts';
import { openTestDb } from '../support/db.ts';
import { gift, mollieGift, SOME_HASH } from './ledger-support.ts';

describe('test/funding/ledger.test.ts', () => {
  /** Posting through postTransaction, and what the database itself refuses when the function is bypassed. */
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(() => db?.close());

  const count = async (table: string) => (await db.query<{ n: bigint }>(`select count(*) as n from ${table}`))[0]!.n;
  const refusedWith = (code: LedgerErrorCode) => (error: unknown) => error instanceof LedgerError && error.code === code;
  const balanceOf = async (account: string) => (await accountBalances(db, [account])).get(account);

  test('the chart of accounts holds an income and a spending account for every purpose, and the fixed accounts', async () => {
    const accounts = await db.query<{ name: string; kind: string; purpose: string | null }>('select name, kind, purpose from ledger_accounts order by name');
    for (const purpose of PURPOSES) {
      assert.ok(accounts.some((a) => a.name === giftAccount(purpose) && a.kind === 'income' && a.purpose === purpose), giftAccount(purpose));
      assert.ok(accounts.some((a) => a.name === spendAccount(purpose) && a.kind === 'expense' && a.purpose === purpose), spendAccount(purpose));
    }
    const fixed = ['assets:bank', 'assets:mollie', 'assets:stripe', 'equity:opening', 'expenses:fees:bank', 'expenses:fees:mollie', 'expenses:fees:stripe'];
    assert.deepEqual(accounts.filter((a) => a.purpose === null).map((a) => a.name), fixed);
    // An account's first word says its kind.
    await assert.rejects(db.query("insert into ledger_accounts (name, kind) values ('income:cash', 'asset')"), /ledger_accounts_check/);
  });

  test('a gift moves its balances, its month and the number of gifts by exactly its amount', async () => {
    const before = await accountBalances(db);
    const gifts = (await kindCounts(db)).get('gift')!;
    const [march] = await monthlyMovements(db, { accountPrefix: 'income:gifts:shelter', fromMonth: '2025-03-01', toMonth: '2025-03-01' });

    const posted = await postTransaction(db, mollieGift('shelter', 2_500n, 54n, `mollie:tr_${randomUUID()}`, '2025-03-31'));
    assert.equal(posted.duplicate, false);

    const after = await accountBalances(db);
    assert.equal(after.get('assets:mollie')! - before.get('assets:mollie')!, 2_446n);
    assert.equal(after.get('expenses:fees:mollie')! - before.get('expenses:fees:mollie')!, 54n);
    assert.equal(after.get('income:gifts:shelter')! - before.get('income:gifts:shelter')!, -2_500n);
    for (const [account, balance] of after) {
      if (!['assets:mollie', 'expenses:fees:mollie', 'income:gifts:shelter'].includes(account)) assert.equal(balance, before.get(account), account);
    }
    assert.equal((await kindCounts(db)).get('gift'), gifts + 1n);
    const [row] = await monthlyMovements(db, { accountPrefix: 'income:gifts:shelter', fromMonth: '2025-03-01', toMonth: '2025-03-01' });
    assert.deepEqual(row, {
      account: 'income:gifts:shelter',
      month: '2025-03-01',
      debitCents: march?.debitCents ?? 0n,
      creditCents: (march?.creditCents ?? 0n) + 2_500n,
    });
    // The next month is another row; a month outside the range is not read.
    await postTransaction(db, gift('shelter', 700n, undefined, '2025-04-01'));
    const months = await monthlyMovements(db, { accountPrefix: 'income:gifts:', fromMonth: '2025-04-01', toMonth: '2025-04-01' });
    assert.deepEqual(months, [{ account: 'income:gifts:shelter', month: '2025-04-01', debitCents: 0n, creditCents: 700n }]);

    const [entry] = await listTransactions(db, { fromSeq: posted.seq - 1n, limit: 1 });
    assert.deepEqual(entry, {
      seq: posted.seq,
      occurredOn: '2025-03-31',
      kind: 'gift',
      description: 'Gift through Mollie',
      reverses: null,
      entries: [
        { account: 'assets:mollie', amountCents: 2_446n },
        { account: 'expenses:fees:mollie', amountCents: 54n },
        { account: 'income:gifts:shelter', amountCents: -2_500n },
      ],
    });
    const [audit] = await db.query<{ kind: string; subject_id: string; detail: string }>(
      "select kind, subject_id, detail from audit_events where kind = 'ledger.posted' order by seq limit 1",
    );
    const [own] = await db.query<{ id: string }>('select id from ledger_transactions where seq = $1', [posted.seq]);
    assert.equal(audit?.subject_id, own!.id);
    assert.deepEqual(JSON.parse(audit!.detail), { transactionId: own!.id, seq: String(posted.seq), transactionKind: 'gift' });
    assert.deepEqual((await checkLedger(db)).problems, []);
  });

  test('what does not balance, has one entry, names an unknown account or moves nothing is refused, and nothing is written', async () => {
    const before = { transactions: await count('ledger_transactions'), entries: await count('ledger_entries'), audit: await count('audit_events') };
    const base = gift('legal', 1_000n);
    const cases: [NewLedgerTransaction, LedgerErrorCode][] = [
      [{ ...base, entries: [{ account: 'assets:bank', amountCents: 1_000n }, { account: 'income:gifts:legal', amountCents: -999n }] }, 'unbalanced'],
      [{ ...base, entries: [{ account: 'assets:bank', amountCents: 1_000n }] }, 'too_few_entries'],
      [{ ...base, entries: [] }, 'too_few_entries'],
      [{ ...base, entries: [{ account: 'assets:cash-box', amountCents: 1_000n }, { account: 'income:gifts:legal', amountCents: -1_000n }] }, 'unknown_account'],
      [{ ...base, entries: [{ account: 'assets:bank', amountCents: 0n }, { account: 'income:gifts:legal', amountCents: 0n }] }, 'zero_amount'],
      [{ ...base, entries: [{ account: 'assets:bank', amountCents: 10n ** 14n }, { account: 'income:gifts:legal', amountCents: -(10n ** 14n) }] }, 'amount_out_of_range'],
      [{ ...base, occurredOn: '2025-02-30' }, 'bad_date'],
      [{ ...base, description: ' ' }, 'bad_description'],
      [{ ...base, kind: 'reversal' }, 'bad_kind'],
    ];
    for (const [transaction, code] of cases) await assert.rejects(postTransaction(db, transaction), refusedWith(code), code);
    assert.deepEqual(
      { transactions: await count('ledger_transactions'), entries: await count('ledger_entries'), audit: await count('audit_events') },
      before,
    );
  });

  /** Writes a transaction row and entries with plain SQL, as code that bypassed postTransaction would. */
  async function rawPost(target: Db, entries: [string, bigint][]): Promise<void> {
    await target.transaction(async (tx) => {
      const [head] = await tx.query<{ seq: bigint }>('select coalesce(max(seq), 0) + 1 as seq from ledger_transactions');
      await tx.query(
        `insert into ledger_transactions (seq, id, kind, occurred_on, recorded_at, description, prev_hash, hash)
         values ($1, $2, 'adjustment', '2025-01-02', now(), 'raw', $3, $3)`,
        [head!.seq, randomUUID(), SOME_HASH],
      );
      for (const [i, [account, amount]] of entries.entries()) {
        await tx.query('insert into ledger_entries (transaction_seq, line, account, amount_cents) values ($1, $2, $3, $4)', [head!.seq, i + 1, account, amount]);
      }
    });
  }

  const balanceViolation = (error: unknown) =>
    (error as { code?: string }).code === '23514' && /does not balance/.test((error as Error).message);

  test('the database refuses at COMMIT what bypasses the function and does not balance', async () => {
    // Books of their own: the raw rows carry no real hash.
    const raw = await openTestDb();
    try {
      const rows = async () => (await raw.query<{ n: bigint }>('select count(*) as n from ledger_transactions'))[0]!.n;
      await assert.rejects(rawPost(raw, [['assets:bank', 500n], ['income:gifts:psych', -400n]]), balanceViolation, 'unbalanced');
      await assert.rejects(rawPost(raw, [['assets:bank', 500n]]), balanceViolation, 'one entry');
      await assert.rejects(rawPost(raw, []), balanceViolation, 'no entries');
      await assert.rejects(rawPost(raw, [['assets:bank', 0n], ['income:gifts:psych', 0n]]), /ledger_entries_amount_cents_check/, 'zero');
      await assert.rejects(rawPost(raw, [['assets:nowhere', 5n], ['income:gifts:psych', -5n]]), /foreign key/, 'unknown account');
      assert.equal(await rows(), 0n);

      // Balanced entries added later to a transaction that balanced are checked too.
      const { seq } = await postTransaction(raw, gift('psych', 300n));
      await assert.rejects(
        raw.transaction((tx) => tx.query("insert into ledger_entries (transaction_seq, line, account, amount_cents) values ($1, 9, 'assets:bank', 1)", [seq])),
        balanceViolation,
      );
      // The probe itself: a balanced raw post is accepted, so the refusals above are the check's.
      await rawPost(raw, [['assets:bank', 500n], ['income:gifts:psych', -500n]]);
      assert.equal(await rows(), 2n);
    } finally {
      await raw.close();
    }
  });

  test('the database refuses to change or delete an entry or a transaction', async () => {
    const { seq } = await postTransaction(db, gift('clothing', 1_200n));
    const appendOnly = /the ledger is append-only/;
    await assert.rejects(db.query('update ledger_entries set amount_cents = amount_cents * 2 where transaction_seq = $1', [seq]), appendOnly);
    await assert.rejects(db.query('delete from ledger_entries where transaction_seq = $1', [seq]), appendOnly);
    await assert.rejects(db.query("update ledger_transactions set description = 'changed' where seq = $1", [seq]), appendOnly);
    await assert.rejects(db.query('delete from ledger_transactions where seq = $1', [seq]), appendOnly);
    assert.equal((await listTransactions(db, { fromSeq: seq - 1n, limit: 1 }))[0]?.entries[0]?.amountCents, 1_200n);
  });

  test('a reversal restores every balance, once', async () => {
    const before = await accountBalances(db);
    const reversals = (await kindCounts(db)).get('reversal')!;
    const { seq } = await postTransaction(db, mollieGift('evacuation', 10_000n, 150n, `mollie:tr_${randomUUID()}`));
    assert.notDeepEqual(await accountBalances(db), before);

    const reversal = await reverseTransaction(db, seq, { actorUserId: randomUUID(), occurredOn: '2025-03-20', description: 'Booked twice by mistake' });
    assert.deepEqual(await accountBalances(db), before);
    assert.equal((await kindCounts(db)).get('reversal'), reversals + 1n);
    const [mirror] = await listTransactions(db, { fromSeq: reversal.seq - 1n, limit: 1 });
    assert.equal(mirror?.reverses, seq);
    assert.deepEqual(mirror?.entries.map((entry) => entry.amountCents), [-9_850n, -150n, 10_000n]);

    await assert.rejects(reverseTransaction(db, seq, { actorUserId: null, occurredOn: '2025-03-21', description: 'again' }), refusedWith('already_reversed'));
    await assert.rejects(reverseTransaction(db, 999_999n, { actorUserId: null, occurredOn: '2025-03-21', description: 'nothing' }), refusedWith('not_found'));
    // A "reversal" that is not the mirror of what it names is refused by the function, and a
    // second one by the database's unique key even when the function is bypassed.
    const other = await postTransaction(db, gift('legal', 100n));
    await assert.rejects(
      postTransaction(db, { ...gift('legal', -50n), kind: 'reversal', reverses: other.seq }),
      refusedWith('not_a_mirror'),
    );
    await assert.rejects(
      db.transaction(async (tx) => {
        const [head] = await tx.query<{ seq: bigint }>('select max(seq) + 1 as seq from ledger_transactions');
        await tx.query(
          `insert into ledger_transactions (seq, id, kind, occurred_on, recorded_at, description, reverses, prev_hash, hash)
           values ($1, $2, 'reversal', '2025-01-02', now(), 'raw', $3, $4, $4)`,
          [head!.seq, randomUUID(), seq, SOME_HASH],
        );
      }),
      /ledger_transactions_reverses_key/,
    );
    assert.equal(await balanceOf('income:gifts:evacuation'), before.get('income:gifts:evacuation'));
    assert.deepEqual((await checkLedger(db)).problems, []);
  });

  test('the same source reference twice books one transaction', async () => {
    const ref = `camt:${randomUUID()}`;
    const before = await balanceOf('income:gifts:general');
    const first = await postTransaction(db, gift('general', 4_000n, ref));
    const again = await postTransaction(db, gift('general', 4_000n, ref));
    const inOne = await db.transaction(async (tx) => [await postTransaction(tx, gift('general', 9n, ref)), await postTransaction(tx, gift('general', 9n, ref))]);
    assert.deepEqual([first.duplicate, again.duplicate, ...inOne.map((outcome) => outcome.duplicate)], [false, true, true, true]);
    assert.deepEqual([again.seq, ...inOne.map((outcome) => outcome.seq)], [first.seq, first.seq, first.seq]);
    assert.equal(await balanceOf('income:gifts:general'), before! - 4_000n);
    assert.equal((await db.query('select 1 from ledger_transactions where source_ref = $1', [ref])).length, 1);
  });

  test('the books list page by page, in seq order, each transaction once with its entries', async () => {
    for (let i = 0; i < 5; i++) await postTransaction(db, gift('legal', BigInt(10 + i)));
    const seen: bigint[] = [];
    let last: bigint | undefined;
    for (let page = await listTransactions(db, { limit: 2 }); page.length > 0; page = await listTransactions(db, { fromSeq: last!, limit: 2 })) {
      assert.ok(page.length <= 2);
      for (const transaction of page) {
        assert.ok(transaction.entries.length >= 2);
        assert.equal(transaction.entries.reduce((sum, entry) => sum + entry.amountCents, 0n), 0n);
      }
      seen.push(...page.map((transaction) => transaction.seq));
      last = page.at(-1)!.seq;
    }
    assert.deepEqual(seen, Array.from({ length: Number(await count('ledger_transactions')) }, (_, i) => BigInt(i + 1)));
  });

  test('a transaction rolled back with the work around it leaves no trace in the books or their totals', async () => {
    const before = { balances: await accountBalances(db), kinds: await kindCounts(db), transactions: await count('ledger_transactions') };
    await assert.rejects(
      db.transaction(async (tx) => {
        await postTransaction(tx, gift('shelter', 5_000n, `camt:${randomUUID()}`));
        throw new Error('the caller failed after posting');
      }),
      /the caller failed/,
    );
    assert.deepEqual({ balances: await accountBalances(db), kinds: await kindCounts(db), transactions: await count('ledger_transactions') }, before);
  });
});
