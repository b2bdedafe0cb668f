import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueSetupToken } from '../../src/auth/initialise.ts';
import { SHARES_PAGE_PATH } from '../../src/auth/shares-page.tsx';
import { keepShares, SHARES_KEPT_MS } from '../../src/auth/recovery-shares.ts';
import { SHARES_COOKIE } from '../../src/auth/cookie.ts';
import { parseShare } from '../../src/crypto/recovery.ts';
import { hashToken } from '../../src/crypto/tokens.ts';
import { translator } from '../../src/i18n/index.ts';
import { assertNotShows, assertShows, Browser, countRows, startTestApp, textOf, type Page, type TestApp } from '../support/app.ts';

describe('test/auth/recovery-shares-page.test.ts', () => {
  /**
   * The page that shows the recovery shares after the setup form: nothing on it may lose them. The
   * setup form's answer sends the browser on (post/redirect/get), so a reload or Back shows the
   * same shares, kept sealed under a key that only this browser's cookie holds, until the person
   * confirms they are printed or stored.
   */
  const en = translator('en');
  const ORG = 'Rainbow Shelter Test';
  const PAGE = `${SHARES_PAGE_PATH}?lang=en`;
  let t: TestApp;
  let admin: Browser;
  let posted: Page;
  let shown: Page;
  let shares: string[];

  before(async () => {
    t = await startTestApp({ ORG_NAME: ORG });
    const token = await issueSetupToken(t.db);
    assert.ok(token, 'a new installation has a setup link');
    admin = new Browser(t);
    posted = await admin.post(`/staff/setup/${token}?lang=en`, {
      login: 'first',
      displayName: 'First Administrator',
      password: 'the first administrator passphrase',
      language: 'en',
    });
    assert.equal(posted.status, 303, 'the setup form sends the browser on');
    assert.equal(posted.location, PAGE, 'to the shares page, in the language chosen');
    shown = await admin.get(posted.location!);
    assert.equal(shown.status, 200, 'the shares page shows the shares');
    shares = sharesOn(shown);
    assert.equal(shares.length, 3, 'three shares are shown');
  });

  after(() => t?.close());

  function sharesOn(page: Page): string[] {
    return [...page.html.matchAll(/<code\b[^>]*\bdata-share\b[^>]*>\s*([^<]*?)\s*</g)].map((match) => match[1]!);
  }

  /** A browser holding shares kept for it as the setup form keeps them, and the row's id. */
  async function keptIn(): Promise<{ browser: Browser; idHash: Uint8Array; cookie: string }> {
    const cookie = await keepShares(t.db, { shares, threshold: 2, createdAt: new Date() });
    const browser = new Browser(t);
    browser.setCookie(cookie, SHARES_COOKIE, SHARES_PAGE_PATH);
    return { browser, cookie, idHash: hashToken(Buffer.from(cookie.split('.')[0]!, 'base64url')) };
  }

  const rowsOf = (idHash: Uint8Array) => countRows(t.db, 'shown_recovery_shares', 'id_hash = $1', [idHash]);

  function assertGone(page: Page, what: string): void {
    assert.equal(page.status, 404, `${what}: not found`);
    assert.deepEqual(sharesOn(page), [], `${what}: no share is shown`);
    assertNotShows(page, en('auth.shares.title'), what);
    assertShows(page, en('auth.shares.gone'), what);
  }

  test('the key to the kept shares lives in a cookie only the shares page gets, never readable by script or sent cross-site', () => {
    const cookie = posted.setCookies.find((header) => header.startsWith(`${SHARES_COOKIE}=`));
    assert.ok(cookie, 'the setup form sets the shares cookie');
    for (const attribute of ['HttpOnly', 'SameSite=Strict', `Path=${SHARES_PAGE_PATH}`, `Max-Age=${SHARES_KEPT_MS / 1000}`]) {
      assert.ok(cookie.split(/;\s*/).includes(attribute), `the cookie has ${attribute}: ${cookie}`);
    }
  });

  test('a reload shows the same shares again, until they are confirmed', async () => {
    const again = await admin.get(PAGE);
    assert.equal(again.status, 200, 'the reload is shown');
    assert.deepEqual(sharesOn(again), shares, 'the same shares');
    assert.deepEqual(sharesOn(await admin.get(PAGE)), shares, 'and again');
  });

  test('the shares page has no link or form that leaves it, and the shares are in no form field', () => {
    const links = [...shown.html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((match) => match[1]!);
    assert.ok(links.length > 0, 'the scan sees the links of the page (the skip link at least)');
    assert.deepEqual(links.filter((href) => !href.startsWith('#')), [], 'every link stays on the page');
    const actions = [...shown.html.matchAll(/<form\b[^>]*\baction="([^"]*)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&').split('?')[0]);
    assert.deepEqual(actions, [SHARES_PAGE_PATH], 'the only form is the confirmation, back to this page');
    assert.equal([...shown.html.matchAll(/<input\b[^>]*\bname="share"/g)].length, 0, 'the server keeps the shares: the form does not carry them');
    assert.match(shown.html, /<input\b[^>]*\bname="stored"[^>]*\brequired/, 'the browser asks for the confirmation before sending');
  });

  test('each share has a sheet that says what it is, who keeps it, how it is used, for which installation and when', () => {
    const sheets = shown.html.split('<section class="share-sheet"').slice(1);
    assert.equal(sheets.length, 3, 'one sheet per share');
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'Europe/Amsterdam' }).format(new Date());
    sheets.forEach((sheet, index) => {
      const text = textOf(sheet);
      const what = `sheet ${index + 1}`;
      assertShows(sheet, en('auth.shares.sheetTitle', { n: index + 1, count: 3 }), what);
      assertShows(sheet, ORG, what);
      assertShows(sheet, today, what);
      assertShows(sheet, en('auth.shares.what', { count: 3 }), what);
      assertShows(sheet, en('auth.shares.keeper'), what);
      assertShows(sheet, en('auth.shares.use', { threshold: 2 }), what);
      assert.ok(text.includes(shares[index]!), `${what} holds share ${index + 1}`);
    });
  });

  test('going on without the confirmation shows the same shares again, with a message; confirmed, they are gone', async () => {
    const { browser, idHash } = await keptIn();
    const refused = await browser.post(PAGE, {});
    assert.equal(refused.status, 400, 'refused');
    assertShows(refused, en('auth.shares.confirmMissing'), 'the refused confirmation');
    assert.deepEqual(sharesOn(refused), shares, 'the shares are shown again');
    assert.deepEqual(sharesOn(await browser.post(PAGE, { stored: 'no' })), shares, 'a value other than yes is no confirmation');
    assert.equal(await rowsOf(idHash), 1, 'unconfirmed, the shares are still kept');

    const confirmed = await browser.post(PAGE, { stored: 'yes' });
    assert.equal(confirmed.status, 303, 'confirmed');
    assert.equal(confirmed.location, '/staff/login', 'on to the login');
    assert.ok(confirmed.setCookies.some((header) => header.startsWith(`${SHARES_COOKIE}=;`) && /Max-Age=0/.test(header)), 'the cookie is cleared');
    assert.equal(await rowsOf(idHash), 0, 'the kept shares are deleted');
    assertGone(await browser.get(PAGE), 'a reload after confirming');
    assertGone(await browser.post(PAGE, { stored: 'yes' }), 'a second confirmation');
  });

  test('another browser, without the cookie, sees no share', async () => {
    const other = new Browser(t);
    const page = await other.get(PAGE);
    assertGone(page, 'another browser');
    assert.deepEqual(page.setCookies, [], 'and is given no cookie');
    assertGone(await other.post(PAGE, { stored: 'no' }), 'another browser confirming');
  });

  test('a tampered cookie sees no share, and does not lose them for the browser that holds them', async () => {
    const { browser, cookie, idHash } = await keptIn();
    const [id, secret] = cookie.split('.') as [string, string];
    const flip = (text: string) => `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`;
    for (const [what, forged] of [
      ['another secret', `${id}.${flip(secret)}`],
      ['another id', `${flip(id)}.${secret}`],
      ['no secret', id],
      ['nonsense', 'not-a-cookie'],
    ] as const) {
      const forger = new Browser(t);
      forger.setCookie(forged, SHARES_COOKIE, SHARES_PAGE_PATH);
      assertGone(await forger.get(PAGE), what);
      assertGone(await forger.post(PAGE, { stored: 'yes' }), `${what}, confirming`);
    }
    assert.equal(await rowsOf(idHash), 1, 'the kept shares are still there');
    assert.deepEqual(sharesOn(await browser.get(PAGE)), shares, 'and the right cookie still shows them');
  });

  test('the database holds no share in plain, only a sealed box', async () => {
    const { idHash } = await keptIn();
    const [row] = await t.db.query<Record<string, unknown>>('select * from shown_recovery_shares where id_hash = $1', [idHash]);
    assert.ok(row, 'the row exists');
    const bytes = Buffer.concat(
      Object.values(row).map((value) => (value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(value instanceof Date ? value.toISOString() : String(value)))),
    );
    const holds = (needle: Buffer) => [needle, Buffer.from(needle.toString('hex')), Buffer.from(needle.toString('base64'))].some((pattern) => bytes.includes(pattern));
    // The search finds what is there: the row's id, as the cookie names it.
    assert.ok(holds(Buffer.from(idHash)), 'the search sees the bytes of the row');
    shares.forEach((share, index) => {
      assert.ok(!holds(Buffer.from(share)), `share ${index + 1} is not in the row as text`);
      assert.ok(!holds(Buffer.from(parseShare(share))), `share ${index + 1} is not in the row as bytes`);
    });
  });

  test('expired shares are shown no more, and deleted', async () => {
    const { browser, idHash } = await keptIn();
    const { idHash: otherIdHash } = await keptIn();
    await t.db.query("update shown_recovery_shares set expires_at = now() - interval '1 second' where id_hash = any($1::bytea[])", [[idHash, otherIdHash]]);
    assertGone(await browser.get(PAGE), 'expired shares');
    assert.equal(await rowsOf(idHash), 0, 'the expired row is deleted');
    assert.equal(await rowsOf(otherIdHash), 0, 'and every other expired row with it');
  });

  test('the page that says the shares are gone is translated', async () => {
    for (const lang of ['ru', 'nl'] as const) {
      const page = await new Browser(t).get(`${SHARES_PAGE_PATH}?lang=${lang}`);
      assert.equal(page.status, 404, lang);
      assertShows(page, translator(lang)('auth.shares.gone'), lang);
    }
  });
});
