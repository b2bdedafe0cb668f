import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { currentTotp } from '../../src/auth/totp.ts';
import { translator } from '../../src/i18n/index.ts';
import { assertNotShows, assertShows, Browser, createStaff, startTestApp, type TestApp } from '../support/app.ts';

describe('test/auth/enrolment.test.ts', () => {
  /**
   * Setting up the second factor. A person scans the QR code, and the page is reloaded (by them,
   * or by a phone that woke up): the code from the app that scanned the first QR must still work,
   * and a refused code must say what is really wrong.
   */
  const en = translator('en');
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });

  after(() => t?.close());

  /** A colleague at their first login, on the way to the enrolment page. */
  async function atEnrolment(login: string): Promise<Browser> {
    const newcomer = await createStaff(t.db, { login, roles: ['caseworker'] });
    await t.db.query('update users set totp_secret_sealed = null where id = $1', [newcomer.id]);
    const browser = new Browser(t);
    const step = await browser.post('/staff/login', { login: newcomer.login, password: newcomer.password });
    assert.equal(step.location, '/staff/enrol', 'the first login leads to enrolment');
    return browser;
  }

  async function secretShown(browser: Browser): Promise<string> {
    const page = await browser.get('/staff/enrol?lang=en');
    assert.equal(page.status, 200, 'the enrolment page');
    const secret = /data-totp-secret[^>]*>([A-Z2-7]+)</.exec(page.html)?.[1];
    assert.ok(secret, 'the enrolment page shows the key');
    return secret;
  }

  test('a reload shows the same key, and the code from the app that scanned the first one is accepted', async () => {
    const browser = await atEnrolment('reloader');
    const first = await secretShown(browser);
    const second = await secretShown(browser);
    assert.equal(second, first, 'the reloaded page shows the key already shown');
    const enrolled = await browser.post('/staff/enrol', { code: currentTotp(first) });
    assert.equal(enrolled.status, 303, 'the first key’s code is accepted');
    assert.equal((await browser.get('/staff/cases')).status, 200, 'logged in');
  });

  test('a wrong code says it does not match the key on the page; a code of the wrong length says how many digits', async () => {
    const browser = await atEnrolment('mistyper');
    const secret = await secretShown(browser);
    const wrong = await browser.post('/staff/enrol?lang=en', { code: currentTotp(secret) === '000000' ? '111111' : '000000' });
    assert.equal(wrong.status, 400, 'a wrong code is refused');
    assertShows(wrong, en('auth.enrol.failed'), 'a wrong code');
    assertNotShows(wrong, en('auth.code.failed'), 'a wrong code at enrolment');
    const short = await browser.post('/staff/enrol?lang=en', { code: '12345' });
    assert.equal(short.status, 400, 'five digits are refused');
    assertShows(short, en('auth.code.digits'), 'five digits');
    assert.equal(await secretShown(browser), secret, 'refused codes keep the key');
    assert.equal((await browser.post('/staff/enrol', { code: currentTotp(secret) })).status, 303, 'the right code still works');
  });

  test('the pending key is kept sealed in the session, never in the clear', async () => {
    const browser = await atEnrolment('sealed');
    const secret = await secretShown(browser);
    const rows = await t.db.query<{ box: Uint8Array | null }>(
      "select s.pending_totp_box as box from sessions s join users u on u.id = s.user_id where u.login = 'sealed'",
    );
    assert.equal(rows.length, 1, 'one session');
    const box = Buffer.from(rows[0]!.box ?? []);
    assert.ok(box.length > 0, 'the pending key is kept');
    assert.ok(!box.toString('latin1').includes(secret), 'not as text');
    const [users] = await t.db.query<{ sealed: Uint8Array | null }>("select totp_secret_sealed as sealed from users where login = 'sealed'");
    assert.equal(users!.sealed, null, 'nothing is saved to the account before a code confirms it');
    // Without the session cookie, which holds the key to the box, there is no enrolment to resume.
    browser.forgetCookies();
    assert.equal((await browser.get('/staff/enrol')).status, 303, 'without the session, no enrolment page');
  });
});
