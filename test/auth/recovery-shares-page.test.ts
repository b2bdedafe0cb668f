import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { issueSetupToken } from '../../src/auth/initialise.ts';
import { SHARES_CONFIRM_PATH } from '../../src/auth/shares-page.tsx';
import { translator } from '../../src/i18n/index.ts';
import { assertNotShows, assertShows, Browser, startTestApp, textOf, type Page, type TestApp } from '../support/app.ts';

/**
 * The page that shows the recovery shares, once, right after the setup form: nothing on it may
 * lose them. The shares exist nowhere else, so a link that leaves, or a confirmation that is
 * skipped, loses the organisation's recovery key.
 */
const en = translator('en');
const ORG = 'Rainbow Shelter Test';
let t: TestApp;
let shown: Page;
let shares: string[];

before(async () => {
  t = await startTestApp({ ORG_NAME: ORG });
  const token = await issueSetupToken(t.db);
  assert.ok(token, 'a new installation has a setup link');
  shown = await new Browser(t).post(`/staff/setup/${token}?lang=en`, {
    login: 'first',
    displayName: 'First Administrator',
    password: 'the first administrator passphrase',
    language: 'en',
  });
  assert.equal(shown.status, 200, 'the setup form answered with the shares');
  shares = sharesOn(shown);
  assert.equal(shares.length, 3, 'three shares are shown');
});

after(() => t?.close());

function sharesOn(page: Page): string[] {
  return [...page.html.matchAll(/<code\b[^>]*\bdata-share\b[^>]*>\s*([^<]*?)\s*</g)].map((match) => match[1]!);
}

const confirm = (fields: Record<string, string | string[]>) => new Browser(t).post(`${SHARES_CONFIRM_PATH}?lang=en`, fields);

test('the shares page has no link or form that leaves it without the shares', () => {
  const links = [...shown.html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((match) => match[1]!);
  assert.ok(links.length > 0, 'the scan sees the links of the page (the skip link at least)');
  assert.deepEqual(links.filter((href) => !href.startsWith('#')), [], 'every link stays on the page');
  const actions = [...shown.html.matchAll(/<form\b[^>]*\baction="([^"]*)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&').split('?')[0]);
  assert.deepEqual(actions, [SHARES_CONFIRM_PATH], 'the only form is the confirmation, which carries the shares');
  const carried = [...shown.html.matchAll(/<input\b[^>]*\bname="share"[^>]*\bvalue="([^"]*)"/g)].map((match) => match[1]!);
  assert.deepEqual(carried, shares, 'the confirmation carries every share');
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

test('going on without the confirmation shows the same shares again, with a message', async () => {
  const refused = await confirm({ share: shares });
  assert.equal(refused.status, 400, 'refused');
  assertShows(refused, en('auth.shares.confirmMissing'), 'the refused confirmation');
  assert.deepEqual(sharesOn(refused), shares, 'the shares are shown again');
  assert.deepEqual(sharesOn(await confirm({ share: shares, stored: 'no' })), shares, 'a value other than yes is no confirmation');

  const confirmed = await confirm({ share: shares, stored: 'yes' });
  assert.equal(confirmed.status, 303, 'confirmed');
  assert.equal(confirmed.location, '/staff/login', 'on to the login');
});

test('the confirmation shows only the shares of this installation, every one of them checked', async () => {
  const flipped = shares[2]!.replace(/[0-9a-f](?=[^0-9a-f]*$)/, (digit) => (digit === '0' ? '1' : '0'));
  const cases: [string, string[]][] = [
    ['a changed share', [shares[0]!, shares[1]!, flipped]],
    ['a share missing', [shares[0]!, shares[1]!]],
    ['a share twice', [shares[0]!, shares[1]!, shares[1]!]],
    ['text of someone else’s choosing', ['aaaa-bbbb', 'cccc-dddd', 'eeee-ffff']],
  ];
  for (const [what, sent] of cases) {
    const page = await confirm({ share: sent });
    assert.equal(page.status, 404, what);
    assert.deepEqual(sharesOn(page), [], `${what}: nothing is shown as a share`);
    assertNotShows(page, en('auth.shares.title'), what);
  }
});
