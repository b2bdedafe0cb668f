/**
 * Every kind of page, public and staff, checked with axe-core against WCAG 2.0 and 2.1 A and AA
 * at a phone's width (360 px) and a desk's (1280 px), in a real Chromium: contrast, names,
 * labels and landmarks depend on the stylesheet and the rendered page, not on the HTML alone.
 * At 360 px every region that scrolls (the audit log's table, for one) must also be reachable and
 * scrollable by keyboard, and the page itself must not scroll sideways (WCAG 1.4.10, reflow).
 * Public pages are checked in Russian, English and Dutch, staff pages in all three too (longer
 * words are what breaks a narrow layout), and a few of each in dark mode.
 *
 * Beside runs in this process on the embedded database in a temporary folder, and is set up
 * through its own setup link, as a new installation is. axe's source is put into each page from
 * node_modules, so nothing is loaded from another origin and the page's CSP stays in force.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { PAGE_TIMEOUT_MS, startBrowserRig, type BrowserRig } from '../support/chromium.ts';
import type { Db } from '../../src/db/client.ts';
import { issueSetupToken } from '../../src/auth/initialise.ts';
import { insertUser } from '../../src/auth/users.ts';
import { currentTotp } from '../../src/auth/totp.ts';
import { LANGUAGES, type Lang } from '../../src/i18n/index.ts';
import { createStaff } from '../support/app.ts';
import { BANK, statementXml } from '../funding/give-support.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WIDTHS = [360, 1280] as const;

const ADMIN = { login: 'amina', displayName: 'Amina Administrator', password: 'amina-correct-horse-battery-staple' };
const STORIES: Record<Lang, string> = {
  ru: 'Меня ищут родственники, я прячусь у знакомых. Нужно срочно уехать.',
  en: 'My relatives are looking for me and I am hiding with friends. I need to leave soon.',
  nl: 'Mijn familie zoekt me en ik verstop me bij vrienden. Ik moet snel weg.',
};

type Finding = { rule: string; impact: string | null; help: string; targets: string[] };

/** axe-core's WCAG A and AA violations on the page as it is now. */
async function axeViolations(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    // biome-ignore lint: axe is the global the injected source defines
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  }, WCAG_TAGS);
}

