import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyAudit } from '../../src/audit/log.ts';
import { openServer, type Db } from '../../src/db/client.ts';
import {
  accountBalances,
  checkLedger,
  kindCounts,
  LedgerError,
  postTransaction,
  reverseTransaction,
  type NewLedgerTransaction,
  type PostOutcome,
} from '../../src/funding/ledger.ts';
import { giftAccount, PURPOSES } from '../../src/funding/purposes.ts';
import { openTestDb } from '../support/db.ts';
import { gift, mollieGift } from './ledger-support.ts';

describe('test/funding/ledger-concurrency.test.ts', () => {
  /**
   * 200 gifts at the same moment, a quarter of them delivered twice (a provider retrying its
   * webhook): on the database under test (the embedded one through its single connection; on
   * PostgreSQL, a pool of connections), and on PostgreSQL from two pools at once, as two Beside
   * processes would. No gift lost, none booked twice, every balance exact, no deadlock.
   */
  const server = process.env.TEST_DATABASE_URL;

  type Gift = { ref: string; transaction: NewLedgerTransaction };

  /** 150 different gifts (some through Mollie with a fee, some by bank), then 50 of them again, interleaved. */
  function twoHundredDeliveries(prefix: string): { distinct: Gift[]; deliveries: Gift[] } {
    const distinct = Array.from({ length: 150 }, (_, i): Gift => {
      const ref = `${prefix}:${i}`;
      const purpose = PURPOSES[i % PURPOSES.length]!;
      const cents = BigInt(500 + i * 137);
      return { ref, transaction: i % 2 ? mollieGift(purpose, cents, BigInt(29 + (i % 7)), ref) : gift(purpose, cents, ref) };
    });
    const replays = distinct.filter((_, i) => i % 3 === 0);
    const deliveries: Gift[] = [];
    distinct.forEach((one, i) => {
      deliveries.push(one);
      if (i % 3 === 0) deliveries.push(replays[(i / 3 + 17) % replays.length]!);
    });
    return { distinct, deliveries };
  }

  /** What the books must hold after the distinct gifts, each once. */
  function expectedBalances(distinct: Gift[]): Map<string, bigint> {
    const balances = new Map<string, bigint>();
    for (const { transaction } of distinct) {
      for (const { account, amountCents } of transaction.entries) balances.set(account, (balances.get(account) ?? 0n) + amountCents);
    }
    return balances;
  }

  async function assertBooksHold(db: Db, distinct: Gift[], outcomes: PostOutcome[], deliveries: Gift[]): Promise<void> {
    assert.equal(deliveries.length, 200);
    assert.equal(outcomes.filter((outcome) => !outcome.duplicate).length, distinct.length, 'each gift booked once');
    // Every delivery of one gift answers the seq of the one transaction that booked it.
    const seqOf = new Map<string, bigint>();
    outcomes.forEach((outcome, i) => {
      const ref = deliveries[i]!.ref;
      if (seqOf.has(ref)) assert.equal(outcome.seq, seqOf.get(ref), ref);
      else seqOf.set(ref, outcome.seq);
    });
    const rows = await db.query<{ source_ref: string; seq: bigint }>('select source_ref, seq from ledger_transactions order by seq');
    assert.deepEqual(rows.map((row) => row.seq), distinct.map((_, i) => BigInt(i + 1)), 'seq 1…150, no gap');
    assert.deepEqual(new Map(rows.map((row) => [row.source_ref, row.seq])), seqOf, 'no gift lost, none booked twice');
    const unbalanced = await db.query('select transaction_seq from ledger_entries group by transaction_seq having sum(amount_cents) <> 0 or count(*) < 2');
    assert.deepEqual(unbalanced, []);

    const balances = await accountBalances(db);
    for (const [account, expected] of expectedBalances(distinct)) assert.equal(balances.get(account), expected, account);
    const raised = PURPOSES.reduce((sum, purpose) => sum - balances.get(giftAccount(purpose))!, 0n);
    assert.equal(raised, distinct.reduce((sum, { transaction }) => sum + transaction.entries[0]!.amountCents + (transaction.entries.length === 3 ? transaction.entries[1]!.amountCents : 0n), 0n));
    assert.equal((await kindCounts(db)).get('gift'), BigInt(distinct.length));

    const verdict = await checkLedger(db);
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.transactions, 150n);
    const posted = await db.query("select 1 from audit_events where kind = 'ledger.posted'");
    assert.equal(posted.length, 150, 'one audit entry per booked gift');
    assert.deepEqual((await verifyAudit(db)).problems, []);
  }

  test('200 concurrent gifts, 50 of them delivered twice, on the database under test', async () => {
    const db = await openTestDb();
    try {
      const { distinct, deliveries } = twoHundredDeliveries('mollie:tr');
      // Half post in a transaction of their own, half inside the caller's (as a webhook that also updates its donation).
      const outcomes = await Promise.all(
        deliveries.map(({ transaction }, i) =>
          i % 2 ? postTransaction(db, transaction) : db.transaction(async (tx) => postTransaction(tx, transaction)),
        ),
      );
      await assertBooksHold(db, distinct, outcomes, deliveries);
    } finally {
      await db.close();
    }
  });

  test('on PostgreSQL from two pools at once, with ten concurrent reversals of one gift', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const db = await openTestDb();
    const [row] = await db.query<{ name: string }>('select current_database() as name');
    const url = new URL(server!);
    url.pathname = `/${row!.name}`;
    const second = await openServer(url.href);
    try {
      const { distinct, deliveries } = twoHundredDeliveries('camt:ref');
      const target = await postTransaction(db, gift('evacuation', 99_999n));
      const reversals = Array.from({ length: 10 }, (_, i) =>
        reverseTransaction(i % 2 ? db : second, target.seq, { actorUserId: null, occurredOn: '2025-03-20', description: 'Returned' }).then(
          (outcome) => outcome,
          (error: unknown) => (error instanceof LedgerError ? error.code : Promise.reject(error)),
        ),
      );
      const [outcomes, reversed] = await Promise.all([
        Promise.all(deliveries.map(({ transaction }, i) => postTransaction(i % 2 ? db : second, transaction))),
        Promise.all(reversals),
      ]);
      assert.equal(reversed.filter((outcome) => outcome === 'already_reversed').length, 9);
      assert.equal(reversed.filter((outcome) => typeof outcome === 'object').length, 1);

      const verdict = await checkLedger(db);
      assert.deepEqual(verdict.problems, []);
      assert.equal(verdict.transactions, 152n);
      assert.equal((await accountBalances(db, ['income:gifts:evacuation'])).get('income:gifts:evacuation'), expectedBalances(distinct).get('income:gifts:evacuation'));
      const bySource = await db.query<{ n: bigint }>('select count(*) as n from ledger_transactions where source_ref is not null');
      assert.equal(bySource[0]!.n, 150n);
      assert.equal(outcomes.filter((outcome) => outcome.duplicate).length, 50);
    } finally {
      await second.close();
      await db.close();
    }
  });
});
