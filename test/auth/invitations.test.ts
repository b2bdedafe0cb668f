import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import {
  assertNotShows,
  assertShows,
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  startTestApp,
  textOf,
  type Page,
  type TestApp,
} from '../support/app.ts';

describe('test/auth/invitations.test.ts', () => {
  /**
   * Invitations as the administrator and the invited colleague meet them: the list of those still
   * waiting (whom each is for, which roles, until when), revoking one, what a link says once it no
   * longer works, and the page the new colleague lands on.
   */
  const en = translator('en');
  let t: TestApp;
  let admin: Browser;

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    admin = await loggedIn(t, instance.admin);
  });

  after(() => t?.close());

  const ACCOUNT = { displayName: 'New Colleague', password: 'a long passphrase for the new colleague', language: 'en' };

  async function invite(note: string, roles: string[]): Promise<{ path: string; id: string }> {
    const page = await admin.staffPost('/staff/users/invite?lang=en', { note, roles });
    const link = /data-invite-link[^>]*>([^<]+)</.exec(page.html)?.[1];
    assert.ok(link, `inviting ${note} answered ${page.status} without a link`);
    const [row] = await t.db.query<{ id: string }>('select id from invites order by created_at desc, id limit 1');
    return { path: new URL(link).pathname, id: row!.id };
  }

  /** The row of the pending invitations table for one invitation, as text, or undefined. */
  function inviteRow(page: Page, id: string): string | undefined {
    const row = new RegExp(`<tr data-invite="${id}">([\\s\\S]*?)</tr>`).exec(page.html)?.[1];
    return row === undefined ? undefined : textOf(row.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
  }

  test('the administrator sees each waiting invitation: whom it is for, its roles, when it expires', async () => {
    const { id } = await invite('Aslan, legal team', ['lawyer', 'caseworker']);
    const page = await admin.get('/staff/users?lang=en');
    assert.equal(page.status, 200);
    const row = inviteRow(page, id);
    assert.ok(row, 'the invitation is listed');
    assert.ok(row.includes('Aslan, legal team'), `the note: ${row}`);
    assert.ok(row.includes(en('auth.role.lawyer')) && row.includes(en('auth.role.caseworker')), `the roles: ${row}`);
    const [expiry] = await t.db.query<{ expires_at: Date }>('select expires_at from invites where id = $1', [id]);
    const year = String(expiry!.expires_at.getUTCFullYear());
    assert.ok(row.includes(year) && row.includes('First Administrator'), `the expiry and who invited: ${row}`);
    assert.match(page.html, new RegExp(`action="/staff/users/invites/${id}/revoke"`), 'a revoke button');
  });

  test('the invitation page says which roles it gives; after accepting, the person lands on a page that says the account is ready', async () => {
    const { path, id } = await invite('Madina', ['coordinator']);
    const person = new Browser(t);
    const page = await person.get(`${path}?lang=en`);
    assert.equal(page.status, 200);
    assertShows(page, en('auth.invite.gives'), 'the invitation page');
    assertShows(page, en('auth.role.coordinator'), 'the invitation page');
    assertNotShows(page, 'Madina', 'the invitation page (the note is for administrators)');

    const accepted = await person.post(path, { ...ACCOUNT, login: 'madina' });
    assert.equal(accepted.status, 303, 'accepted');
    const ready = await person.get(`${accepted.location}?lang=en`);
    assert.equal(ready.status, 200, 'the landing page');
    assertShows(ready, en('auth.ready.title'), 'the landing page');
    assertShows(ready, en('auth.role.coordinator'), 'the landing page names the roles');
    assertShows(ready, en('auth.ready.enrol'), 'the landing page says what comes next');
    assertShows(ready, en('auth.ready.coordinator'), 'a coordinator learns they wait for confirmation');
    assert.match(ready.html, /href="\/staff\/login"/, 'the way on to the login');

    assert.equal(await countRows(t.db, 'invites', 'id = $1 and note is null', [id]), 1, 'the note is erased once used');
    assert.equal(inviteRow(await admin.get('/staff/users'), id), undefined, 'a used invitation is no longer waiting');
    const again = await new Browser(t).get(`${path}?lang=en`);
    assert.equal(again.status, 404);
    assertShows(again, en('auth.invite.used'), 'the used link');
    assert.doesNotMatch(again.html, /name="password"/, 'the used link offers no form');
  });

  test('a revoked invitation leaves the list, is audited without its note, and its link says so and gives nothing', async () => {
    const note = 'Zaur from Utrecht, housing';
    const { path, id } = await invite(note, ['housing_coordinator']);
    const revoked = await admin.staffPost(`/staff/users/invites/${id}/revoke?lang=en`);
    assert.equal(revoked.status, 200, 'revoked');
    assertShows(revoked, en('auth.invites.revoked'), 'the answer');
    assert.equal(inviteRow(revoked, id), undefined, 'no longer listed');
    assertNotShows(revoked, note, 'the users page');

    const entries = await t.db.query<{ actor_user_id: string; detail: string; subject_id: string }>(
      "select actor_user_id, detail, subject_id from audit_events where kind = 'user.invite_revoked'",
    );
    assert.equal(entries.length, 1, 'one audit entry');
    assert.equal(entries[0]!.subject_id, id, 'it names the invitation');
    const everything = (await t.db.query<{ detail: string }>('select detail from audit_events')).map((row) => row.detail).join('\n');
    assert.ok(!everything.includes('Zaur'), 'no audit entry carries the note');
    assert.equal(await countRows(t.db, 'invites', 'id = $1 and note is null and revoked_at is not null', [id]), 1, 'the note is erased');

    const person = new Browser(t);
    const link = await person.get(`${path}?lang=en`);
    assert.equal(link.status, 404, 'the revoked link');
    assertShows(link, en('auth.invite.revoked'), 'the revoked link');
    assert.doesNotMatch(link.html, /name="password"/, 'no form');
    assertNotShows(link, en('auth.role.housing_coordinator'), 'the revoked link does not say what it gave');
    const used = await person.post(`${path}?lang=en`, { ...ACCOUNT, login: 'zaur' });
    assert.equal(used.status, 404, 'posting the form anyway');
    assertShows(used, en('auth.invite.revoked'), 'posting the form anyway');
    assert.equal(await countRows(t.db, 'users', "login = 'zaur'"), 0, 'no account was made');

    assert.equal((await admin.staffPost(`/staff/users/invites/${id}/revoke`)).status, 200, 'revoking again changes nothing');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'user.invite_revoked'"), 1, 'and is not audited twice');
  });

  test('an expired invitation says so and gives nothing', async () => {
    const { path, id } = await invite('Late', ['editor']);
    await t.db.query("update invites set expires_at = now() - interval '1 minute' where id = $1", [id]);
    const link = await new Browser(t).get(`${path}?lang=en`);
    assert.equal(link.status, 404);
    assertShows(link, en('auth.invite.expired'), 'the expired link');
    assert.doesNotMatch(link.html, /name="password"/, 'no form');
    assert.equal(inviteRow(await admin.get('/staff/users'), id), undefined, 'an expired invitation is not listed as waiting');
    assert.equal((await admin.staffPost(`/staff/users/invites/${id}/revoke`)).status, 404, 'nothing left to revoke');
  });

  test('a colleague who is not an administrator can neither list nor revoke invitations', async () => {
    const { path, id } = await invite('Still welcome', ['psychologist']);
    for (const roles of [['coordinator'], ['caseworker'], ['editor']] as const) {
      const colleague = await loggedIn(t, await createStaff(t.db, { login: `not-admin-${roles[0]}`, roles: [...roles] }));
      const list = await colleague.get('/staff/users');
      assert.equal(list.status, 404, `${roles[0]}: the list`);
      assertNotShows(list, 'Still welcome', `${roles[0]}: the list`);
      assert.equal((await colleague.staffPost(`/staff/users/invites/${id}/revoke`)).status, 404, `${roles[0]}: revoking`);
    }
    assert.equal((await new Browser(t).post(`/staff/users/invites/${id}/revoke`, {})).status, 403, 'anonymous: revoking');
    assert.equal(await countRows(t.db, 'invites', 'id = $1 and revoked_at is null', [id]), 1, 'the invitation still waits');
    assert.equal((await new Browser(t).get(path)).status, 200, 'and its link still works');
  });

  test('a note longer than 200 characters is refused with a message, and the typed note is kept', async () => {
    const before = await countRows(t.db, 'invites');
    const long = 'x'.repeat(201);
    const page = await admin.staffPost('/staff/users/invite?lang=en', { note: long, roles: ['editor'] });
    assertShows(page, en('auth.users.inviteNoteError'), 'the refused note');
    assert.match(page.html, new RegExp(`value="${long}"`), 'the note as typed');
    assert.equal(await countRows(t.db, 'invites'), before, 'no invitation was made');
  });

  test('the users table and the invitations table name every column', async () => {
    await invite('Headers', ['editor']);
    const page = await admin.get('/staff/users?lang=en');
    const headers = [...page.html.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((match) => textOf(match[1]!.replace(/<[^>]+>/g, '')).trim());
    assert.ok(headers.length >= 10, `both tables' headers are seen (${headers.length})`);
    assert.deepEqual(headers.filter((text) => text === ''), [], 'no empty column header');
    assert.ok(headers.includes(en('auth.users.actions')), 'the buttons column is named');
  });

  test('revoking and accepting one invitation at the same moment: one of them wins, never both (concurrent on PostgreSQL)', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { path, id } = await invite(`race ${round}`, ['caseworker']);
      const login = `race${round}`;
      const [, accepted] = await Promise.all([
        admin.staffPost(`/staff/users/invites/${id}/revoke?lang=en`, {}),
        new Browser(t).post(path, { ...ACCOUNT, login }),
      ]);
      const [row] = await t.db.query<{ used: boolean; revoked: boolean }>(
        'select used_at is not null as used, revoked_at is not null as revoked from invites where id = $1',
        [id],
      );
      assert.ok(row && row.used !== row.revoked, `round ${round}: used ${row?.used}, revoked ${row?.revoked}`);
      assert.equal(await countRows(t.db, 'users', 'login = $1', [login]), row.used ? 1 : 0, 'an account exists only when the acceptance won');
      assert.equal(accepted.status === 303, row.used, 'the person is told the truth');
    }
  });
});
