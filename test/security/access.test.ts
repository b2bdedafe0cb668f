import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import {
  Browser,
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  submitHelp,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/security/access.test.ts', () => {
  const en = translator('en');
  let t: TestApp;
  let admin: StaffUser;
  let coordinator: Browser;
  let caseworkerUser: StaffUser;
  let psychologistUser: StaffUser;
  let holderUser: StaffUser;
  let caseworker: Browser;
  let psychologist: Browser;

  /** A request that stays a request, and two that became cases; the psychologist is on case A only. */
  const story = { plain: marker('plain-story'), a: marker('a-story'), b: marker('b-story') };
  let plainRequest: string;
  let requestA: string;
  let requestB: string;
  let caseA: string;
  let caseB: string;

  async function makeCase(requestId: string, assignee: StaffUser): Promise<string> {
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: assignee.id });
    const id = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1];
    if (made.status !== 303 || !id) throw new Error(`making a case answered ${made.status}`);
    return id;
  }

  before(async () => {
    t = await startTestApp();
    ({ admin } = await initialiseInstance(t.db));
    caseworkerUser = await createStaff(t.db, { login: 'accesscw', roles: ['caseworker'] });
    psychologistUser = await createStaff(t.db, { login: 'accesspsy', roles: ['psychologist'] });
    ({ requestId: plainRequest } = await submitHelp(t, 'ru', { needs: ['legal'], story: story.plain }));
    ({ requestId: requestA } = await submitHelp(t, 'ru', { needs: ['psychological'], story: story.a }));
    ({ requestId: requestB } = await submitHelp(t, 'ru', { needs: ['housing'], story: story.b }));
    coordinator = await loggedIn(t, admin);
    holderUser = await createStaff(t.db, { login: 'accessholder', roles: ['caseworker'] });
    caseA = await makeCase(requestA, holderUser);
    caseB = await makeCase(requestB, holderUser);
    const assigned = await coordinator.staffPost(`/staff/cases/${caseA}/assign`, { user: psychologistUser.id, role: 'psychologist' });
    if (assigned.status !== 303) throw new Error(`adding the psychologist answered ${assigned.status}`);
    caseworker = await loggedIn(t, caseworkerUser);
    psychologist = await loggedIn(t, psychologistUser);
  });

  after(() => t?.close());

  const decryptionsBy = (userId: string) => countRows(t.db, 'audit_events', "kind = 'vault.decrypted' and actor_user_id = $1", [userId]);
  const grantsOf = (userId: string, where = 'true', params: unknown[] = []) =>
    countRows(t.db, 'vault_keys', `principal_kind = 'user' and principal_ref = $1 and ${where}`, [userId, ...params]);
  const partsOf = (html: string) => /data-parts="([^"]*)"/.exec(html)?.[1];

  describe('need to know', () => {
    test('a caseworker who is not assigned cannot open a request or a case by its id', async () => {
      const decrypted = await decryptionsBy(caseworkerUser.id);
      const unknown = await caseworker.get(`/staff/requests/${randomUUID()}`);
      assert.equal(unknown.status, 404);
      for (const path of [`/staff/requests/${plainRequest}`, `/staff/requests/${requestA}`, `/staff/cases/${caseA}`]) {
        const page = await caseworker.get(path);
        assert.equal(page.status, 404, path);
        assert.equal(page.html, unknown.html, `${path}: the same answer as for an id that does not exist`);
        assertNotShows(page, story.plain, path);
        assertNotShows(page, story.a, path);
      }
      assert.equal(await decryptionsBy(caseworkerUser.id), decrypted, 'nothing was decrypted for them');
    });

    test('...nor write to them: replies, notes, needs and self-assignment are refused and nothing is written', async () => {
      const count = async () => ({
        messages: await countRows(t.db, 'messages'),
        notes: await countRows(t.db, 'case_notes'),
        openNeeds: await countRows(t.db, 'case_needs', "status = 'open'"),
        members: await countRows(t.db, 'case_members', 'user_id = $1', [caseworkerUser.id]),
        grants: await grantsOf(caseworkerUser.id),
        requestStatus: await countRows(t.db, 'help_requests', "status = 'new'"),
      });
      const before = await count();
      const attempts: [string, Record<string, string>][] = [
        [`/staff/requests/${plainRequest}/reply`, { body: 'sneaky reply' }],
        [`/staff/requests/${requestA}/reply`, { body: 'sneaky reply' }],
        [`/staff/cases/${caseA}/notes`, { body: 'sneaky note', part: 'core' }],
        [`/staff/cases/${caseA}/needs`, { need: 'psychological', status: 'done' }],
        [`/staff/cases/${caseA}/assign`, { user: caseworkerUser.id, role: 'caseworker' }],
        [`/staff/cases/${caseA}/remove`, { user: holderUser.id }],
        [`/staff/requests/${plainRequest}/join`, { case: caseA }],
      ];
      for (const [path, fields] of attempts) assert.equal((await caseworker.staffPost(path, fields)).status, 404, path);
      assert.deepEqual(await count(), before);
    });

    test('a psychologist on one case reads its psychological part only, and nothing of another case', async () => {
      const own = await psychologist.get(`/staff/cases/${caseA}`);
      assert.equal(own.status, 200, 'their own case opens');
      assert.equal(partsOf(own.html), 'psych', 'the psychological part only');
      assertNotShows(own, story.a, 'their own case: the person\'s details are in the core part');
      assert.ok(!own.html.includes('data-conversation='), 'the conversation follows the core, not the psychologist');
      assert.equal((await psychologist.get(`/staff/requests/${requestA}`)).status, 404, 'nor the request of their case');
      const note = marker('psych-note');
      assert.equal((await psychologist.staffPost(`/staff/cases/${caseA}/notes`, { body: note, part: 'psych' })).status, 303);
      assertShows(await psychologist.get(`/staff/cases/${caseA}`), note, 'their own psychological note');
      assert.equal((await psychologist.staffPost(`/staff/cases/${caseA}/notes`, { body: 'not my part', part: 'core' })).status, 404, 'no note in the core part');
      for (const path of [`/staff/cases/${caseB}`, `/staff/requests/${requestB}`, `/staff/requests/${plainRequest}`]) {
        const page = await psychologist.get(path);
        assert.equal(page.status, 404, path);
        assertNotShows(page, story.b, path);
      }
      assert.equal((await psychologist.staffPost(`/staff/cases/${caseB}/notes`, { body: 'wrong case', part: 'psych' })).status, 404);
      assert.equal(await countRows(t.db, 'case_notes', 'case_id = $1', [caseB]), 0);
      // The caseworker and the coordinator on the case do not read the psychologist's notes.
      for (const [who, browser] of [['coordinator', coordinator], ['caseworker', await loggedIn(t, holderUser)]] as const) {
        const page = await browser.get(`/staff/cases/${caseA}`);
        assert.equal(page.status, 200, who);
        assertNotShows(page, note, `the ${who}'s case page`);
      }
    });

    test('once assigned, a caseworker can read the case and its conversation', async () => {
      const joining = await createStaff(t.db, { login: 'accessjoin', roles: ['caseworker'] });
      const browser = await loggedIn(t, joining);
      assert.equal((await browser.get(`/staff/cases/${caseA}`)).status, 404, 'not before');
      const assigned = await coordinator.staffPost(`/staff/cases/${caseA}/assign`, { user: joining.id, role: 'caseworker' });
      assert.equal(assigned.status, 303);
      const page = await browser.get(`/staff/cases/${caseA}`);
      assert.equal(page.status, 200);
      assertShows(page, story.a, 'the case page');
      assert.ok(page.html.includes(`data-conversation="${requestA}"`), 'the conversation is on the case page');
      assert.equal((await browser.get(`/staff/requests/${requestA}`)).status, 200);
      // The coordinator who added them holds the core, not the legal part: that waits for a holder.
      assert.equal(partsOf(page.html), 'core');
      assert.equal((await (await loggedIn(t, holderUser)).get(`/staff/cases/${caseA}`)).status, 200, 'the other caseworker opens the case');
      assert.equal(partsOf((await browser.get(`/staff/cases/${caseA}`)).html), 'core legal', 'and seals the legal part on the way');
      // ...and still nothing else.
      assert.equal((await browser.get(`/staff/cases/${caseB}`)).status, 404);
    });

    test('access is a sealed key, not a role: a coordinator who joined after a request came in cannot open it', async () => {
      const newcomer = await createStaff(t.db, { login: 'latecoord', roles: ['coordinator'] });
      const browser = await loggedIn(t, newcomer);
      const inbox = await browser.get('/staff');
      assert.equal(inbox.status, 200);
      assert.match(inbox.html, new RegExp(`data-request="${plainRequest}"`), 'the request is in the inbox (metadata only)');
      assert.equal((await browser.get(`/staff/requests/${plainRequest}`)).status, 404);
      // A request that arrives now is sealed to them.
      const fresh = await submitHelp(t, 'ru', { needs: ['clothing'], story: 'arrived later' });
      assert.equal((await browser.get(`/staff/requests/${fresh.requestId}`)).status, 200);
    });

    test('a coordinator who holds the requests shares them with one who joined later, and only with a coordinator', async () => {
      const newcomer = await createStaff(t.db, { login: 'latecoord2', roles: ['coordinator'] });
      const browser = await loggedIn(t, newcomer);
      assert.equal((await browser.get(`/staff/requests/${plainRequest}`)).status, 404, 'not before sharing');
      // Sharing with someone who is not a coordinator shares nothing.
      const refused = await coordinator.staffPost('/staff/requests/share', { user: caseworkerUser.id });
      assert.equal(refused.location, '/staff?shared=0');
      assert.equal((await caseworker.get(`/staff/requests/${plainRequest}`)).status, 404);
      // The newcomer cannot give themselves access: they hold nothing to share.
      assert.equal((await browser.staffPost('/staff/requests/share', { user: newcomer.id })).location, '/staff?shared=0');

      const shared = await coordinator.staffPost('/staff/requests/share', { user: newcomer.id });
      assert.equal(shared.status, 303);
      assert.match(shared.location ?? '', /^\/staff\?shared=[1-9]\d*$/, 'at least the open request was shared');
      const page = await browser.get(`/staff/requests/${plainRequest}`);
      assert.equal(page.status, 200, 'after sharing');
      assertShows(page, story.plain, 'the newcomer reads the request');
      // Requests that became cases belong to their case team: they are not shared.
      assert.equal((await browser.get(`/staff/requests/${requestA}`)).status, 404, 'a request that is a case is not shared');
      const again = await coordinator.staffPost('/staff/requests/share', { user: newcomer.id });
      assert.equal(again.location, '/staff?shared=0', 'nothing is shared twice');
    });

    test('an administrator who is not a coordinator does not see what people wrote', async () => {
      const pureAdmin = await createStaff(t.db, { login: 'onlyadmin', roles: ['administrator'] });
      const browser = await loggedIn(t, pureAdmin);
      const fresh = await submitHelp(t, 'ru', { needs: ['legal'], story: marker('admin-story') });
      const inbox = await browser.get('/staff');
      assert.equal(inbox.status, 303, 'no inbox for an administrator alone');
      assert.equal(inbox.location, '/staff/my-work', 'their own work instead');
      for (const path of [`/staff/requests/${fresh.requestId}`, `/staff/requests/${plainRequest}`, `/staff/cases/${caseA}`]) {
        assert.equal((await browser.get(path)).status, 404, path);
      }
      assert.equal((await browser.staffPost(`/staff/requests/${fresh.requestId}/status`, { status: 'closed' })).status, 404);
      assert.equal(await grantsOf(pureAdmin.id), 0, 'no vault is sealed to them');
      const users = await browser.get('/staff/users');
      assert.equal(users.status, 200, 'the administrator does administer');
      const audit = await browser.get('/staff/audit');
      assert.equal(audit.status, 200);
      for (const words of Object.values(story)) assertNotShows(audit, words, 'the audit page');
    });
  });

  describe('deactivating a colleague', () => {
    test('their session stops at once, their grants and assignments are gone, and they cannot log in', async () => {
      const leaving = await createStaff(t.db, { login: 'leaving', roles: ['caseworker'] });
      const fresh = await submitHelp(t, 'ru', { needs: ['housing'], story: marker('leaving-story') });
      const kase = await makeCase(fresh.requestId, leaving);
      const browser = await loggedIn(t, leaving);
      assert.equal((await browser.get(`/staff/cases/${kase}`)).status, 200);
      assert.ok((await grantsOf(leaving.id)) >= 3, 'they held the core and legal parts of the case and its conversation');

      const adminBrowser = await loggedIn(t, admin);
      const done = await adminBrowser.staffPost(`/staff/users/${leaving.id}/deactivate`);
      assert.equal(done.status, 200);
      assertShows(done, en('auth.users.deactivated'), 'the users page');

      const after = await browser.get(`/staff/cases/${kase}`);
      assert.equal(after.status, 303);
      assert.match(after.location ?? '', /^\/staff\/login/);
      assert.equal((await browser.post(`/staff/cases/${kase}/notes`, { body: 'after leaving', part: 'core', _csrf: browser.csrfToken! })).status, 403);
      assert.equal(await countRows(t.db, 'sessions', 'user_id = $1', [leaving.id]), 0);
      assert.equal(await grantsOf(leaving.id), 0);
      assert.equal(await countRows(t.db, 'case_members', 'user_id = $1', [leaving.id]), 0);
      assert.equal(await countRows(t.db, 'case_notes', 'case_id = $1', [kase]), 0);
      const again = await new Browser(t).post('/staff/login', { login: leaving.login, password: leaving.password });
      assert.equal(again.status, 400);
      assert.deepEqual(again.setCookies, []);
      const revoked = await countRows(
        t.db,
        'audit_events',
        "kind = 'vault.revoked' and detail::jsonb ->> 'principalKind' = 'user' and detail::jsonb ->> 'principalRef' = $1",
        [leaving.id],
      );
      assert.ok(revoked >= 3, 'each revoked grant is in the audit log');
    });

    test('a deactivated coordinator is not sealed new requests', async () => {
      const gone = await createStaff(t.db, { login: 'gonecoord', roles: ['coordinator'] });
      const adminBrowser = await loggedIn(t, admin);
      assert.equal((await adminBrowser.staffPost(`/staff/users/${gone.id}/deactivate`)).status, 200);
      const fresh = await submitHelp(t, 'ru', { needs: ['legal'] });
      const [request] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [fresh.requestId]);
      assert.equal(await grantsOf(gone.id, 'vault_id = $2', [request!.vault_id]), 0);
      assert.equal(await grantsOf(admin.id, 'vault_id = $2', [request!.vault_id]), 1, 'the active coordinator is');
    });

    test('an administrator cannot deactivate themselves', async () => {
      const adminBrowser = await loggedIn(t, admin);
      assert.equal((await adminBrowser.staffPost(`/staff/users/${admin.id}/deactivate`)).status, 404);
      assert.equal(await countRows(t.db, 'users', 'id = $1 and active', [admin.id]), 1);
    });
  });
});
