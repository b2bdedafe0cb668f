import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decryptBytes, publicKeyOf, randomBytes, sessionKey, sha256 } from '../../src/crypto/primitives.ts';
import { currentTotp } from '../../src/auth/totp.ts';
import { translator } from '../../src/i18n/index.ts';
import {
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  startTestApp,
  submitHelp,
  assertShows,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/security/sessions.test.ts', () => {
  const ru = translator('ru'); // staff pages before login speak the browser's language: none given, Russian
  let t: TestApp;
  let coordinator: StaffUser;
  let requestId: string;

  before(async () => {
    t = await startTestApp();
    await initialiseInstance(t.db);
    coordinator = await createStaff(t.db, { login: 'sesscoord', roles: ['coordinator'] });
    ({ requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'sessions test' }));
  });

  after(() => t?.close());

  let people = 0;
  /** A colleague of one's own: the code step allows 10 tries per user per 15 minutes, so tests do not share. */
  async function someone(): Promise<StaffUser> {
    people += 1;
    return createStaff(t.db, { login: `sessions-${people}`, roles: ['caseworker'] });
  }

  const idHashOf = (cookie: string) => sha256(Buffer.from(cookie.split('.')[0]!, 'base64url'));

  async function sessionRow(cookie: string) {
    const [row] = await t.db.query<{ key_box: Uint8Array; last_seen_at: Date }>('select key_box, last_seen_at from sessions where id_hash = $1', [idHashOf(cookie)]);
    return row;
  }

  async function decryptions(userId: string): Promise<number> {
    return countRows(t.db, 'audit_events', "kind = 'vault.decrypted' and actor_user_id = $1", [userId]);
  }

  function expectLoggedOut(page: { status: number; location: string | null }, what: string) {
    assert.equal(page.status, 303, what);
    assert.match(page.location ?? '', /^\/staff\/login(\?|$)/, what);
  }

  /** Replaces one character of a base64url text with one that differs in its high bits. */
  function changeOneChar(text: string, index: number): string {
    const replacement = text[index] === 'A' ? 'Q' : 'A';
    return text.slice(0, index) + replacement + text.slice(index + 1);
  }

  describe('the session cookie', () => {
    test('a tampered, swapped or garbage cookie is a logged-out visitor, and nothing is decrypted', async () => {
      const browser = await loggedIn(t, coordinator);
      const other = await loggedIn(t, coordinator);
      const genuine = browser.cookie()!;
      const [id, secret] = genuine.split('.') as [string, string];
      assert.equal((await browser.get(`/staff/requests/${requestId}`)).status, 200, 'the genuine cookie opens the request');

      const before = await decryptions(coordinator.id);
      const forgeries = {
        'secret changed by one character': `${id}.${changeOneChar(secret, 0)}`,
        'secret changed in the middle': `${id}.${changeOneChar(secret, 20)}`,
        'id changed by one character': `${changeOneChar(id, 0)}.${secret}`,
        'id of another session': `${other.cookie()!.split('.')[0]}.${secret}`,
        'secret of another session': `${id}.${other.cookie()!.split('.')[1]}`,
        'only the id': id,
        'an extra part': `${genuine}.x`,
        garbage: 'not-a-session',
        empty: '',
      };
      for (const [what, value] of Object.entries(forgeries)) {
        const attacker = new Browser(t);
        attacker.setCookie(value);
        expectLoggedOut(await attacker.get(`/staff/requests/${requestId}`), what);
        expectLoggedOut(await attacker.get('/staff/cases'), what);
        const post = await attacker.post(`/staff/requests/${requestId}/reply`, { body: 'forged', _csrf: browser.csrfToken! });
        assert.equal(post.status, 403, what);
      }
      assert.equal(await decryptions(coordinator.id), before, 'no vault was opened for a forged cookie');
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 0, 'no forged reply was stored');
      // A forgery does not end the real session.
      assert.equal((await browser.get(`/staff/requests/${requestId}`)).status, 200);
    });

    test('the sessions table holds the private key only encrypted with the secret in the cookie', async () => {
      const user = await someone();
      const browser = await loggedIn(t, user);
      const cookie = browser.cookie()!;
      const [id, secret] = cookie.split('.').map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer];
      const row = (await sessionRow(cookie))!;
      const place = { table: 'sessions', row: Buffer.from(idHashOf(cookie)).toString('hex'), field: 'key' };

      // With the cookie's secret the box opens to the user's own private key (the control)...
      const privateKey = decryptBytes(sessionKey(secret), row.key_box, place);
      assert.equal(Buffer.from(publicKeyOf(privateKey)).toString('hex'), Buffer.from(user.publicKey).toString('hex'));
      // ...with anything else it does not.
      assert.throws(() => decryptBytes(sessionKey(randomBytes(32)), row.key_box, place));
      assert.throws(() => decryptBytes(sessionKey(id), row.key_box, place));
      assert.throws(() => decryptBytes(sessionKey(sha256(id)), row.key_box, place));

      // Neither half of the cookie is stored anywhere in the row.
      const [raw] = await t.db.query<Record<string, unknown>>('select * from sessions where id_hash = $1', [idHashOf(cookie)]);
      for (const value of Object.values(raw!)) {
        const stored = value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value));
        assert.ok(!stored.includes(id) && !stored.includes(secret), 'a cookie half is stored');
        assert.ok(!stored.includes(Buffer.from(cookie.split('.')[1]!)), 'the cookie secret is stored as text');
      }
    });

    test('logging out ends the session on the server: the old cookie no longer works', async () => {
      const browser = await loggedIn(t, await someone());
      const cookie = browser.cookie()!;
      const out = await browser.staffPost('/staff/logout');
      assert.equal(out.status, 303);
      assert.equal(browser.cookie(), undefined, 'the browser was told to forget the cookie');
      assert.equal(await sessionRow(cookie), undefined);
      const thief = new Browser(t);
      thief.setCookie(cookie);
      expectLoggedOut(await thief.get('/staff/cases'), 'the stolen cookie after logout');
    });
  });

  describe('session lifetime', () => {
    test('after 30 minutes without activity the session ends; before that it goes on', async () => {
      const browser = await loggedIn(t, await someone());
      const idHash = idHashOf(browser.cookie()!);
      await t.db.query("update sessions set last_seen_at = now() - interval '29 minutes' where id_hash = $1", [idHash]);
      assert.equal((await browser.get('/staff/cases')).status, 200, 'still active after 29 minutes');
      const touched = (await sessionRow(browser.cookie()!))!.last_seen_at;
      assert.ok(Date.now() - touched.getTime() < 60_000, 'activity moved last_seen_at forward');

      await t.db.query("update sessions set last_seen_at = now() - interval '31 minutes' where id_hash = $1", [idHash]);
      expectLoggedOut(await browser.get('/staff/cases'), 'idle for 31 minutes');
      assert.equal(await countRows(t.db, 'sessions', 'id_hash = $1', [idHash]), 0, 'the expired session was deleted');
    });

    test('after 12 hours the session ends even when in use', async () => {
      const browser = await loggedIn(t, await someone());
      const idHash = idHashOf(browser.cookie()!);
      await t.db.query("update sessions set created_at = now() - interval '11 hours 50 minutes' where id_hash = $1", [idHash]);
      assert.equal((await browser.get('/staff/cases')).status, 200);
      await t.db.query("update sessions set created_at = now() - interval '13 hours', last_seen_at = now() where id_hash = $1", [idHash]);
      expectLoggedOut(await browser.get('/staff/cases'), 'a 13-hour-old session');
      assert.equal(await countRows(t.db, 'sessions', 'id_hash = $1', [idHash]), 0);
    });

    test('the password alone is not enough: without the code, staff pages ask to log in', async () => {
      const browser = new Browser(t);
      const login = await browser.post('/staff/login', { login: coordinator.login, password: coordinator.password });
      assert.equal(login.status, 303);
      assert.match(login.location ?? '', /^\/staff\/login\/code/);
      assert.ok(browser.cookie(), 'a half-way session cookie was set');
      expectLoggedOut(await browser.get('/staff'), 'GET /staff at the code step');
      expectLoggedOut(await browser.get(`/staff/requests/${requestId}`), 'GET a request at the code step');
      const [row] = await t.db.query<{ csrf_token: string }>('select csrf_token from sessions where id_hash = $1', [idHashOf(browser.cookie()!)]);
      const post = await browser.post(`/staff/requests/${requestId}/reply`, { body: 'half-way', _csrf: row!.csrf_token });
      assert.equal(post.status, 403);
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 0);
    });
  });

  describe('the way in', () => {
    test('an account without an authenticator must enrol one before any staff page opens', async () => {
      const newcomer = await createStaff(t.db, { login: 'noauthenticator', roles: ['coordinator'] });
      await t.db.query('update users set totp_secret_sealed = null where id = $1', [newcomer.id]);
      const browser = new Browser(t);
      const login = await browser.post('/staff/login', { login: newcomer.login, password: newcomer.password });
      assert.equal(login.status, 303);
      assert.equal(login.location, '/staff/enrol');
      expectLoggedOut(await browser.get('/staff'), 'GET /staff while enrolling');
      expectLoggedOut(await browser.get(`/staff/requests/${requestId}`), 'GET a request while enrolling');
      const enrol = await browser.get('/staff/enrol');
      assert.equal(enrol.status, 200);
      const secret = /data-totp-secret[^>]*>([A-Z2-7]+)</.exec(enrol.html)?.[1];
      assert.ok(secret, 'the enrolment page shows the secret to type by hand');
      assert.equal((await browser.post('/staff/enrol', { code: '000000' === currentTotp(secret) ? '111111' : '000000' })).status, 400);
      expectLoggedOut(await browser.get('/staff'), 'after a wrong first code');
      assert.equal((await browser.post('/staff/enrol', { code: currentTotp(secret) })).status, 303);
      assert.equal((await browser.get('/staff')).status, 200);
    });

    test('after logging in, only our own staff pages are a place to return to', async () => {
      for (const [next, expected] of [
        ['/staff/cases', '/staff/cases'],
        ['https://evil.example/staff', '/staff'],
        ['//evil.example/staff', '/staff'],
        ['/staff//evil.example', '/staff'],
        ['/staff\\@evil.example', '/staff'],
        ['/ru/help', '/staff'],
        ['javascript:alert(1)', '/staff'],
      ] as const) {
        const user = await someone();
        const browser = new Browser(t);
        const login = await browser.post(`/staff/login?next=${encodeURIComponent(next)}`, { login: user.login, password: user.password });
        assert.equal(login.location, `/staff/login/code?next=${encodeURIComponent(expected)}`, next);
        const code = await browser.post(login.location!, { code: currentTotp(user.totpSecret) });
        assert.equal(code.status, 303, next);
        assert.equal(code.location, expected, next);
      }
    });
  });

  describe('guessing passwords and codes', () => {
    // Refused for this address only: test/auth/login-throttle.test.ts shows another address still logs in.
    test('after 5 wrong passwords from one address even the right one fails from there, with the same message, and the log shows it', async () => {
      const victim = await createStaff(t.db, { login: 'lockme', roles: ['caseworker'] });
      const browser = new Browser(t);
      const failed = ru('auth.login.failed');
      const unknown = await browser.post('/staff/login', { login: 'nobody-here', password: 'whatever-password' });
      assert.equal(unknown.status, 400);
      assertShows(unknown, failed, 'an unknown login');
      for (let attempt = 1; attempt <= 5; attempt++) {
        const wrong = await browser.post('/staff/login', { login: victim.login, password: `wrong-password-${attempt}` });
        assert.equal(wrong.status, 400, `attempt ${attempt}`);
        assertShows(wrong, failed, `wrong password ${attempt}`);
        assert.deepEqual(wrong.setCookies, []);
      }
      const right = await browser.post('/staff/login', { login: victim.login, password: victim.password });
      assert.equal(right.status, 400, 'the right password is refused from the guessing address');
      assert.deepEqual(right.setCookies, []);
      assert.equal(browser.cookie(), undefined);
      // The same page as for a wrong password: nothing tells an attacker the account exists or is refused.
      const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
      assert.equal(strip(right.html), strip(unknown.html).replace('nobody-here', victim.login));

      const reasons = (
        await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'login.failed' and subject_id = $1 order by seq", [victim.id])
      ).map((row) => (JSON.parse(row.detail) as { reason: string }).reason);
      assert.deepEqual(reasons, ['password', 'password', 'password', 'password', 'password', 'locked']);
    });

    test('a TOTP code works once: the same code replayed is refused', async () => {
      const user = await createStaff(t.db, { login: 'replay', roles: ['caseworker'] });
      const code = currentTotp(user.totpSecret);

      const first = new Browser(t);
      const step1 = await first.post('/staff/login', { login: user.login, password: user.password });
      const done = await first.post(step1.location!, { code });
      assert.equal(done.status, 303);
      assert.equal((await first.get('/staff/cases')).status, 200);

      const second = new Browser(t);
      const step2 = await second.post('/staff/login', { login: user.login, password: user.password });
      const replayed = await second.post(step2.location!, { code });
      assert.equal(replayed.status, 400);
      assertShows(replayed, ru('auth.code.failed'), 'the replayed code');
      expectLoggedOut(await second.get('/staff/cases'), 'after a replayed code');
      // The control: the authenticator's next code is accepted.
      const next = await second.post(step2.location!, { code: currentTotp(user.totpSecret, Date.now() + 30_000) });
      assert.equal(next.status, 303);
      assert.equal((await second.get('/staff/cases')).status, 200);
    });

    test('a wrong code does not get past the second step', async () => {
      const user = await createStaff(t.db, { login: 'wrongcode', roles: ['caseworker'] });
      const browser = new Browser(t);
      const step = await browser.post('/staff/login', { login: user.login, password: user.password });
      const right = currentTotp(user.totpSecret);
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      for (const code of [wrong, '', 'abcdef', '1234567']) {
        const page = await browser.post(step.location!, { code });
        assert.equal(page.status, 400, JSON.stringify(code));
        expectLoggedOut(await browser.get('/staff/cases'), `after the code ${JSON.stringify(code)}`);
      }
    });
  });
});
