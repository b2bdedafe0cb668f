import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountBalances, checkLedger, postTransaction } from '../../src/funding/ledger.ts';
import { countRows, createStaff, initialiseInstance, loggedIn, startTestApp, type Browser, type TestApp } from '../support/app.ts';
import { BANK } from './give-support.ts';
import { gift } from './ledger-support.ts';
import { approvedExpense, importLines } from './reconcile-support.ts';

describe('test/funding/statement-reconcile-concurrency.test.ts', () => {
  /**
   * On a PostgreSQL server (the embedded database runs one transaction at a time and cannot show
   * a race): two treasurers booking the same payout at once book it once; two lines linked to one
   * approved expense at once, while a third treasurer presses its "paid" button, book it once.
   */
  const server = process.env.TEST_DATABASE_URL;
  let t: TestApp;
  let one: Browser;
  let two: Browser;
  let three: Browser;
  let worker: Browser;

  before(async () => {
    if (!server) return;
    t = await startTestApp(BANK);
    await initialiseInstance(t.db);
    [one, two, three, worker] = await Promise.all(
      [['rcc-treasurer-1', 'treasurer'], ['rcc-treasurer-2', 'treasurer'], ['rcc-treasurer-3', 'treasurer'], ['rcc-worker', 'caseworker']].map(async ([login, role]) =>
        loggedIn(t, await createStaff(t.db, { login: login!, roles: [role as 'treasurer'] })),
      ),
    ) as [Browser, Browser, Browser, Browser];
    await postTransaction(t.db, gift('shelter', 100_000n, 'rcc:gift:1'));
  });

  after(() => t?.close());

  const balance = async (account: string) => (await accountBalances(t.db, [account])).get(account) ?? 0n;

  test('two treasurers book the same payout at once: it is booked once', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    await postTransaction(t.db, {
      kind: 'gift',
      occurredOn: '2026-02-27',
      description: 'Gift through Mollie',
      sourceRef: 'rcc:mollie:1',
      entries: [
        { account: 'assets:mollie', amountCents: 20_000n },
        { account: 'income:gifts:general', amountCents: -20_000n },
      ],
      actorUserId: null,
    });
    const lines = await importLines(t, one, [{ ref: 'RCCPAYOUT', amount: '97.00', direction: 'CRDT' }]);
    const line = lines.RCCPAYOUT!;
    const answers = await Promise.all([one, two, one, two].map((browser) => browser.staffPost(`/staff/funding/lines/${line}/payout`, { provider: 'mollie', gross: '100,00' })));
    assert.deepEqual(answers.map((page) => page.status), [303, 303, 303, 303], 'every post answered, none failed');
    assert.equal(answers.filter((page) => page.location?.endsWith('done=payout_booked')).length, 1, 'one booked it; the others were told it was decided');
    assert.equal(await countRows(t.db, 'ledger_transactions', "kind = 'payout'"), 1);
    assert.equal(await balance('assets:mollie'), 10_000n);
    assert.equal(await balance('expenses:fees:mollie'), 300n);
  });

  test('two lines linked to one approved expense at once, and its "paid" button: booked once', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    for (let round = 0; round < 3; round++) {
      const id = await approvedExpense(worker, one, '45,00');
      const lines = await importLines(t, one, [
        { ref: `RCCA${round}`, amount: '45.00', direction: 'DBIT' },
        { ref: `RCCB${round}`, amount: '45.00', direction: 'DBIT' },
      ]);
      const bank = await balance('assets:bank');
      const answers = await Promise.all([
        one.staffPost(`/staff/funding/lines/${lines[`RCCA${round}`]}/link`, { expense: id }),
        two.staffPost(`/staff/funding/lines/${lines[`RCCB${round}`]}/link`, { expense: id }),
        three.staffPost(`/staff/expenses/${id}/pay`),
        two.staffPost(`/staff/funding/lines/${lines[`RCCA${round}`]}/link`, { expense: id }),
      ]);
      assert.deepEqual(answers.map((page) => page.status), [303, 303, 303, 303], 'every post answered, none failed');
      assert.equal(await countRows(t.db, 'ledger_transactions', 'source_ref = $1', [`expense:${id}`]), 1, 'the expense booked once');
      assert.equal(await balance('assets:bank'), bank - 4500n);
      assert.equal(await countRows(t.db, 'bank_statement_lines', 'expense_id = $1', [id]), 1, 'one line paid it');
    }
    assert.deepEqual((await checkLedger(t.db)).problems, []);
  });
});
