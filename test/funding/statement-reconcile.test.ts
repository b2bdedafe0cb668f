import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { accountBalances, checkLedger, postTransaction } from '../../src/funding/ledger.ts';
import { Browser, assertShows, countRows, createStaff, initialiseInstance, logInAs, loggedIn, startTestApp, type StaffUser, type TestApp } from '../support/app.ts';
import { BANK } from './give-support.ts';
import { gift } from './ledger-support.ts';
import { approvedExpense, importLines } from './reconcile-support.ts';

describe('test/funding/statement-reconcile.test.ts', () => {
  /**
   * The treasurer reconciles the whole statement: a payment out is linked to the expense it paid
   * (booked once, whichever way it was marked paid) or booked as bank costs; a credit that is a
   * payment provider's payout is booked with the provider's fees; every decision books at most
   * once, and only a treasurer makes it. The online gifts show in the treasurer's list.
   */
  let t: TestApp;
  let treasurerUser: StaffUser;
  let books: Browser;
  let approver: Browser;
  let worker: Browser;
  let run = 0;

  before(async () => {
    t = await startTestApp(BANK);
    await initialiseInstance(t.db);
    treasurerUser = await createStaff(t.db, { login: 'rec-treasurer', roles: ['treasurer'] });
    books = await loggedIn(t, treasurerUser);
    approver = await loggedIn(t, await createStaff(t.db, { login: 'rec-approver', roles: ['treasurer'] }));
    worker = await loggedIn(t, await createStaff(t.db, { login: 'rec-worker', roles: ['caseworker'] }));
    await postTransaction(t.db, gift('shelter', 1_000_000n, 'rec:gift:shelter'));
  });

  after(() => t?.close());

  const ref = (name: string) => `REC${++run}${name}`;
  const balance = async (account: string) => (await accountBalances(t.db, [account])).get(account) ?? 0n;
  const lineState = async (id: string) => (await t.db.query<{ state: string }>('select state from bank_statement_lines where id = $1', [id]))[0]?.state;
  const expense = async (id: string) => (await t.db.query<{ state: string; paid_on: string | null; ledger_seq: bigint | null }>('select state, paid_on, ledger_seq from expenses where id = $1', [id]))[0]!;

  /** Everything a decision could change: the books' rows, the lines' states, and every balance. */
  async function snapshot() {
    const counts: Record<string, number> = {};
    for (const table of ['ledger_transactions', 'ledger_entries']) counts[table] = await countRows(t.db, table);
    const states = await t.db.query<{ id: string; state: string }>('select id, state from bank_statement_lines order by id');
    return { counts, states, balances: Object.fromEntries([...(await accountBalances(t.db))].map(([account, cents]) => [account, cents.toString()])) };
  }

  test('a payment out for an expense already paid is linked to it, and nothing is booked again', async () => {
    const id = await approvedExpense(worker, approver, '95,00');
    assert.equal((await books.staffPost(`/staff/expenses/${id}/pay`)).location, `/staff/expenses/${id}?done=paid`);
    const lines = await importLines(t, books, [{ ref: ref('PAID'), amount: '95.00', direction: 'DBIT', text: 'Huur kamer 3' }]);
    const line = Object.values(lines)[0]!;
    assert.equal(await lineState(line), 'debit', 'it waits for the treasurer');

    const page = await books.get('/staff/funding/statements');
    assertShows(page, 'Huur kamer 3');
    assert.match(page.html, new RegExp(`<option value="${id}">`), 'the expense of exactly its amount is offered');

    const before = await snapshot();
    assert.equal((await books.staffPost(`/staff/funding/lines/${line}/link`, { expense: id })).location, '/staff/funding/statements?done=reconciled');
    const after = await snapshot();
    assert.deepEqual(after.counts, before.counts, 'no transaction booked');
    assert.deepEqual(after.balances, before.balances, 'no balance moved');
    const [linked] = await t.db.query<{ state: string; expense_id: string; ledger_seq: bigint }>('select state, expense_id, ledger_seq from bank_statement_lines where id = $1', [line]);
    assert.deepEqual(linked, { state: 'reconciled', expense_id: id, ledger_seq: (await expense(id)).ledger_seq }, 'the line names the expense and its booking');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'statement.line_reconciled' and subject_id = $1", [line]), 1, 'audited');

    // The same post again, and the expense's own button: nothing more.
    assert.equal((await books.staffPost(`/staff/funding/lines/${line}/link`, { expense: id })).location, '/staff/funding/statements?done=not_waiting');
    assert.equal((await approver.staffPost(`/staff/expenses/${id}/pay`)).location, `/staff/expenses/${id}?done=already_paid`);
    assert.deepEqual(await snapshot(), after);
    assertShows(await books.get('/staff/funding/statements'), 'paid an expense');
  });

  test('a payment out for an approved expense marks it paid from the line, booked once', async () => {
    const id = await approvedExpense(worker, approver, '60,00');
    const other = await approvedExpense(worker, approver, '70,00');
    const [a, b] = [ref('APPR'), ref('DIFF')];
    const lines = await importLines(t, books, [
      { ref: a, amount: '60.00', direction: 'DBIT', day: '2026-03-04' },
      { ref: b, amount: '61.00', direction: 'DBIT' },
    ]);
    const [paying, differs] = [lines[a]!, lines[b]!];
    const bank = await balance('assets:bank');
    const spent = await balance('expenses:shelter');
    const transactions = await countRows(t.db, 'ledger_transactions');

    // A payment of another amount is not this expense.
    assert.equal((await books.staffPost(`/staff/funding/lines/${differs}/link`, { expense: other })).location, '/staff/funding/statements?done=amount_differs');
    assert.equal(await countRows(t.db, 'ledger_transactions'), transactions);

    assert.equal((await books.staffPost(`/staff/funding/lines/${paying}/link`, { expense: id })).location, '/staff/funding/statements?done=paid');
    assert.deepEqual({ ...(await expense(id)), ledger_seq: null }, { state: 'paid', paid_on: '2026-03-04', ledger_seq: null }, 'paid on the bank\'s day');
    assert.equal(await balance('assets:bank'), bank - 6000n);
    assert.equal(await balance('expenses:shelter'), spent + 6000n);
    assert.equal(await countRows(t.db, 'ledger_transactions'), transactions + 1, 'one transaction');
    assert.equal(await countRows(t.db, 'ledger_transactions', "source_ref = $1 and kind = 'expense'", [`expense:${id}`]), 1, 'the expense\'s own, so its button cannot book it again');

    const before = await snapshot();
    assert.equal((await approver.staffPost(`/staff/expenses/${id}/pay`)).location, `/staff/expenses/${id}?done=already_paid`);
    assert.equal((await books.staffPost(`/staff/funding/lines/${paying}/link`, { expense: id })).location, '/staff/funding/statements?done=not_waiting');
    // Another line cannot claim the same expense.
    assert.equal((await books.staffPost(`/staff/funding/lines/${differs}/link`, { expense: id })).location, '/staff/funding/statements?done=not_linkable');
    assert.deepEqual(await snapshot(), before);
  });

  test('a payment out is booked by hand as bank costs, once, or left out of the books with a reason', async () => {
    const [a, b] = [ref('COST'), ref('SAVE')];
    const lines = await importLines(t, books, [
      { ref: a, amount: '4.50', direction: 'DBIT', text: 'Kosten zakelijk pakket' },
      { ref: b, amount: '500.00', direction: 'DBIT', text: 'Naar spaarrekening' },
    ]);
    const [cost, save] = [lines[a]!, lines[b]!];
    const bank = await balance('assets:bank');
    const fees = await balance('expenses:fees:bank');
    assert.equal((await books.staffPost(`/staff/funding/lines/${cost}/costs`)).location, '/staff/funding/statements?done=costs_booked');
    assert.equal(await balance('assets:bank'), bank - 450n);
    assert.equal(await balance('expenses:fees:bank'), fees + 450n);
    const before = await snapshot();
    assert.equal((await books.staffPost(`/staff/funding/lines/${cost}/costs`)).location, '/staff/funding/statements?done=not_waiting');
    assert.deepEqual(await snapshot(), before, 'a second post books nothing');

    // A payment out is not "a grant": only a transfer of our own, or "other".
    assert.equal((await books.staffPost(`/staff/funding/lines/${save}/dismiss`, { reason: 'grant' })).location, '/staff/funding/statements?done=bad_reason');
    assert.equal(await lineState(save), 'debit');
    assert.equal((await books.staffPost(`/staff/funding/lines/${save}/dismiss`, { reason: 'own_transfer' })).location, '/staff/funding/statements?done=dismissed');
    assert.equal(await lineState(save), 'dismissed');
    assert.equal(await balance('assets:bank'), bank - 450n, 'nothing booked');
    const page = await books.get('/staff/funding/statements');
    assertShows(page, 'bank costs');
    assertShows(page, 'left out of the books: transfer between our own accounts');
  });

  test('a Mollie payout books Mollie\'s fees, and Mollie\'s balance comes out exact', async () => {
    // Two gifts through Mollie: its balance holds them whole (its fees are not known per payment).
    for (const [cents, source] of [[5000n, 'a'], [3000n, 'b']] as const) {
      await postTransaction(t.db, {
        kind: 'gift',
        occurredOn: '2026-02-27',
        description: 'Gift through Mollie',
        sourceRef: `rec:mollie:${source}`,
        entries: [
          { account: 'assets:mollie', amountCents: cents },
          { account: 'income:gifts:general', amountCents: -cents },
        ],
        actorUserId: null,
      });
    }
    const [a, b] = [ref('MOL'), ref('BIG')];
    const lines = await importLines(t, books, [
      { ref: a, amount: '77.10', direction: 'CRDT', party: 'Stichting Mollie Payments', text: 'Mollie settlement' },
      { ref: b, amount: '10.00', direction: 'CRDT', party: 'Stripe Payments Europe', text: 'Stripe payout' },
    ]);
    const [payout, big] = [lines[a]!, lines[b]!];
    assert.equal(await lineState(payout), 'waiting');
    const mollie = await balance('assets:mollie');
    assert.equal(mollie, 8000n);
    const bank = await balance('assets:bank');
    const fees = await balance('expenses:fees:mollie');
    const income = await balance('income:gifts:general');

    // What cannot be: a total below what arrived, junk, more than Mollie holds in the books.
    const before = await snapshot();
    assert.equal((await books.staffPost(`/staff/funding/lines/${payout}/payout`, { provider: 'mollie', gross: '77,00' })).location, '/staff/funding/statements?done=gross_below_net');
    assert.equal((await books.staffPost(`/staff/funding/lines/${payout}/payout`, { provider: 'mollie', gross: 'tachtig' })).location, '/staff/funding/statements?done=bad_amount');
    const short = await books.staffPost(`/staff/funding/lines/${big}/payout`, { provider: 'mollie', gross: '80,01' });
    assert.equal(short.location, '/staff/funding/statements?provider_short=mollie.8000');
    assertShows(await books.get(short.location!), 'The books hold only €80.00 at Mollie');
    assert.equal((await books.staffPost(`/staff/funding/lines/${payout}/payout`, { provider: 'mollie', gross: '', bogus: 'x' })).location, '/staff/funding/statements?done=bad_amount');
    // A credit the bank marked as the return of one of our own payments is no provider's payout.
    const [{ reason }] = (await t.db.query<{ reason: string }>('select reason from bank_statement_lines where id = $1', [payout])) as [{ reason: string }];
    await t.db.query("update bank_statement_lines set reason = 'reversal' where id = $1", [payout]);
    assert.equal((await books.staffPost(`/staff/funding/lines/${payout}/payout`, { provider: 'mollie', gross: '80,00' })).location, '/staff/funding/statements?done=bank_return');
    await t.db.query('update bank_statement_lines set reason = $2 where id = $1', [payout, reason]);
    assert.deepEqual(await snapshot(), before, 'nothing booked');

    assert.equal((await books.staffPost(`/staff/funding/lines/${payout}/payout`, { provider: 'mollie', gross: '80,00' })).location, '/staff/funding/statements?done=payout_booked');
    assert.equal(await balance('assets:bank'), bank + 7710n, 'the bank got what arrived');
    assert.equal(await balance('expenses:fees:mollie'), fees + 290n, 'Mollie\'s fees: gross less net');
    assert.equal(await balance('assets:mollie'), 0n, 'Mollie\'s balance is exactly what it still holds: nothing');
    assert.equal(await balance('income:gifts:general'), income, 'no income booked twice');
    const [tx] = await t.db.query<{ kind: string; description: string; actor_user_id: string; n: number }>(
      'select t.kind, t.description, t.actor_user_id, (select count(*)::int from ledger_entries e where e.transaction_seq = t.seq) as n from ledger_transactions t join bank_statement_lines l on l.ledger_seq = t.seq where l.id = $1',
      [payout],
    );
    assert.deepEqual(tx, { kind: 'payout', description: 'Payout from Mollie', actor_user_id: treasurerUser.id, n: 3 }, 'one balanced transaction, by the treasurer');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'statement.payout_booked' and subject_id = $1 and actor_user_id = $2", [payout, treasurerUser.id]), 1);

    const booked = await snapshot();
    assert.equal((await books.staffPost(`/staff/funding/lines/${payout}/payout`, { provider: 'mollie', gross: '80,00' })).location, '/staff/funding/statements?done=not_waiting');
    assert.equal((await books.staffPost(`/staff/funding/lines/${payout}/book`, { purpose: 'general' })).location, '/staff/funding/statements?done=not_waiting');
    assert.deepEqual(await snapshot(), booked, 'a double post books once');
    // A payout equal to the total: no fee entry, two lines.
    await postTransaction(t.db, { kind: 'gift', occurredOn: '2026-02-27', description: 'Gift through Stripe', sourceRef: 'rec:stripe:a', entries: [{ account: 'assets:stripe', amountCents: 1000n }, { account: 'income:gifts:general', amountCents: -1000n }], actorUserId: null });
    assert.equal((await books.staffPost(`/staff/funding/lines/${big}/payout`, { provider: 'stripe', gross: '10.00' })).location, '/staff/funding/statements?done=payout_booked');
    assert.equal(await balance('assets:stripe'), 0n);
    assertShows(await books.get('/staff/funding/statements'), 'payout: Stripe');
  });

  test('the treasurer\'s list shows the gifts paid online with their state', async () => {
    const made: Record<string, string> = {};
    const insert = async (name: string, method: 'mollie' | 'stripe', providerState: 'open' | 'paid' | 'failed', paid: boolean, cents: bigint) => {
      const id = randomUUID();
      const seq = paid ? (await postTransaction(t.db, { kind: 'gift', occurredOn: '2026-03-01', description: 'Gift online', sourceRef: `rec:online:${id}`, entries: [{ account: `assets:${method}`, amountCents: cents }, { account: 'income:gifts:legal', amountCents: -cents }], actorUserId: null })).seq : null;
      await t.db.query(
        `insert into gifts (id, method, frequency, state, amount_cents, purpose, pledged_on, received_on, gift_code_hash, provider_state, ledger_seq)
         values ($1, $2, 'once', $3, $4, 'legal', '2026-03-01', $5, $6, $7, $8)`,
        [id, method, paid ? 'received' : 'pledged', cents, paid ? '2026-03-01' : null, randomBytes(32), providerState, seq],
      );
      made[name] = id;
      return { id, seq };
    };
    await insert('started', 'mollie', 'open', false, 1234n);
    await insert('failed', 'stripe', 'failed', false, 2345n);
    await insert('paid', 'mollie', 'paid', true, 3456n);
    const refunded = await insert('refunded', 'stripe', 'paid', true, 4567n);
    const refund = await postTransaction(t.db, { kind: 'refund', occurredOn: '2026-03-02', description: 'Refund', sourceRef: 'rec:refund:1', entries: [{ account: 'income:gifts:legal', amountCents: 4567n }, { account: 'assets:stripe', amountCents: -4567n }], actorUserId: null });
    await t.db.query("insert into gift_reversals (source_ref, gift_id, kind, amount_cents, ledger_seq) values ('rec:refund:1', $1, 'refund', 4567, $2)", [refunded.id, refund.seq]);

    const page = await books.get('/staff/funding?list=online');
    assert.equal(page.status, 200);
    for (const [state, id] of Object.entries(made)) assert.match(page.html, new RegExp(`data-gift="${id}" data-state="${state}"`), state);
    assertShows(page, 'started, not paid yet');
    assertShows(page, 'refunded');
    assertShows(page, 'Mollie');
    // Its own page says how it was given and what became of it (this one kept no donor).
    const own = await books.get(`/staff/funding/gifts/${made.refunded}`);
    assert.equal(own.status, 200);
    assert.match(own.html, /data-state="refunded"/);
    assertShows(own, 'Stripe');
    assertShows(own, 'A fully anonymous gift');
    // The transfers' lists do not mix them in.
    assert.doesNotMatch((await books.get('/staff/funding?list=received')).html, new RegExp(made.paid!));
  });

  describe('only a treasurer', () => {
    test('other roles get "not found" from every new form, and a post without its token is refused', async () => {
      const [a, b] = [ref('ROLEOUT'), ref('ROLEIN')];
      const lines = await importLines(t, books, [
        { ref: a, amount: '12.00', direction: 'DBIT' },
        { ref: b, amount: '12.00', direction: 'CRDT' },
      ]);
      const [debit, credit] = [lines[a]!, lines[b]!];
      const id = await approvedExpense(worker, approver, '12,00');
      const posts: [string, Record<string, string>][] = [
        [`/staff/funding/lines/${debit}/link`, { expense: id }],
        [`/staff/funding/lines/${debit}/costs`, {}],
        [`/staff/funding/lines/${credit}/payout`, { provider: 'mollie', gross: '12,00' }],
        [`/staff/funding/lines/${debit}/dismiss`, { reason: 'own_transfer' }],
      ];
      const before = await snapshot();
      for (const role of ['coordinator', 'editor', 'caseworker'] as const) {
        const other = await loggedIn(t, await createStaff(t.db, { login: `rec-${role}`, roles: [role] }));
        for (const [path, fields] of posts) assert.equal((await other.staffPost(path, fields)).status, 404, `${role} POST ${path}`);
      }
      const forged = new Browser(t);
      await logInAs(forged, treasurerUser);
      forged.csrfToken = 'not-the-token';
      for (const [path, fields] of posts) assert.equal((await forged.staffPost(path, fields)).status, 403, `without the token: ${path}`);
      assert.deepEqual(await snapshot(), before, 'nothing decided, nothing booked');
      assert.equal((await expense(id)).state, 'approved');
    });
  });

  test('the books check out after all of it', async () => {
    const verdict = await checkLedger(t.db);
    assert.deepEqual(verdict.problems, []);
  });
});
