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

const en = translator('en');
let t: TestApp;
let admin: StaffUser;
let coordinator: Browser;
let caseworkerUser: StaffUser;
let psychologistUser: StaffUser;
let caseworker: Browser;
let psychologist: Browser;

/** A request that stays a request, and two that became cases. */
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
  const holder = await createStaff(t.db, { login: 'accessholder', roles: ['caseworker'] });
  caseA = await makeCase(requestA, psychologistUser);
  caseB = await makeCase(requestB, holder);
  caseworker = await loggedIn(t, caseworkerUser);
  psychologist = await loggedIn(t, psychologistUser);
});

after(() => t?.close());

const decryptionsBy = (userId: string) => countRows(t.db, 'audit_events', "kind = 'vault.decrypted' and actor_user_id = $1", [userId]);

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
      assignments: await countRows(t.db, 'case_assignments', 'user_id = $1', [caseworkerUser.id]),
      grants: await countRows(t.db, 'vault_keys', 'user_id = $1', [caseworkerUser.id]),
      requestStatus: await countRows(t.db, 'help_requests', "status = 'new'"),
    });
    const before = await count();
    const attempts: [string, Record<string, string>][] = [
      [`/staff/requests/${plainRequest}/reply`, { body: 'sneaky reply' }],
      [`/staff/requests/${requestA}/reply`, { body: 'sneaky reply' }],
      [`/staff/cases/${caseA}/notes`, { body: 'sneaky note' }],
      [`/staff/cases/${caseA}/needs`, { need: 'psychological', status: 'done' }],
      [`/staff/cases/${caseA}/assign`, { user: caseworkerUser.id }],
    ];
    for (const [path, fields] of attempts) assert.equal((await caseworker.staffPost(path, fields)).status, 404, path);
    assert.deepEqual(await count(), before);
  });

  test('a psychologist assigned to one case cannot read another', async () => {
    assert.equal((await psychologist.get(`/staff/cases/${caseA}`)).status, 200, 'their own case opens');
    assertShows(await psychologist.get(`/staff/cases/${caseA}`), story.a, 'their own case');
    for (const path of [`/staff/cases/${caseB}`, `/staff/requests/${requestB}`, `/staff/requests/${plainRequest}`]) {
      const page = await psychologist.get(path);
      assert.equal(page.status, 404, path);
      assertNotShows(page, story.b, path);
    }
    assert.equal((await psychologist.staffPost(`/staff/cases/${caseB}/notes`, { body: 'wrong case' })).status, 404);
    assert.equal(await countRows(t.db, 'case_notes', 'case_id = $1', [caseB]), 0);
  });

  test('once assigned, a caseworker can read the case and its conversation', async () => {
    const joining = await createStaff(t.db, { login: 'accessjoin', roles: ['caseworker'] });
    const browser = await loggedIn(t, joining);
    assert.equal((await browser.get(`/staff/cases/${caseA}`)).status, 404, 'not before');
    const assigned = await coordinator.staffPost(`/staff/cases/${caseA}/assign`, { user: joining.id });
    assert.equal(assigned.status, 303);
    const page = await browser.get(`/staff/cases/${caseA}`);
    assert.equal(page.status, 200);
    assertShows(page, story.a, 'the case page');
    assert.equal((await browser.get(`/staff/requests/${requestA}`)).status, 200);
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
    const again = await coordinator.staffPost('/staff/requests/share', { user: newcomer.id });
    assert.equal(again.location, '/staff?shared=0', 'nothing is shared twice');
  });

  test('an administrator who is not a coordinator does not see what people wrote', async () => {
    const pureAdmin = await createStaff(t.db, { login: 'onlyadmin', roles: ['administrator'] });
    const browser = await loggedIn(t, pureAdmin);
    const fresh = await submitHelp(t, 'ru', { needs: ['legal'], story: marker('admin-story') });
    const inbox = await browser.get('/staff');
    assert.equal(inbox.status, 303, 'no inbox for an administrator alone');
    assert.equal(inbox.location, '/staff/cases');
    for (const path of [`/staff/requests/${fresh.requestId}`, `/staff/requests/${plainRequest}`, `/staff/cases/${caseA}`]) {
      assert.equal((await browser.get(path)).status, 404, path);
    }
    assert.equal((await browser.staffPost(`/staff/requests/${fresh.requestId}/status`, { status: 'closed' })).status, 404);
    assert.equal(await countRows(t.db, 'vault_keys', 'user_id = $1', [pureAdmin.id]), 0, 'no vault is sealed to them');
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
    assert.ok((await countRows(t.db, 'vault_keys', 'user_id = $1', [leaving.id])) >= 2, 'they held the case and its conversation');

    const adminBrowser = await loggedIn(t, admin);
    const done = await adminBrowser.staffPost(`/staff/users/${leaving.id}/deactivate`);
    assert.equal(done.status, 200);
    assertShows(done, en('auth.users.deactivated'), 'the users page');

    const after = await browser.get(`/staff/cases/${kase}`);
    assert.equal(after.status, 303);
    assert.match(after.location ?? '', /^\/staff\/login/);
    assert.equal((await browser.post(`/staff/cases/${kase}/notes`, { body: 'after leaving', _csrf: browser.csrfToken! })).status, 403);
    assert.equal(await countRows(t.db, 'sessions', 'user_id = $1', [leaving.id]), 0);
    assert.equal(await countRows(t.db, 'vault_keys', 'user_id = $1', [leaving.id]), 0);
    assert.equal(await countRows(t.db, 'case_assignments', 'user_id = $1', [leaving.id]), 0);
    assert.equal(await countRows(t.db, 'case_notes', 'case_id = $1', [kase]), 0);
    const again = await new Browser(t).post('/staff/login', { login: leaving.login, password: leaving.password });
    assert.equal(again.status, 400);
    assert.deepEqual(again.setCookies, []);
    const revoked = await countRows(t.db, 'audit_events', "kind = 'vault.revoked' and detail::jsonb ->> 'userId' = $1", [leaving.id]);
    assert.ok(revoked >= 2, 'each revoked grant is in the audit log');
  });

  test('a deactivated coordinator is not sealed new requests', async () => {
    const gone = await createStaff(t.db, { login: 'gonecoord', roles: ['coordinator'] });
    const adminBrowser = await loggedIn(t, admin);
    assert.equal((await adminBrowser.staffPost(`/staff/users/${gone.id}/deactivate`)).status, 200);
    const fresh = await submitHelp(t, 'ru', { needs: ['legal'] });
    const [request] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [fresh.requestId]);
    assert.equal(await countRows(t.db, 'vault_keys', 'vault_id = $1 and user_id = $2', [request!.vault_id, gone.id]), 0);
    assert.equal(await countRows(t.db, 'vault_keys', 'vault_id = $1 and user_id = $2', [request!.vault_id, admin.id]), 1, 'the active coordinator is');
  });

  test('an administrator cannot deactivate themselves', async () => {
    const adminBrowser = await loggedIn(t, admin);
    assert.equal((await adminBrowser.staffPost(`/staff/users/${admin.id}/deactivate`)).status, 404);
    assert.equal(await countRows(t.db, 'users', 'id = $1 and active', [admin.id]), 1);
  });
});
