import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountBalances, postTransaction } from '../../src/funding/ledger.ts';
import { countRows, createStaff, initialiseInstance, loggedIn, startTestApp, type TestApp } from '../support/app.ts';
import { gift } from './ledger-support.ts';

describe('test/funding/expenses-concurrency.test.ts', () => {
  /**
   * On a PostgreSQL server (the embedded database runs one transaction at a time and cannot show
   * a race): treasurers pressing "paid" on one expense at once book it once, and two expenses
   * paid at once from a purpose that can afford only one do not both pass the "not below zero" check.
   */
  const server = process.env.TEST_DATABASE_URL;
  let t: TestApp;

  before(async () => {
    if (!server) return;
    t = await startTestApp();
    await initialiseInstance(t.db);
  });

  after(() => t?.close());

  async function approved(submitter: Awaited<ReturnType<typeof loggedIn>>, approver: Awaited<ReturnType<typeof loggedIn>>, purpose: string, amount: string) {
    const made = await submitter.staffPost('/staff/expenses/new', { amount, purpose, category: 'travel', spentOn: '2026-01-15', description: 'Train' });
    const id = /^\/staff\/expenses\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1] ?? assert.fail(made.html.slice(0, 300));
    assert.equal((await approver.staffPost(`/staff/expenses/${id}/approve`)).status, 303);
    return id;
  }

  test('treasurers pressing "paid" at once book the expense once', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const [one, two, worker] = await Promise.all(
      [['ec-treasurer-1', 'treasurer'], ['ec-treasurer-2', 'treasurer'], ['ec-worker', 'caseworker']].map(async ([login, role]) =>
        loggedIn(t, await createStaff(t.db, { login: login!, roles: [role as 'treasurer'] })),
      ),
    );
    await postTransaction(t.db, gift('shelter', 100_000n, 'ec:gift:1'));
    const id = await approved(worker!, one!, 'shelter', '40,00');
    const answers = await Promise.all([one!, two!, one!, two!, one!, two!].map((browser) => browser.staffPost(`/staff/expenses/${id}/pay`)));
    assert.deepEqual(answers.map((page) => page.status), Array(6).fill(303), 'every tap answered, none failed');
    const outcomes = answers.map((page) => /done=(\w+)/.exec(page.location ?? '')?.[1]).sort();
    assert.deepEqual(outcomes, ['already_paid', 'already_paid', 'already_paid', 'already_paid', 'already_paid', 'paid']);
    assert.equal(await countRows(t.db, 'ledger_transactions', 'source_ref = $1', [`expense:${id}`]), 1);
    assert.equal((await accountBalances(t.db, ['expenses:shelter'])).get('expenses:shelter'), 4_000n);
  });

  test('two expenses paid at once from a purpose that affords one: one is paid, the other is told what is left', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const [one, two, worker] = await Promise.all(
      [['ec-treasurer-3', 'treasurer'], ['ec-treasurer-4', 'treasurer'], ['ec-worker-2', 'caseworker']].map(async ([login, role]) =>
        loggedIn(t, await createStaff(t.db, { login: login!, roles: [role as 'treasurer'] })),
      ),
    );
    await postTransaction(t.db, gift('psych', 5_000n, 'ec:gift:2'));
    const first = await approved(worker!, one!, 'psych', '30,00');
    const second = await approved(worker!, one!, 'psych', '30,00');
    const answers = await Promise.all([one!.staffPost(`/staff/expenses/${first}/pay`), two!.staffPost(`/staff/expenses/${second}/pay`)]);
    const outcomes = answers.map((page) => /(done=paid|short=2000)$/.exec(page.location ?? '')?.[1]).sort();
    assert.deepEqual(outcomes, ['done=paid', 'short=2000']);
    assert.equal((await accountBalances(t.db, ['expenses:psych'])).get('expenses:psych'), 3_000n, 'the purpose never went below zero');
  });
});
