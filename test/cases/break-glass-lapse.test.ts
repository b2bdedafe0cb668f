import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPassword } from '../../src/auth/users.ts';
import { hasGrant } from '../../src/crypto/vaults.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { approveBreakGlass } from '../../src/cases/break-glass.ts';
import { breakGlassWork } from '../../src/cases/break-glass-open.ts';
import { breakGlassWithRecovery } from '../../src/cli/break-glass.ts';
import { CommandError } from '../../src/cli/errors.ts';
import { runDueJobs, type JobDeps } from '../../src/notify/run-jobs.ts';
import {
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  submitHelp,
  type Browser,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/break-glass-lapse.test.ts', () => {
  /**
   * A break-glass request nobody answers lapses after BREAK_GLASS_PENDING_MINUTES: it is shown as
   * lapsed, cannot be granted by a colleague or the recovery holders, and the coordinator may ask
   * again. The clock is the job runner's and the operations' own.
   */
  let t: TestApp;
  let instance: Instance;
  let deps: JobDeps;
  type Who = 'coordinator' | 'caseworker' | 'rescuer';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;
  const MINUTES = 60;

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      rescuer: await createStaff(t.db, { login: 'rescuer', roles: ['coordinator'], displayName: 'Night Coordinator' }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);
    deps = { db: t.db, config: t.config, mailer: null };
  });

  after(() => t?.close());

  const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

  async function holder(user: StaffUser) {
    const { user: found, keys } = await checkPassword(t.db, user.login, user.password);
    return { userId: found!.id, keys: keys! };
  }

  /** A case the caseworker holds, and the rescuer's unanswered request to open it. */
  async function asked(): Promise<{ caseId: string; requestId: string; coreVault: string }> {
    const { requestId: helpId } = await submitHelp(t, 'ru', { needs: ['legal'], story: marker('story') });
    const made = await browsers.coordinator.staffPost(`/staff/requests/${helpId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    assert.equal((await browsers.rescuer.staffPost(`/staff/cases/${caseId}/break-glass`, { reason: marker('reason') })).status, 303);
    const [row] = await t.db.query<{ id: string; core_vault_id: string }>(
      'select b.id, c.core_vault_id from break_glass_requests b join cases c on c.id = b.case_id where b.case_id = $1',
      [caseId],
    );
    return { caseId, requestId: row!.id, coreVault: row!.core_vault_id };
  }

  const statusOf = async (id: string) => (await t.db.query<{ status: string }>('select status from break_glass_requests where id = $1', [id]))[0]!.status;

  test('unanswered for the set time, the request lapses: shown as lapsed, not granted, and the coordinator may ask again', async () => {
    const c = await asked();
    const waiting = await browsers.caseworker.get(`/staff/cases/${c.caseId}`);
    assertShows(waiting, 'lapses unanswered at', 'the page says until when it waits');
    assertShows(waiting, `/staff/break-glass/${c.requestId}/approve`);
    assertShows(await browsers.caseworker.get('/staff/my-work'), `data-break-glass-notice="${c.requestId}"`);

    await runDueJobs(deps, later(MINUTES - 1));
    assert.equal(await statusOf(c.requestId), 'pending', 'not before its time');
    await runDueJobs(deps, later(MINUTES + 1));
    assert.equal(await statusOf(c.requestId), 'lapsed');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.break_glass_lapsed' and subject_id = $1", [c.caseId]), 1);

    const page = await browsers.caseworker.get(`/staff/cases/${c.caseId}`);
    assert.match(page.html, new RegExp(`data-break-glass="${c.requestId}" data-status="lapsed"`));
    assertShows(page, 'Lapsed: nobody answered');
    assertNotShows(page, `/staff/break-glass/${c.requestId}/approve`, 'no button to approve it');
    assertNotShows(await browsers.caseworker.get('/staff/my-work'), `data-break-glass-notice="${c.requestId}"`, 'no longer waiting on My work');

    const approve = await browsers.caseworker.staffPost(`/staff/break-glass/${c.requestId}/approve`, {});
    assert.equal(approve.status, 303);
    assert.equal(approve.location, `/staff/cases/${c.caseId}?safety=lapsed#break-glass-title`);
    assertShows(await browsers.caseworker.get(approve.location!), 'This request lapsed before anyone approved it.');
    assert.equal(await hasGrant(t.db, c.coreVault, users.rescuer.id), false, 'nothing granted');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.break_glass_approved' and subject_id = $1", [c.caseId]), 0);

    const mine = await browsers.rescuer.get(`/staff/cases/${c.caseId}/break-glass`);
    assertShows(mine, 'Nobody answered your request in time, so it lapsed.');
    assertShows(mine, 'name="reason"', 'the form to ask again');
    assert.equal((await browsers.rescuer.staffPost(`/staff/cases/${c.caseId}/break-glass`, { reason: marker('again') })).status, 303);
    const [fresh] = await t.db.query<{ id: string }>("select id from break_glass_requests where case_id = $1 and status = 'pending'", [c.caseId]);
    assert.ok(fresh && fresh.id !== c.requestId, 'a new request');
    assert.equal((await browsers.caseworker.staffPost(`/staff/break-glass/${fresh.id}/approve`, {})).location, `/staff/cases/${c.caseId}?safety=approved#break-glass-title`);
    assert.equal(await hasGrant(t.db, c.coreVault, users.rescuer.id), true, 'the new one, answered in time, is granted');
  });

  test('past its time it counts as lapsed before the job has run: the approval refuses it and marks it', async () => {
    const c = await asked();
    const caseworker = await holder(users.caseworker);
    const pending = await t.db.transaction((tx) => breakGlassWork(tx, users.caseworker.id, false, later(MINUTES - 1)));
    assert.deepEqual(pending.pending.map((item) => item.id), [c.requestId], 'waiting just before its time');
    const lapsedWork = await t.db.transaction((tx) => breakGlassWork(tx, users.caseworker.id, false, later(MINUTES + 1)));
    assert.deepEqual(lapsedWork.pending, [], 'gone just after');
    assert.deepEqual(await approveBreakGlass(t.db, caseworker, c.requestId, later(MINUTES + 1)), { caseId: c.caseId, outcome: 'lapsed' });
    assert.equal(await statusOf(c.requestId), 'lapsed');
    assert.equal(await hasGrant(t.db, c.coreVault, users.rescuer.id), false);
    await runDueJobs(deps, later(MINUTES + 2));
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.break_glass_lapsed' and subject_id = $1", [c.caseId]), 1, 'lapsed once, whoever saw it first');
  });

  test('the recovery holders cannot grant a lapsed request either', async () => {
    const c = await asked();
    await runDueJobs(deps, later(MINUTES + 1));
    await assert.rejects(breakGlassWithRecovery(t.db, c.caseId, users.rescuer.login, instance.shares.slice(0, instance.threshold)), CommandError);
    assert.equal(await hasGrant(t.db, c.coreVault, users.rescuer.id), false);
    assert.equal(await statusOf(c.requestId), 'lapsed');
  });

  test('an approval at the moment the request lapses: one of the two, never both, never an error', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, async () => {
    for (let round = 0; round < 4; round++) {
      const c = await asked();
      const [approve] = await Promise.all([browsers.caseworker.staffPost(`/staff/break-glass/${c.requestId}/approve`, {}), runDueJobs(deps, later(MINUTES + 1))]);
      assert.equal(approve.status, 303, `round ${round}`);
      const status = await statusOf(c.requestId);
      const granted = await hasGrant(t.db, c.coreVault, users.rescuer.id);
      assert.ok((status === 'approved' && granted) || (status === 'lapsed' && !granted), `round ${round}: ${status}, granted ${granted}`);
      assert.equal(approve.location, `/staff/cases/${c.caseId}?safety=${status}#break-glass-title`, 'the page says what happened');
      const events = await t.db.query<{ kind: string }>("select kind from audit_events where subject_id = $1 and kind in ('case.break_glass_approved', 'case.break_glass_lapsed')", [c.caseId]);
      assert.equal(events.length, 1, `round ${round}: one outcome audited`);
    }
  });

  test('BREAK_GLASS_PENDING_MINUTES: 60 by default, a whole number of minutes from 5 to 1440, anything else stops the start', () => {
    assert.equal(loadConfig({}).breakGlassPendingMinutes, 60);
    assert.equal(loadConfig({ BREAK_GLASS_PENDING_MINUTES: '15' }).breakGlassPendingMinutes, 15);
    for (const wrong of ['0', '4', '1441', '2.5', 'soon']) {
      assert.throws(() => loadConfig({ BREAK_GLASS_PENDING_MINUTES: wrong }), (error: unknown) => error instanceof ConfigError && error.message.includes('BREAK_GLASS_PENDING_MINUTES'), wrong);
    }
  });

  test('the set time is the one the request was asked with', async () => {
    const short = await startTestApp({ BREAK_GLASS_PENDING_MINUTES: '10' });
    try {
      const { admin } = await initialiseInstance(short.db);
      const caseworker = await createStaff(short.db, { login: 'cw', roles: ['caseworker'] });
      const rescuer = await createStaff(short.db, { login: 'night', roles: ['coordinator'] });
      const { requestId } = await submitHelp(short, 'en', { needs: ['legal'] });
      const made = await (await loggedIn(short, admin)).staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
      const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
      assert.equal((await (await loggedIn(short, rescuer)).staffPost(`/staff/cases/${caseId}/break-glass`, { reason: 'x' })).status, 303);
      const [row] = await short.db.query<{ minutes: number }>('select extract(epoch from lapses_at - created_at)::int / 60 as minutes from break_glass_requests where case_id = $1', [caseId]);
      assert.equal(row!.minutes, 10);
      const shortDeps = { db: short.db, config: short.config, mailer: null };
      await runDueJobs(shortDeps, later(11));
      assert.equal(await countRows(short.db, 'break_glass_requests', "case_id = $1 and status = 'lapsed'", [caseId]), 1);
    } finally {
      await short.close();
    }
  });
});
