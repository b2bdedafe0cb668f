/**
 * The first hour of a person asking for help, where the browser is the point (issue 6): what
 * Back brings back after the quick exit, whether a receipt breaks inside a group on a 320 px
 * phone, and what shows with and without JavaScript.
 *
 * Beside runs in this process on the embedded database in a temporary folder, as in
 * help-journey.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { PAGE_TIMEOUT_MS, startBrowserRig, type BrowserRig } from '../support/chromium.ts';
import { translator } from '../../src/i18n/index.ts';

const ru = translator('ru');

describe('the first hour of a person, in a browser', () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let exitUrl = '';
  let browser: Browser | undefined;

  async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await browser!.newContext({ locale: 'ru-RU', ...options });
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    return context;
  }

  before(async () => {
    rig = await startBrowserRig('beside-e2e-first-hour-', (address) => ({ QUICK_EXIT_URL: `${address}/en/` }));
    ({ base, browser } = rig);
    exitUrl = `${base}/en/`; // a quick exit that stays on this machine
  });

  after(() => rig?.close());

  /**
   * Types a story, says "in danger", leaves by the quick exit (a plain link without JavaScript)
   * and presses Back: answers what the form holds then, and whether Back asked the server again.
   */
  async function exitAndComeBack(context: BrowserContext) {
    const page = await context.newPage();
    await page.goto(`${base}/ru/help`);
    await page.fill('#story', 'Меня ищут родственники, я прячусь у знакомых.');
    await page.fill('#city', 'Грозный');
    await page.check('#danger-yes');
    await page.check('#needs-evacuation');
    await page.click('a[data-quick-exit]');
    await page.waitForURL(exitUrl);
    let fetchedAgain = false;
    page.on('request', (request) => {
      if (request.url() === `${base}/ru/help`) fetchedAgain = true;
    });
    const back = await page.goBack();
    await page.waitForURL(`${base}/ru/help`);
    const form = {
      story: await page.inputValue('#story'),
      city: await page.inputValue('#city'),
      danger: await page.isChecked('#danger-yes'),
      evacuation: await page.isChecked('#needs-evacuation'),
    };
    return { form, fetchedAgain, cacheControl: (await back?.allHeaders())?.['cache-control'] };
  }

  it('quick exit, then Back, brings back an empty form (JavaScript off)', async () => {
    const context = await newContext({ javaScriptEnabled: false });
    const { form, fetchedAgain, cacheControl } = await exitAndComeBack(context);
    // Back-forward cache would keep the typed page whole; no-store keeps the page out of it.
    assert.equal(cacheControl, 'no-store', 'the form is never stored');
    assert.ok(fetchedAgain, 'Back fetched the form again instead of restoring the page from the back-forward cache');
    // What Chromium restores on a fetched page is form state; autocomplete="off" stops it.
    assert.deepEqual(form, { story: '', city: '', danger: false, evacuation: false }, 'nothing typed or chosen is there');
    await context.close();
  });

  it('the check above can fail: without autocomplete="off" Chromium restores what was typed', async () => {
    const context = await newContext({ javaScriptEnabled: false });
    await context.route(`${base}/ru/help`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()).replace(/ autocomplete="off"/g, '') });
    });
    const { form } = await exitAndComeBack(context);
    assert.equal(form.story, 'Меня ищут родственники, я прячусь у знакомых.', 'the story comes back');
    assert.equal(form.danger, true, 'and the choice');
    await context.close();
  });

  it('a receipt never breaks inside a group of digits on a 320 px phone', async () => {
    const context = await newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${base}/ru/help`);
    await page.check('#needs-legal');
    await page.click('form[action="/ru/help"] button[type="submit"]');
    await page.locator('[data-receipt]').waitFor();
    const receipt = ((await page.locator('[data-receipt]').textContent()) ?? '').trim();
    assert.match(receipt, /^\d{4}(-\d{4}){4}$/, 'the receipt reads (and copies) as one code');
    const groups = await page.locator('[data-receipt] .group').evaluateAll((elements) =>
      elements.map((element) => ({ text: element.textContent, lines: new Set([...element.getClientRects()].map((rect) => Math.round(rect.top))).size })),
    );
    assert.equal(groups.length, 5);
    for (const group of groups) assert.equal(group.lines, 1, `group ${group.text} sits on one line`);
    const lines = await page.locator('[data-receipt]').evaluate((element) => new Set([...element.querySelectorAll('.group')].map((group) => Math.round(group.getBoundingClientRect().top))).size);
    assert.ok(lines > 1, 'at this width the code takes more than one line, so the test means something');
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= 320, `no horizontal scroll (scrollWidth ${widths.scroll})`);
    // Without JavaScript the copy button cannot work, so it is not there.
    assert.equal(await page.locator('[data-copy]').isVisible(), false, 'no dead copy button without JavaScript');
    await context.close();
  });

  it('with JavaScript the copy button and the Escape promise appear; without, neither does', async () => {
    const withScript = await newContext({ javaScriptEnabled: true });
    const page = await withScript.newPage();
    await page.goto(`${base}/ru/help`);
    await page.check('#needs-clothing');
    await page.click('form[action="/ru/help"] button[type="submit"]');
    await page.locator('[data-receipt]').waitFor();
    await page.locator('[data-copy]').waitFor({ state: 'visible' });
    await page.goto(`${base}/ru/`);
    await page.getByText(ru('home.exitKeys')).waitFor({ state: 'visible' });
    await withScript.close();

    const withoutScript = await newContext({ javaScriptEnabled: false });
    const home = await withoutScript.newPage();
    await home.goto(`${base}/ru/`);
    assert.equal(await home.getByText(ru('home.exitKeys')).count(), 1, 'the sentence is in the page');
    assert.equal(await home.getByText(ru('home.exitKeys')).isVisible(), false, 'but not shown where Escape does nothing');
    assert.equal(await home.getByText(ru('emergency.title')).isVisible(), true, 'what to do in danger is shown to everyone');
    await withoutScript.close();
  });
});
