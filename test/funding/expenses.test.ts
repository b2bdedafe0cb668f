import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountBalances, postTransaction } from '../../src/funding/ledger.ts';
import { countRows, createStaff, initialiseInstance, loggedIn, marker, startTestApp, type Browser, type Instance, type StaffUser, type TestApp } from '../support/app.ts';
import { gift } from './ledger-support.ts';

describe('test/funding/expenses.test.ts', () => {
  /**
   * Expenses through HTTP: any staff member submits, a treasurer who did not submit approves, a
   * treasurer marks it paid, which books it once; spending past what a purpose raised needs an
   * audited override; a paid expense is corrected by a reversal; others' expenses stay "not found".
   */
  let t: TestApp;
  let instance: Instance;
  let ada: StaffUser;
  let treasurerA: Browser;
  let treasurerB: Browser;
  let worker: Browser;
  let workerUser: StaffUser;
  let other: Browser;

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    ada = await createStaff(t.db, { login: 'exp-treasurer-a', roles: ['treasurer'] });
    treasurerA = await loggedIn(t, ada);
    treasurerB = await loggedIn(t, await createStaff(t.db, { login: 'exp-treasurer-b', roles: ['treasurer'] }));
    workerUser = await createStaff(t.db, { login: 'exp-worker', roles: ['caseworker'] });
    worker = await loggedIn(t, workerUser);
    other = await loggedIn(t, await createStaff(t.db, { login: 'exp-other', roles: ['caseworker'] }));
    await postTransaction(t.db, gift('shelter', 100_000n, 'exp:gift:1'));
  });

  after(() => t?.close());

  const balance = async (account: string) => (await accountBalances(t.db, [account])).get(account) ?? 0n;
  const stateOf = async (id: string) => (await t.db.query<{ state: string }>('select state from expenses where id = $1', [id]))[0]?.state;
  const idOf = (location: string | null) => /^\/staff\/expenses\/([0-9a-f-]{36})\?done=submitted$/.exec(location ?? '')?.[1] ?? assert.fail(`no expense in ${location}`);

  async function submit(by: Browser, fields: Record<string, string> = {}) {
    const page = await by.staffPost('/staff/expenses/new', { amount: '25,00', purpose: 'shelter', category: 'rent', spentOn: '2026-01-15', description: 'Room for a night', ...fields });
    assert.equal(page.status, 303, page.html.slice(0, 400));
    return idOf(page.location);
  }

  test('submitted, approved by a treasurer, paid by another: the balances move by exactly its amount, and a second tap books nothing', async () => {
    const id = await submit(worker, { amount: '123,45' });
    assert.equal(await stateOf(id), 'submitted');
    assert.equal((await treasurerA.staffPost(`/staff/expenses/${id}/approve`)).location, `/staff/expenses/${id}?done=approved`);
    const bank = await balance('assets:bank');
    const spent = await balance('expenses:shelter');
    const transactions = await countRows(t.db, 'ledger_transactions');
    assert.equal((await treasurerB.staffPost(`/staff/expenses/${id}/pay`)).location, `/staff/expenses/${id}?done=paid`);
    assert.equal(await balance('assets:bank'), bank - 12_345n);
    assert.equal(await balance('expenses:shelter'), spent + 12_345n);
    assert.equal(await countRows(t.db, 'ledger_transactions'), transactions + 1);
    const [tx] = await t.db.query<{ kind: string; description: string; source_ref: string }>('select kind, description, source_ref from ledger_transactions order by seq desc limit 1');
    assert.deepEqual(tx, { kind: 'expense', description: 'Expense · rent', source_ref: `expense:${id}` }, 'the books hold the category, never the description');

    assert.equal((await treasurerA.staffPost(`/staff/expenses/${id}/pay`)).location, `/staff/expenses/${id}?done=already_paid`);
    assert.equal(await countRows(t.db, 'ledger_transactions'), transactions + 1, 'the double tap booked nothing');
    assert.equal(await balance('assets:bank'), bank - 12_345n);
    const page = await worker.get(`/staff/expenses/${id}`);
    assert.match(page.html, /data-state="paid"/);
    assert.match(page.html, /Room for a night/, 'the submitter reads back what they wrote');
  });

  test('the submitter cannot approve their own expense, through the page or in the database', async () => {
    const id = await submit(treasurerA);
    const page = await treasurerA.get(`/staff/expenses/${id}`);
    assert.ok(!page.html.includes(`/staff/expenses/${id}/approve`), 'no approve button for the submitter');
    assert.equal((await treasurerA.staffPost(`/staff/expenses/${id}/approve`)).location, `/staff/expenses/${id}?done=own`);
    assert.match((await treasurerA.get(`/staff/expenses/${id}?done=own`)).html, /another treasurer must approve it/);
    assert.equal(await stateOf(id), 'submitted');
    await assert.rejects(
      t.db.query("update expenses set state = 'approved', approved_by = submitted_by where id = $1", [id]),
      /expenses_four_eyes/,
      'the database refuses four eyes closed to two',
    );
    assert.equal((await treasurerB.staffPost(`/staff/expenses/${id}/approve`)).location, `/staff/expenses/${id}?done=approved`);
    assert.equal(await stateOf(id), 'approved');
  });

  test('spending a purpose below zero is refused with what is left, and allowed with an audited override and its reason', async () => {
    await postTransaction(t.db, gift('legal', 1_000n, 'exp:gift:legal'));
    const id = await submit(worker, { purpose: 'legal', amount: '15,00', category: 'legal_fees' });
    await treasurerA.staffPost(`/staff/expenses/${id}/approve`);
    const refused = await treasurerB.staffPost(`/staff/expenses/${id}/pay`);
    assert.equal(refused.location, `/staff/expenses/${id}?short=1000`);
    assert.match((await treasurerB.get(refused.location!)).html, /only €\s?10\.00 left to spend/);
    assert.equal(await stateOf(id), 'approved');
    assert.equal((await treasurerB.staffPost(`/staff/expenses/${id}/pay`, { override: 'yes', reason: '  ' })).location, `/staff/expenses/${id}?done=no_reason`);
    assert.equal(await stateOf(id), 'approved', 'an override without a reason pays nothing');

    const overspent = await countRows(t.db, 'audit_events', "kind = 'expense.overspent'");
    const reason = marker('override');
    assert.equal((await treasurerB.staffPost(`/staff/expenses/${id}/pay`, { override: 'yes', reason })).location, `/staff/expenses/${id}?done=paid`);
    assert.equal(await balance('expenses:legal'), 1_500n);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'expense.overspent'"), overspent + 1, 'the override is audited');
    assert.equal(await countRows(t.db, 'expenses', 'id = $1 and override_reason is not null', [id]), 1);
    assert.match((await treasurerA.get(`/staff/expenses/${id}`)).html, new RegExp(reason), 'the reason is kept, sealed');
  });

  test('a paid expense is corrected by a reversal with a reason, never edited', async () => {
    const id = await submit(worker, { amount: '7,00' });
    await treasurerA.staffPost(`/staff/expenses/${id}/approve`);
    await treasurerB.staffPost(`/staff/expenses/${id}/pay`);
    const bank = await balance('assets:bank');
    assert.equal((await treasurerA.staffPost(`/staff/expenses/${id}/reverse`, { reason: '' })).location, `/staff/expenses/${id}?done=no_reason`);
    assert.equal((await treasurerA.staffPost(`/staff/expenses/${id}/reverse`, { reason: 'Paid twice by the bank' })).location, `/staff/expenses/${id}?done=reversed`);
    assert.equal(await balance('assets:bank'), bank + 700n);
    assert.equal(await stateOf(id), 'reversed');
    assert.equal((await treasurerA.staffPost(`/staff/expenses/${id}/reverse`, { reason: 'again' })).location, `/staff/expenses/${id}?done=not_paid`);
    assert.equal(await balance('assets:bank'), bank + 700n, 'reversed once');
  });

  test('a caseworker sees only their own expenses, and none of the treasurer\'s pages or actions', async () => {
    const id = await submit(worker, { description: 'Taxi to the lawyer' });
    const list = await other.get('/staff/expenses');
    assert.equal(list.status, 200);
    assert.ok(!list.html.includes(id), 'not in another caseworker\'s list');
    assert.equal((await other.get(`/staff/expenses/${id}`)).status, 404);
    assert.equal((await other.get(`/staff/expenses/00000000-0000-4000-8000-000000000000`)).status, 404, 'forbidden and missing alike');
    for (const verb of ['approve', 'pay', 'reject', 'reverse']) {
      assert.equal((await other.staffPost(`/staff/expenses/${id}/${verb}`, { reason: 'x' })).status, 404, verb);
      assert.equal((await worker.staffPost(`/staff/expenses/${id}/${verb}`, { reason: 'x' })).status, 404, `${verb}, even on one's own`);
    }
    assert.equal(await stateOf(id), 'submitted');
    assert.equal((await worker.get('/staff/funding')).status, 404);
    assert.match((await worker.get('/staff/expenses')).html, new RegExp(id));
    assert.match((await treasurerA.get('/staff/expenses')).html, new RegExp(id), 'in the treasurers\' queue');
  });

  test('a rejection keeps its reason, sealed, and the expense can no longer be paid', async () => {
    const id = await submit(worker);
    assert.equal((await treasurerA.staffPost(`/staff/expenses/${id}/reject`, { reason: 'No receipt' })).location, `/staff/expenses/${id}?done=rejected`);
    assert.equal((await treasurerB.staffPost(`/staff/expenses/${id}/approve`)).location, `/staff/expenses/${id}?done=not_waiting`);
    assert.equal((await treasurerB.staffPost(`/staff/expenses/${id}/pay`)).location, `/staff/expenses/${id}?done=not_approved`);
    assert.match((await worker.get(`/staff/expenses/${id}`)).html, /No receipt/);
  });

  test('the form refuses a wrong amount, an empty description and a case the submitter does not work on', async () => {
    const before = await countRows(t.db, 'expenses');
    for (const [fields, problem] of [
      [{ amount: '0' }, 'amount'],
      [{ amount: '-5' }, 'amount'],
      [{ amount: '1000000,01' }, 'amount'],
      [{ description: '   ' }, 'description'],
      [{ spentOn: '2026-02-30' }, 'spentOn'],
      [{ caseId: 'not-a-case' }, 'case'],
      [{ caseId: '00000000-0000-4000-8000-000000000000' }, 'case'],
    ] as const) {
      const page = await worker.staffPost('/staff/expenses/new', { amount: '5', purpose: 'shelter', category: 'food', spentOn: '2026-01-01', description: 'Bread', ...fields });
      assert.equal(page.status, 400, JSON.stringify(fields));
      assert.match(page.html, new RegExp(`id="${problem}-problem"`));
    }
    assert.equal(await countRows(t.db, 'expenses'), before);
  });

  test('a linked case shows by its pseudonym only to those who may see the case', async () => {
    const admin = await loggedIn(t, instance.admin);
    const made = await admin.staffPost('/staff/cases/new', { origin: 'direct', caseworkerId: workerUser.id, language: 'ru', needs: ['legal'] });
    assert.equal(made.status, 303, made.html.slice(0, 300));
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    const [{ pseudonym }] = (await t.db.query<{ pseudonym: string }>('select pseudonym from cases where id = $1', [caseId])) as [{ pseudonym: string }];
    assert.equal((await other.staffPost('/staff/expenses/new', { amount: '5', purpose: 'legal', category: 'travel', spentOn: '2026-01-01', description: 'x', caseId })).status, 400, 'only a member links a case');
    const id = await submit(worker, { caseId });
    assert.match((await worker.get(`/staff/expenses/${id}`)).html, new RegExp(`data-case="true"><a href="/staff/cases/${caseId}">${pseudonym}<`));
    const seen = await treasurerA.get(`/staff/expenses/${id}`);
    assert.equal(seen.status, 200);
    assert.ok(!seen.html.includes(pseudonym) && !seen.html.includes(caseId), 'a treasurer off the team sees neither pseudonym nor id');
    assert.match(seen.html, /a case you do not work on/);
  });
});
