/**
 * Text from the public on staff pages, as Chromium lays it out. A person's story that hides a
 * right-to-left override ("\u202Egnp.exe") must not show a coordinator "exe.png"; Hebrew and
 * Arabic must still read right to left inside their own block; and a phone that others check
 * must be the first thing on the request page. The request arrives through the public form, with
 * JavaScript off, as a person would send it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PAGE_TIMEOUT_MS, startBrowserRig, type BrowserRig } from '../support/chromium.ts';
import type { Db } from '../../src/db/client.ts';
import { initialise } from '../../src/auth/initialise.ts';
import { currentTotp, newTotpSecret, saveTotpSecret } from '../../src/auth/totp.ts';


const OVERRIDE_STORY = 'Документ: \u202Egnp.exe';
const HEBREW_STORY = 'שלום, אני צריך עזרה';
const ARABIC_CONTACT = 'اتصل بي مساء';

/**
 * The horizontal centre of each character of a text node, in logical order, as laid out: the
 * visual order a reader sees. (Range.getClientRects per character.)
 */
function centresOf(page: Page, selector: string, nodeText: string): Promise<number[]> {
  return page.evaluate(
    ({ selector, nodeText }) => {
      const root = document.querySelector(selector);
      if (!root) throw new Error(`no ${selector}`);
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(nodeText);
        if (at < 0) continue;
        return [...nodeText].map((_, i) => {
          const range = document.createRange();
          range.setStart(node!, at + i);
          range.setEnd(node!, at + i + 1);
          const rect = range.getBoundingClientRect();
          return rect.left + rect.width / 2;
        });
      }
      throw new Error(`no text node with ${nodeText} in ${selector}`);
    },
    { selector, nodeText },
  );
}

const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);
const descending = (xs: number[]) => xs.every((x, i) => i === 0 || x < xs[i - 1]!);

describe('text from the public on staff pages, in a browser', () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let server: { db: Db; close: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let staff: Page;
  let login = { login: 'admin', password: 'admin-correct-horse-battery-staple', secret: '' };

  async function send(context: BrowserContext, fill: (page: Page) => Promise<void>): Promise<string> {
    const page = await context.newPage();
    await page.goto(`${base}/ru/help`);
    await page.check('#needs-other');
    await fill(page);
    const before = new Set((await server!.db.query<{ id: string }>('select id from help_requests')).map((row) => row.id));
    await page.click('form[action="/ru/help"] button[type="submit"]');
    await page.locator('[data-receipt]').waitFor();
    await page.close();
    const added = (await server!.db.query<{ id: string }>('select id from help_requests')).filter((row) => !before.has(row.id));
    assert.equal(added.length, 1, 'one request arrived');
    return added[0]!.id;
  }

  before(async () => {
    rig = await startBrowserRig('beside-e2e-isolation-', (address) => ({ QUICK_EXIT_URL: `${address}/ru/` }));
    ({ base, server, browser } = rig);
    const { userId } = await initialise(server.db, { login: login.login, displayName: 'Admin', password: login.password, language: 'en' });
    const [row] = await server.db.query<{ public_key: Uint8Array }>('select public_key from users where id = $1', [userId]);
    login = { ...login, secret: newTotpSecret() };
    await saveTotpSecret(server.db, userId, row!.public_key, login.secret, 0);

    const context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    staff = await context.newPage();
    await staff.goto(`${base}/staff/login`);
    await staff.fill('#login', login.login);
    await staff.fill('#password', login.password);
    await staff.click('form[action^="/staff/login"] button[type="submit"]');
    await staff.waitForURL(/\/staff\/login\/code\?/);
    await staff.fill('#code', currentTotp(login.secret));
    await staff.click('form[action^="/staff/login/code"] button[type="submit"]');
    await staff.waitForURL((url) => url.pathname !== '/staff/login/code');
  });

  after(() => rig?.close());

  it('the measurement itself sees an override obeyed (the canary)', async () => {
    // Raw text with the override, outside Beside's component: Chromium shows it reversed.
    await staff.goto(`${base}/staff`);
    await staff.evaluate((text) => {
      const canary = document.createElement('div');
      canary.id = 'canary';
      canary.textContent = text;
      document.body.append(canary);
    }, 'x \u202Egnp.exe');
    assert.ok(descending(await centresOf(staff, '#canary', 'gnp.exe')), 'the override reverses the raw text: "exe.png" on screen');
  });

  it('a story with a right-to-left override does not read "exe.png"', async () => {
    const person = await browser!.newContext({ javaScriptEnabled: false, locale: 'ru-RU' });
    const id = await send(person, (page) => page.fill('#story', OVERRIDE_STORY));
    await person.close();
    await staff.goto(`${base}/staff/requests/${id}`);
    const story = staff.locator('dd[data-field="story"]');
    const shown = (await story.innerText()).trim();
    assert.equal(shown, 'Документ: ⟨U+202E⟩gnp.exe', 'the override is shown as a marker, the rest as written');
    assert.ok(!shown.includes('exe.png'));
    assert.ok(ascending(await centresOf(staff, 'dd[data-field="story"]', 'gnp.exe')), '"gnp.exe" reads left to right on screen');
  });

  it('Hebrew and Arabic still read right to left, each inside its own block', async () => {
    const person = await browser!.newContext({ javaScriptEnabled: false, locale: 'ru-RU' });
    const id = await send(person, async (page) => {
      await page.fill('#story', HEBREW_STORY);
      await page.fill('#contact', ARABIC_CONTACT);
      await page.check('#contactShared-yes');
    });
    await person.close();
    await staff.goto(`${base}/staff/requests/${id}`);

    const block = staff.locator('dd[data-field="story"] .public-text');
    assert.equal(await block.evaluate((el) => getComputedStyle(el).direction), 'rtl', 'the story block runs right to left');
    assert.ok(descending(await centresOf(staff, 'dd[data-field="story"]', 'שלום')), 'Hebrew letters run right to left');
    const contact = staff.locator('dd[data-field="contact"] bdi');
    assert.equal(await contact.evaluate((el) => getComputedStyle(el).direction), 'rtl', 'the Arabic contact is isolated right to left');
    assert.ok(descending(await centresOf(staff, 'dd[data-field="contact"]', 'اتصل')), 'Arabic letters run right to left');
    // The labels around them keep the page's direction.
    assert.equal(await staff.locator('dl.facts').evaluate((el) => getComputedStyle(el).direction), 'ltr');

    // A phone that others check: the warning is above everything, on screen as in the markup.
    const warning = await staff.locator('[data-contact-shared="yes"]').boundingBox();
    const facts = await staff.locator('dl.facts').boundingBox();
    const reply = await staff.locator('#reply').boundingBox();
    assert.ok(warning && facts && reply, 'the warning, the details and the reply form are shown');
    assert.ok(warning.y + warning.height <= facts.y && warning.y < reply.y, 'the warning comes before the contact and the reply form');
  });
});
