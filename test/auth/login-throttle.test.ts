import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { currentTotp } from '../../src/auth/totp.ts';
import { FAILURES_PER_ACCOUNT_AND_ADDRESS, LOGIN_WINDOW_MS } from '../../src/auth/login-throttle.ts';
import { insertUser } from '../../src/auth/users.ts';
import { logIn } from '../../src/auth/login.ts';
import { rateLimitKey } from '../../src/web/client-address.ts';
import { translator } from '../../src/i18n/index.ts';
import { createApp } from '../../src/web/app.tsx';
import { RateLimiter } from '../../src/web/rate-limit.ts';
import { openTestDb } from '../support/db.ts';
import { assertShows, Browser, createStaff, startTestApp, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/auth/login-throttle.test.ts', () => {
  const ru = translator('ru'); // staff pages before login speak the browser's language: none given, Russian
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });

  after(() => t?.close());

  let people = 0;
  function someone(): Promise<StaffUser> {
    people += 1;
    return createStaff(t.db, { login: `throttle-${people}`, roles: ['coordinator'] });
  }

  /** Wrong passwords for the account from the browser's address, as many as the limit allows. */
  async function guessPasswords(browser: Browser, login: string, count = FAILURES_PER_ACCOUNT_AND_ADDRESS) {
    for (let attempt = 1; attempt <= count; attempt++) {
      const page = await browser.post('/staff/login', { login, password: `wrong password ${attempt}` });
      assert.equal(page.status, 400, `wrong password ${attempt}`);
      assert.deepEqual(page.setCookies, [], `wrong password ${attempt} starts no session`);
    }
  }

  /**
   * The same guesses through the login operation, without the page's per-address slow-down: for
   * tests where the guessing is the setting, not what is tested.
   */
  async function guessQuickly(address: string, login: string) {
    for (let attempt = 1; attempt <= FAILURES_PER_ACCOUNT_AND_ADDRESS; attempt++) {
      const result = await logIn(t.db, t.limits, { login, password: `quick wrong password ${attempt}`, address: rateLimitKey(address) });
      assert.equal(result.ok, false, `quick guess ${attempt}`);
    }
  }

  async function reasons(userId: string): Promise<string[]> {
    const rows = await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'login.failed' and subject_id = $1 order by seq", [userId]);
    return rows.map((row) => (JSON.parse(row.detail) as { reason: string }).reason);
  }

  /** Both steps, from a browser: answers whether the browser ends up logged in. */
  async function logsIn(browser: Browser, user: StaffUser, at = Date.now()): Promise<boolean> {
    await t.db.query('update users set totp_last_step = 0 where id = $1', [user.id]);
    const password = await browser.post('/staff/login', { login: user.login, password: user.password });
    if (password.status !== 303 || !password.location) return false;
    const code = await browser.post(password.location, { code: currentTotp(user.totpSecret, at) });
    return code.status === 303 && (await browser.get('/staff/cases')).status === 200;
  }

  describe('guessing from one address does not lock the account for everyone', () => {
    test('after 5 wrong passwords from address A, A is refused even the right one, and the account still logs in from B', async () => {
      const victim = await someone();
      const attacker = new Browser(t);
      await guessPasswords(attacker, victim.login);
      const refused = await attacker.post('/staff/login', { login: victim.login, password: victim.password });
      assert.equal(refused.status, 400, 'the right password from the guessing address');
      assert.deepEqual(refused.setCookies, [], 'no session for the guessing address');
      assertShows(refused, ru('auth.login.failed'), 'the refusal reads like a wrong password');

      const colleague = new Browser(t);
      assert.notEqual(colleague.address, attacker.address);
      assert.ok(await logsIn(colleague, victim), 'the colleague logs in from another address');

      const [row] = await t.db.query<{ failed_logins: number; locked_until: Date | null }>('select failed_logins, locked_until from users where id = $1', [victim.id]);
      assert.deepEqual({ failed: row?.failed_logins, locked: row?.locked_until }, { failed: 0, locked: null }, 'no account-wide lock is written');
      assert.deepEqual(await reasons(victim.id), ['password', 'password', 'password', 'password', 'password', 'locked'], 'every failure is audited');
    });

    test('each wrong password from an address holds its answer back longer, doubling up to 3 s; another address is not slowed', async () => {
      const victim = await someone();
      const guesser = new Browser(t);
      const before = t.heldBack.length;
      for (const login of [victim.login, victim.login, 'nobody-here', victim.login, victim.login, 'nobody-either']) {
        assert.equal((await guesser.post('/staff/login', { login, password: 'a wrong password' })).status, 400);
      }
      assert.deepEqual(t.heldBack.slice(before), [300, 600, 1200, 2400, 3000, 3000], 'the guesser waits longer each time, whatever the account');
      const colleague = new Browser(t);
      assert.equal((await colleague.post('/staff/login', { login: victim.login, password: 'mistyped once' })).status, 400);
      assert.deepEqual(t.heldBack.slice(before + 6), [300], 'a colleague on another address starts from the first step');
    });

    test('an unknown login, a wrong password, an inactive account and a refused address answer alike', async () => {
      const active = await someone();
      const inactive = await someone();
      await t.db.query('update users set active = false where id = $1', [inactive.id]);
      const strip = (html: string, login: string) => html.replace(/value="[^"]*"/g, '').replaceAll(login, 'LOGIN');
      const browser = new Browser(t);
      const unknown = await browser.post('/staff/login', { login: 'nobody-at-all', password: 'whatever password' });
      const wrong = await browser.post('/staff/login', { login: active.login, password: 'not the password' });
      const off = await browser.post('/staff/login', { login: inactive.login, password: inactive.password });
      const guesser = new Browser(t);
      await guessQuickly(guesser.address, active.login);
      const throttled = await guesser.post('/staff/login', { login: active.login, password: active.password });
      for (const page of [unknown, wrong, off, throttled]) assert.equal(page.status, 400);
      const expected = strip(unknown.html, 'nobody-at-all');
      assert.equal(strip(wrong.html, active.login), expected, 'a wrong password');
      assert.equal(strip(off.html, inactive.login), expected, 'an inactive account');
      assert.equal(strip(throttled.html, active.login), expected, 'a refused address');
    });

    test('an unknown login is throttled like a known one, so the refusal tells nothing', async () => {
      const browser = new Browser(t);
      await guessQuickly(browser.address, 'no-such-colleague');
      await browser.post('/staff/login', { login: 'no-such-colleague', password: 'another guess here' });
      const [last] = await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'login.failed' order by seq desc limit 1");
      assert.deepEqual(JSON.parse(last!.detail), { userId: null, reason: 'locked' }, 'the sixth try is refused unchecked');
    });

    test('guesses sent in parallel from one address are counted before they are checked', async () => {
      const victim = await someone();
      const address = new Browser(t).address;
      const answers = await Promise.all(
        Array.from({ length: 9 }, (_, n) => new Browser(t, { address }).post('/staff/login', { login: victim.login, password: `parallel guess ${n}` })),
      );
      assert.ok(answers.every((page) => page.status === 400));
      const checked = (await reasons(victim.id)).filter((reason) => reason === 'password').length;
      assert.equal(checked, FAILURES_PER_ACCOUNT_AND_ADDRESS, 'only five passwords were checked');
    });
  });

  describe('the code step is throttled too', () => {
    test('a session past the password step cannot enter a code once the account is refused from its address', async () => {
      const victim = await someone();
      const session = new Browser(t);
      const step = await session.post('/staff/login', { login: victim.login, password: victim.password });
      assert.equal(step.status, 303, 'the password step');
      // Meanwhile, from the same address, someone guesses passwords until the account is refused here.
      await guessQuickly(session.address, victim.login);
      const code = await session.post(step.location!, { code: currentTotp(victim.totpSecret) });
      assert.equal(code.status, 400, 'the right code is refused');
      assertShows(code, ru('auth.code.throttled'), 'the code page');
      assert.equal((await session.get('/staff/cases')).status, 303, 'not logged in');
      assert.equal((await reasons(victim.id)).at(-1), 'locked', 'audited');
      assert.ok(await logsIn(new Browser(t), victim), 'another address still logs in');
    });

    test('wrong codes count like wrong passwords: after five, the right code is refused from that address', async () => {
      const victim = await someone();
      const browser = new Browser(t);
      const step = await browser.post('/staff/login', { login: victim.login, password: victim.password });
      const right = currentTotp(victim.totpSecret);
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      for (let attempt = 1; attempt <= FAILURES_PER_ACCOUNT_AND_ADDRESS; attempt++) {
        const page = await browser.post(step.location!, { code: wrong });
        assert.equal(page.status, 400, `wrong code ${attempt}`);
        assertShows(page, ru('auth.code.failed'), `wrong code ${attempt}`);
      }
      const refused = await browser.post(step.location!, { code: right });
      assert.equal(refused.status, 400, 'the right code after five wrong ones');
      assertShows(refused, ru('auth.code.throttled'), 'the refusal');
      // Starting over from the same address does not reset the count...
      const again = await new Browser(t, { address: browser.address }).post('/staff/login', { login: victim.login, password: victim.password });
      assert.equal(again.status, 400, 'the password step is refused from that address too');
      // ...while another address logs in.
      assert.ok(await logsIn(new Browser(t), victim), 'another address');
    });

    test('setting up the authenticator is refused while the account is refused from the address', async () => {
      const fresh = await insertUser(t.db, { login: 'throttle-enrol', displayName: 'Enrol', roles: ['caseworker'], language: 'en', password: 'enrolment passphrase here' });
      const browser = new Browser(t);
      const step = await browser.post('/staff/login', { login: fresh.login, password: 'enrolment passphrase here' });
      assert.equal(step.location, '/staff/enrol');
      const enrol = await browser.get('/staff/enrol');
      const secret = /data-totp-secret[^>]*>([A-Z2-7]+)</.exec(enrol.html)?.[1];
      assert.ok(secret);
      await guessQuickly(browser.address, fresh.login);
      assert.equal((await browser.post('/staff/enrol', { code: currentTotp(secret) })).status, 400, 'refused');
      assert.equal((await browser.get('/staff/cases')).status, 303, 'not logged in');
    });
  });

  describe('the refusal ends with its window', () => {
    test('15 minutes after the first failure the address may log in again', async () => {
      let now = Date.now();
      const db = await openTestDb();
      const heldBack: number[] = [];
      const limits = new RateLimiter(() => now, async (ms) => void heldBack.push(ms));
      const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://beside.test', TRUST_PROXY: 'true' });
      const clocked: TestApp = { app: createApp({ config, db, limits }), db, config, limits, heldBack, close: () => db.close() };
      try {
        const user = await createStaff(db, { login: 'window-user', roles: ['caseworker'] });
        const browser = new Browser(clocked);
        for (let attempt = 1; attempt <= FAILURES_PER_ACCOUNT_AND_ADDRESS; attempt++) {
          await logIn(db, limits, { login: user.login, password: `wrong ${attempt} password`, address: rateLimitKey(browser.address) });
        }
        assert.equal((await browser.post('/staff/login', { login: user.login, password: user.password })).status, 400, 'refused within the window');
        now += LOGIN_WINDOW_MS + 1;
        const step = await browser.post('/staff/login', { login: user.login, password: user.password });
        assert.equal(step.status, 303, 'let in after the window');
        assert.equal((await browser.post(step.location!, { code: currentTotp(user.totpSecret) })).status, 303, 'and the code step too');
      } finally {
        await clocked.close();
      }
    });
  });
});