/** Regions that scroll (their content is wider or taller than they are), by a selector for each. */
async function scrollRegions(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    document.querySelectorAll('body *').forEach((element, index) => {
      const style = getComputedStyle(element);
      const scrollsX = /auto|scroll/.test(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
      const scrollsY = /auto|scroll/.test(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
      if (!scrollsX && !scrollsY) return;
      element.setAttribute('data-scroll-region', String(index));
      const name = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''}`;
      found.push(`[data-scroll-region="${index}"] ${name} (${element.scrollWidth}×${element.scrollHeight} in ${element.clientWidth}×${element.clientHeight})`);
    });
    return found;
  });
}

/**
 * How far the page scrolls sideways and what sticks out (the outermost elements past the right
 * edge that no scrolling box clips), or nothing when it fits.
 */
async function sidewaysOverflow(page: Page): Promise<string | null> {
  // A string, not a function: the test's transform would name inner functions with a helper the page lacks.
  return page.evaluate(`(() => {
    const root = document.documentElement;
    const edge = root.clientWidth;
    if (root.scrollWidth <= edge) return null;
    const clipped = (element) => {
      for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    const past = (element) => !!element && element.getBoundingClientRect().right > edge + 0.5;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((element) => past(element) && !past(element.parentElement) && !clipped(element))
      .map((element) => element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).split(' ').join('.') : '') + ' «' + (element.textContent || '').trim().slice(0, 30) + '» ending at ' + Math.round(element.getBoundingClientRect().right) + ' px');
    return (root.scrollWidth - edge) + ' px; sticking out: ' + (culprits.slice(0, 3).join(', ') || 'something inside a scrolling box that escapes it (positioned absolutely?)');
  })()`);
}

/**
 * Tabs through the page from the top and answers the scroll regions that never took the focus
 * themselves, or did and then did not scroll with the arrow keys.
 */
async function regionsKeyboardCannotScroll(page: Page, regions: string[]): Promise<string[]> {
  const described = new Map(regions.map((region) => [region.slice(0, region.indexOf(']') + 1), region]));
  const unreachable = new Set(described.keys());
  const unscrolled: string[] = [];
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  for (let presses = 0; presses < 300 && unreachable.size > 0; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-scroll-region') ?? (document.activeElement === document.body ? 'body' : null));
    if (focused === 'body' && presses > 0) break;
    const selector = `[data-scroll-region="${focused}"]`;
    if (focused === null || !unreachable.has(selector)) continue;
    unreachable.delete(selector);
    // Recent Chromium lets Tab reach a scrolling box with nothing focusable in it by itself;
    // Safari does not. The page must make the box focusable for a person on any browser.
    if (!(await page.evaluate((s) => document.querySelector(s)!.hasAttribute('tabindex'), selector))) {
      unscrolled.push(`${described.get(selector)}: reached only because this Chromium lets Tab into scrolling boxes; give it tabindex="0"`);
      continue;
    }
    const before = await page.evaluate((s) => { const e = document.querySelector(s)!; return e.scrollLeft + e.scrollTop; }, selector);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    // Keyboard scrolling may be animated: wait for it to move, but not for ever.
    const scrolled = await page
      .waitForFunction(([s, start]) => { const e = document.querySelector(s as string)!; return e.scrollLeft + e.scrollTop > (start as number); }, [selector, before] as const, { timeout: 3000 })
      .then(() => true, () => false);
    if (!scrolled) unscrolled.push(`${described.get(selector)}: focused, but the arrow keys do not scroll it`);
  }
  return [...[...unreachable].map((selector) => `${described.get(selector)}: never reached with Tab`), ...unscrolled];
}

/**
 * Lets a form go without the browser's own checks (required, minlength), so that the server's
 * answer with its messages is what the test looks at: a person whose browser does not check gets it.
 */
async function skipBrowserChecks(page: Page, form: string): Promise<void> {
  await page.locator(form).evaluate((element) => {
    (element as HTMLFormElement).noValidate = true;
  });
}

describe('accessibility of every page (axe-core, WCAG 2.1 A and AA, 360 and 1280 px)', () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let server: { db: Db; close: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let adminId = '';
  let totpSecret = '';
  /** Every address any page asked for, in every context. */
  const requested: string[] = [];

  // What one step leaves for the next.
  const receipts = new Map<Lang, string>();
  let staffContext: BrowserContext;
  let staffPage: Page;
  let requestUrl = '';
  let caseUrl = '';
  let inviteUrl = '';

  async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await browser!.newContext(options);
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    context.on('request', (request) => requested.push(request.url()));
    return context;
  }

  /** What check() found in the current test; each test ends with assertNoProblems(). */
  let problems: string[] = [];
  beforeEach(() => {
    problems = [];
  });

  function assertNoProblems(): void {
    assert.ok(problems.length === 0, `accessibility problems:\n  ${problems.join('\n  ')}`);
  }

  /**
   * Checks the page as it is now at each width and notes every finding, named by page; the test
   * goes on, so that one finding does not hide the pages after it.
   */
  async function check(page: Page, what: string): Promise<void> {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      for (const finding of await axeViolations(page)) {
        problems.push(`${what} at ${width} px: ${finding.rule} (${finding.impact}) ${finding.help}\n      ${finding.targets.join('\n      ')}`);
      }
      if (width === 360) {
        const overflow = await sidewaysOverflow(page);
        if (overflow) problems.push(`${what} at ${width} px: the page scrolls sideways (WCAG 1.4.10): ${overflow}`);
        const regions = await scrollRegions(page);
        if (regions.length > 0) {
          for (const region of await regionsKeyboardCannotScroll(page, regions)) problems.push(`${what} at ${width} px: a scrolling region ${region}`);
        }
      }
    }
  }

  async function openStaffPage(path: string): Promise<void> {
    await staffPage.goto(`${base}${path}`);
    assert.ok(!new URL(staffPage.url()).pathname.startsWith('/staff/login'), `${path} opens for the administrator`);
  }

  before(async () => {
    rig = await startBrowserRig('beside-a11y-', (address) => ({ QUICK_EXIT_URL: `${address}/ru/`, ...BANK }));
    ({ base, server, browser } = rig);
  });

  after(() => rig?.close());

  it('the checks notice a planted violation and a scrolling box the keyboard cannot reach', async () => {
    const context = await newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/en/`);
    await page.evaluate(() => {
      const main = document.querySelector('main')!;
      main.append(document.createElement('button'));
      const box = document.createElement('div');
      box.style.overflowX = 'auto';
      const wide = document.createElement('p');
      wide.style.width = '2000px';
      wide.textContent = 'a line wider than any screen';
      box.append(wide);
      main.append(box);
    });
    await check(page, 'canary');
    await context.close();
    assert.ok(problems.some((problem) => /button-name/.test(problem)), `axe reports a button without a name: ${problems.join('; ')}`);
    assert.ok(problems.some((problem) => /at 360 px: a scrolling region .*(never reached with Tab|give it tabindex)/.test(problem)), `the keyboard check reports the box: ${problems.join('; ')}`);
  });

  it('the setup page, its errors and the recovery shares', async () => {
    const token = await issueSetupToken(server!.db);
    assert.ok(token, 'a new installation has a setup link');
    const context = await newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/staff/setup/${token}`);
    await check(page, 'setup');

    await page.fill('#login', ADMIN.login);
    await page.fill('#displayName', ADMIN.displayName);
    await page.fill('#password', 'short');
    await skipBrowserChecks(page, 'main form');
    await page.click('main form button[type="submit"]');
    await page.locator('[aria-invalid="true"]').first().waitFor();
    await check(page, 'setup with errors');

    await page.fill('#login', ADMIN.login);
    await page.fill('#displayName', ADMIN.displayName);
    await page.fill('#password', ADMIN.password);
    await page.click('main form button[type="submit"]');
    await page.locator('[data-share]').first().waitFor();
    await check(page, 'recovery shares');
    await context.close();

    const [row] = await server!.db.query<{ id: string }>('select id from users where login = $1', [ADMIN.login]);
    adminId = row!.id;
    // Colleagues to assign cases to and to confirm as coordinators; they never log in here.
    await insertUser(server!.db, { login: 'boris', displayName: 'Boris Caseworker', roles: ['caseworker'], language: 'en', password: 'boris-correct-horse-battery-staple' });
    await insertUser(server!.db, { login: 'zalina', displayName: 'Zalina Coordinator', roles: ['coordinator'], language: 'en', password: 'zalina-correct-horse-battery-staple' });
    assertNoProblems();
  });

  it('login, a failed login, authenticator enrolment and the second factor', async () => {
    staffContext = await newContext({ locale: 'en-GB' });
    staffPage = await staffContext.newPage();
    const page = staffPage;
    await page.goto(`${base}/staff/login`);
    await check(page, 'login');

    await page.fill('#login', ADMIN.login);
    await page.fill('#password', 'not-the-password');
    await page.click('main form button[type="submit"]');
    await page.locator('main [role="alert"]').first().waitFor();
    await check(page, 'login failed');

    await page.fill('#login', ADMIN.login);
    await page.fill('#password', ADMIN.password);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/staff\/enrol/);
    await check(page, 'authenticator enrolment');
    totpSecret = ((await page.locator('[data-totp-secret]').textContent()) ?? '').trim();
    assert.ok(totpSecret, 'the enrolment page shows the secret to type in');
    await page.fill('#code', '000000');
    await page.click('main form button[type="submit"]');
    await page.locator('main [role="alert"]').first().waitFor();
    await check(page, 'authenticator enrolment with a wrong code');
    await page.fill('#code', currentTotp(totpSecret));
    await page.click('main form button[type="submit"]');
    await page.waitForURL((url) => url.pathname === '/staff');

    // Out and in again, for the second factor as it is asked every day.
    await page.click('form[action="/staff/logout"] button');
    await page.waitForURL(/\/staff\/login/);
    await page.fill('#login', ADMIN.login);
    await page.fill('#password', ADMIN.password);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/staff\/login\/code/);
    await check(page, 'second factor');
    await page.fill('#code', '000000');
    await page.click('main form button[type="submit"]');
    await page.locator('main [role="alert"]').first().waitFor();
    await check(page, 'second factor with a wrong code');
    // A code is accepted once per 30-second step: enrolment just used this one.
    await server!.db.query('update users set totp_last_step = 0 where id = $1', [adminId]);
    await page.fill('#code', currentTotp(totpSecret));
    await page.click('main form button[type="submit"]');
    await page.waitForURL((url) => url.pathname === '/staff');
    assertNoProblems();
  });

  for (const lang of LANGUAGES) {
    it(`public pages in ${lang}: home, help form, its errors, receipt, status form, a wrong code, not found`, async () => {
      const context = await newContext({ locale: lang });
      const page = await context.newPage();
      await page.goto(`${base}/${lang}/`);
      await check(page, `${lang} home`);

      await page.goto(`${base}/${lang}/help`);
      await check(page, `${lang} help form`);
      await page.click(`form[action="/${lang}/help"] button[type="submit"]`);
      await page.locator('main [role="alert"]').first().waitFor();
      await check(page, `${lang} help form with errors`);

      await page.check('#danger-yes');
      await page.check('#needs-evacuation');
      await page.selectOption('#country', 'GE');
      await page.fill('#story', STORIES[lang]);
      await page.click(`form[action="/${lang}/help"] button[type="submit"]`);
      const code = page.locator('[data-receipt]');
      await code.waitFor();
      receipts.set(lang, ((await code.textContent()) ?? '').trim());
      await check(page, `${lang} receipt`);

      await page.goto(`${base}/${lang}/help/status`);
      await check(page, `${lang} status form`);
      await page.fill('#receipt', '1234');
      await page.click(`form[action="/${lang}/help/status"] button[type="submit"]`);
      await page.locator('#receipt[aria-invalid="true"]').waitFor();
      await check(page, `${lang} status form with a wrong code`);

      const missing = await page.goto(`${base}/${lang}/no-such-page`);
      assert.equal(missing?.status(), 404, 'an unknown address is not found');
      await check(page, `${lang} not found`);
      await context.close();
      assertNoProblems();
    });
  }

  it('the inbox, a request with a reply, and the case made from it', async () => {
    await openStaffPage('/staff');
    const rows = staffPage.locator('tr[data-request]');
    assert.equal(await rows.count(), LANGUAGES.length, 'the inbox lists the requests just sent');
    const ids = await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-request')));
    await check(staffPage, 'inbox');

    // Reply to every request, so that each person finds a conversation.
    for (const id of ids) {
      requestUrl = `/staff/requests/${id}`;
      await openStaffPage(requestUrl);
      await staffPage.fill('#reply', 'We have read your request and are looking for a safe place for you.');
      await staffPage.click(`form[action^="${requestUrl}/reply"] button[type="submit"]`);
      await staffPage.locator('p.ok[role="status"]').first().waitFor();
    }
    await check(staffPage, 'request with a reply');

    await staffPage.selectOption('#assignee', { label: 'Boris Caseworker' });
    await staffPage.click(`form[action="${requestUrl}/case"] button[type="submit"]`);
    await staffPage.waitForURL(/\/staff\/cases\/[0-9a-f-]{36}/);
    caseUrl = new URL(staffPage.url()).pathname;
    await check(staffPage, 'case just made');
    await staffPage.fill('#note', 'Called the shelter; a room is free from Monday.');
    await staffPage.click(`form[action="${caseUrl}/notes"] button[type="submit"]`);
    await staffPage.waitForLoadState();
    await openStaffPage(caseUrl);
    await check(staffPage, 'case with a note');
    assertNoProblems();
  });

  for (const lang of LANGUAGES) {
    it(`the status page with a conversation in ${lang}`, async () => {
      const context = await newContext({ locale: lang });
      const page = await context.newPage();
      await page.goto(`${base}/${lang}/help/status`);
      await page.fill('#receipt', receipts.get(lang)!);
      await page.click(`form[action="/${lang}/help/status"] button[type="submit"]`);
      await page.locator('.thread li.staff-msg').first().waitFor();
      await check(page, `${lang} status with a conversation`);
      await page.fill('#body', STORIES[lang]);
      await page.click('form:has(input[name="action"][value="write"]) button[type="submit"]');
      await page.locator('p.ok[role="status"]').waitFor();
      await check(page, `${lang} status after writing`);
      await context.close();
      assertNoProblems();
    });
  }

  it('the list of cases, a new case and its errors', async () => {
    await openStaffPage('/staff/cases');
    await check(staffPage, 'cases');
    await openStaffPage('/staff/cases/new');
    await check(staffPage, 'new case');
    await skipBrowserChecks(staffPage, 'form[action="/staff/cases/new"]');
    await staffPage.click('form[action="/staff/cases/new"] button[type="submit"]');
    await staffPage.locator('[aria-invalid="true"]').first().waitFor();
    await check(staffPage, 'new case with errors');
    assertNoProblems();
  });

  it('users, an invitation link and the invitation page', async () => {
    await openStaffPage('/staff/users');
    await check(staffPage, 'users');
    await staffPage.check('form[action="/staff/users/invite"] input[name="roles"][value="caseworker"]');
    await staffPage.click('form[action="/staff/users/invite"] button[type="submit"]');
    const link = staffPage.locator('[data-invite-link]');
    await link.waitFor();
    inviteUrl = new URL(((await link.textContent()) ?? '').trim()).pathname;
    await check(staffPage, 'users with a new invitation link');

    const context = await newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}${inviteUrl}`);
    await check(page, 'invitation');
    await page.fill('#login', 'madina');
    await page.fill('#displayName', 'Madina Caseworker');
    await page.fill('#password', 'madina-correct-horse-battery-staple');
    await page.click('main form button[type="submit"]');
    await page.waitForURL((url) => url.pathname !== inviteUrl);
    await check(page, 'invitation accepted');
    await context.close();
    assertNoProblems();
  });

  it('the audit log and the coordinators', async () => {
    await openStaffPage('/staff/audit');
    await check(staffPage, 'audit log');
    await openStaffPage('/staff/coordinators');
    await check(staffPage, 'coordinators');
    assertNoProblems();
  });

  /** The casework pages of issue 7 (My work with its reminder form, on call, the directory, the overview, a timeline, templates). */
  const workPages = () => ['/staff/my-work', '/staff/on-call', '/staff/directory', '/staff/overview', `${caseUrl}/timeline`, '/staff/templates'];

  it('my work, on call, the directory, the overview, a case timeline and the templates', async () => {
    for (const path of workPages()) {
      const response = await staffPage.goto(`${base}${path}`);
      assert.equal(response?.status(), 200, `${path} opens for the administrator`);
      await check(staffPage, path);
    }
    // The reminder form with its error, as a person without a valid address gets it.
    await staffPage.goto(`${base}/staff/my-work`);
    await staffPage.check('#reminders input[name="on"]');
    await staffPage.fill('#reminder-email', 'not an address');
    await staffPage.click('#reminders button[type="submit"]');
    await staffPage.locator('#reminder-email[aria-invalid="true"]').waitFor();
    await check(staffPage, 'my work with a reminder error');
    assertNoProblems();
  });

  it('staff pages in Russian and Dutch, whose words are longer', async () => {
    for (const lang of ['ru', 'nl'] as const) {
      await openStaffPage('/staff');
      await staffPage.selectOption('footer select[name="language"]', lang);
      await staffPage.click('footer form[action="/staff/language"] button[type="submit"]');
      await staffPage.waitForURL((url) => url.pathname === '/staff');
      assert.equal(await staffPage.getAttribute('html', 'lang'), lang, `the staff pages are in ${lang} now`);
      await check(staffPage, `${lang} inbox`);
      for (const path of [requestUrl, caseUrl, '/staff/users', '/staff/audit', ...workPages()]) {
        await openStaffPage(path);
        await check(staffPage, `${lang} ${path}`);
      }
    }
    assertNoProblems();
  });

  it('a staff page that does not exist', async () => {
    const missing = await staffPage.goto(`${base}/staff/cases/00000000-0000-4000-8000-000000000000`);
    assert.equal(missing?.status(), 404, 'an unknown case is not found');
    await check(staffPage, 'staff not found');
    assertNoProblems();
  });

  it('pages in dark mode, whose colours are the stylesheet\'s other half', async () => {
    const context = await newContext({ locale: 'ru', colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${base}/ru/help`);
    await page.click('form[action="/ru/help"] button[type="submit"]');
    await page.locator('main [role="alert"]').first().waitFor();
    await check(page, 'dark ru help form with errors');
    await page.goto(`${base}/ru/help/status`);
    await page.fill('#receipt', receipts.get('ru')!);
    await page.click('form[action="/ru/help/status"] button[type="submit"]');
    await page.locator('.thread li.staff-msg').first().waitFor();
    await check(page, 'dark ru status with a conversation');
    await context.close();

    await staffPage.emulateMedia({ colorScheme: 'dark' });
    for (const path of ['/staff', requestUrl, caseUrl, '/staff/audit']) {
      await openStaffPage(path);
      await check(staffPage, `dark ${path}`);
    }
    await staffPage.emulateMedia({ colorScheme: 'light' });
    assertNoProblems();
  });

  it('giving and transparency (public), the treasury and the campaign editor (staff)', async () => {
    const context = await newContext({ locale: 'nl' });
    const page = await context.newPage();
    await page.goto(`${base}/nl/give`);
    await check(page, 'nl give');
    await page.check('#preset-2500');
    await page.click('form[action="/nl/give"] button[type="submit"]');
    await page.locator('[data-rf]').waitFor();
    await check(page, 'nl pledge');
    await page.goto(`${base}/nl/transparency`);
    await check(page, 'nl transparency');
    await page.goto(`${base}/nl/give/statement`);
    await check(page, 'nl yearly statement form');
    await context.close();

    // A colleague who keeps the books and edits the campaign, logged in in a context of their own.
    const keeper = await createStaff(server!.db, { login: 'a11y-books', roles: ['treasurer', 'editor'] });
    const staff = await newContext({ locale: 'en-GB' });
    const desk = await staff.newPage();
    await desk.goto(`${base}/staff/login`);
    await desk.fill('#login', keeper.login);
    await desk.fill('#password', keeper.password);
    await desk.click('main form button[type="submit"]');
    await desk.waitForURL(/\/staff\/login\/code/);
    await desk.fill('#code', currentTotp(keeper.totpSecret));
    await desk.click('main form button[type="submit"]');
    await desk.waitForURL((url) => !url.pathname.startsWith('/staff/login'));
    // A statement with lines that wait: gifts to book by hand and a payment out, each with its forms.
    await desk.goto(`${base}/staff/funding/statements`);
    await desk.setInputFiles('#file', { name: 'statement.xml', mimeType: 'text/xml', buffer: Buffer.from(statementXml({ run: `A11Y${Date.now()}`, rfExact: 'RF00', rfWrong: 'RF00', rfText: 'no reference' })) });
    await desk.click('form[action="/staff/funding/statements"] button[type="submit"]');
    await desk.waitForURL(/\/staff\/funding\/statements\?imported=/);
    for (const path of ['/staff/funding', '/staff/funding?list=online', '/staff/funding/statements', '/staff/gift-messages', '/staff/campaign']) {
      const response = await desk.goto(`${base}${path}`);
      assert.equal(response?.status(), 200, `${path} opens for the treasurer and editor`);
      await check(desk, path);
    }
    await staff.close();
    assertNoProblems();
  });

  it('no page asked anything of another origin', async () => {
    await staffContext?.close();
    assert.ok(requested.some((url) => new URL(url).pathname.startsWith('/static/')), 'subresources were recorded too');
    assert.deepEqual(requested.filter((url) => new URL(url).origin !== base), []);
  });
});
