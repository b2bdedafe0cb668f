/**
 * One end-to-end journey in headless Chromium: a person asks for help in Russian without
 * JavaScript, a coordinator answers and makes a case, the person reads the answer and writes
 * back, the assigned caseworker sees it. Along the way: no cookies on public pages, no request
 * to another origin, quick exit with and without JavaScript, and a 320 px wide phone layout.
 *
 * Beside runs in this process on the embedded database in a temporary folder; staff accounts
 * are prepared directly in the database (the web setup flow has its own tests).
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { PAGE_TIMEOUT_MS, startBrowserRig, type BrowserRig } from '../support/chromium.ts';
import type { Db } from '../../src/db/client.ts';
import { initialise } from '../../src/auth/initialise.ts';
import { confirmCoordinator } from '../../src/auth/confirm-coordinator.ts';
import { insertUser, type User } from '../../src/auth/users.ts';
import { currentTotp, newTotpSecret, saveTotpSecret } from '../../src/auth/totp.ts';
import { translator } from '../../src/i18n/index.ts';


const ru = translator('ru');
const en = translator('en');

const STORY = 'Меня ищут родственники, я прячусь у знакомых в Грозном. Нужно срочно уехать.';
const REPLY = 'Здравствуйте. Мы получили вашу просьбу и уже ищем, как вас вывезти. Напишите, когда вам безопасно говорить.';
const ANSWER = 'Спасибо! Мне безопасно говорить вечером, после девяти.';

type StaffMember = { user: User; login: string; password: string; secret: string };

async function addStaff(db: Db, login: string, displayName: string, roles: User['roles']): Promise<StaffMember> {
  const password = `${login}-correct-horse-battery-staple`;
  const user = await insertUser(db, { login, displayName, roles, language: 'en', password });
  const secret = newTotpSecret();
  await saveTotpSecret(db, user.id, user.publicKey, secret, 0);
  return { user, login, password, secret };
}

describe('help journey in a browser', () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let quickExitUrl = '';
  let server: { db: Db; close: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let coordinator: StaffMember;
  let caseworker: StaffMember;
  /** Every address any page asked for, in every context. */
  const requested: string[] = [];

  // What the journey carries from one step to the next.
  let receipt = '';
  let pseudonym = '';
  let caseUrl = '';
  let personContext: BrowserContext;

  async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await browser!.newContext(options);
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    context.on('request', (request) => requested.push(request.url()));
    return context;
  }

  async function logIn(context: BrowserContext, member: StaffMember): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${base}/staff/login`);
    await page.fill('#login', member.login);
    await page.fill('#password', member.password);
    await page.click('form[action^="/staff/login"] button[type="submit"]');
    await page.waitForURL(/\/staff\/login\/code\?/);
    await page.fill('#code', currentTotp(member.secret));
    await page.click('form[action^="/staff/login/code"] button[type="submit"]');
    await page.waitForURL((url) => url.pathname !== '/staff/login/code');
    return page;
  }

  before(async () => {
    rig = await startBrowserRig('beside-e2e-', (address) => ({ QUICK_EXIT_URL: `${address}/ru/` }));
    ({ base, server, browser } = rig);
    // A quick exit that stays on this machine: the test must never reach an outside site.
    quickExitUrl = `${base}/ru/`;
    const { db } = server;
    // Staff exist before the person writes: a request is sealed to the coordinators of that moment.
    const { userId: adminId } = await initialise(db, { login: 'admin', displayName: 'Admin', password: 'admin-correct-horse-battery-staple', language: 'en' });
    coordinator = await addStaff(db, 'anna', 'Anna Coordinator', ['coordinator']);
    // A new coordinator receives requests only once a confirmed coordinator vouches for them.
    assert.ok(await confirmCoordinator(db, adminId, coordinator.user.id), 'the first administrator confirms Anna');
    caseworker = await addStaff(db, 'boris', 'Boris Caseworker', ['caseworker']);
    personContext = await newContext({ javaScriptEnabled: false, locale: 'ru-RU' });
  });

  after(() => rig?.close());

  it('a person asks for help in Russian without JavaScript and gets a receipt', async () => {
    const page = await personContext.newPage();
    await page.goto(`${base}/help`);
    assert.equal(new URL(page.url()).pathname, '/ru/help', 'the bare address chooses Russian from the browser');
    assert.equal(await page.title(), ru('web.neutralTitle'));
    assert.equal(await page.title(), 'Информация');

    await page.check('#danger-yes');
    await page.check('#needs-evacuation');
    await page.check('#needs-housing');
    await page.selectOption('#country', 'GE');
    await page.fill('#story', STORY);
    await page.click('form[action="/ru/help"] button[type="submit"]');

    const code = page.locator('[data-receipt]');
    await code.waitFor();
    receipt = ((await code.textContent()) ?? '').trim();
    assert.match(receipt, /^\d{4}(-\d{4}){4}$/);
    assert.equal(new URL(page.url()).pathname, '/ru/help', 'the flow keeps one address');
    assert.equal(await page.title(), ru('web.neutralTitle'));
    assert.deepEqual(await personContext.cookies(), [], 'public pages set no cookies');
    await page.close();
  });

  it('a coordinator logs in with TOTP, answers in Russian and makes a case for the caseworker', async () => {
    const context = await newContext({ locale: 'en-GB' });
    const page = await logIn(context, coordinator);
    assert.equal(new URL(page.url()).pathname, '/staff');

    const row = page.locator('tr[data-request]');
    assert.equal(await row.count(), 1);
    const firstTag = row.locator('.tag').first();
    assert.match((await firstTag.getAttribute('class')) ?? '', /\burgent\b/, 'the urgent tag comes first');
    assert.equal(((await firstTag.textContent()) ?? '').trim(), en('triage.urgent'));
    const requestId = await row.getAttribute('data-request');
    assert.ok(requestId);

    await row.locator('a').first().click();
    await page.waitForURL(`${base}/staff/requests/${requestId}`);
    assert.equal(((await page.locator('dd[data-field="story"]').textContent()) ?? '').trim(), STORY);

    await page.fill('#reply', REPLY);
    await page.click(`form[action="/staff/requests/${requestId}/reply"] button[type="submit"]`);
    await page.locator('p.ok[role="status"]', { hasText: en('triage.reply.sent') }).waitFor();
    await page.locator('.thread li', { hasText: REPLY }).waitFor();

    await page.selectOption('#assignee', { label: caseworker.user.displayName });
    await page.click(`form[action="/staff/requests/${requestId}/case"] button[type="submit"]`);
    await page.waitForURL(/\/staff\/cases\/[0-9a-f-]{36}\?done=created$/);
    caseUrl = page.url().replace(/\?.*$/, '');
    pseudonym = ((await page.locator('[data-pseudonym]').textContent()) ?? '').trim();
    assert.ok(pseudonym.length > 0, 'the case has a pseudonym');
    await page.locator('p.ok[role="status"]', { hasText: en('cases.created') }).waitFor();
    await page.locator('.thread li', { hasText: REPLY }).waitFor();
    await context.close();
  });

  it('the person reads the reply with the receipt and answers, still without JavaScript', async () => {
    const page = await personContext.newPage();
    await page.goto(`${base}/ru/help/status`);
    assert.equal(await page.title(), ru('web.neutralTitle'));
    await page.fill('#receipt', receipt);
    await page.click('form[action="/ru/help/status"] button[type="submit"]');
    await page.locator('.thread li.staff-msg', { hasText: REPLY }).waitFor();

    await page.fill('#body', ANSWER);
    await page.click('form:has(input[name="action"][value="write"]) button[type="submit"]');
    await page.locator('p.ok[role="status"]', { hasText: ru('status.sent') }).waitFor();
    await page.locator('.thread li', { hasText: ANSWER }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/ru/help/status');
    assert.deepEqual(await personContext.cookies(), [], 'public pages set no cookies');
    await page.close();
  });

  it('the caseworker logs in and finds the person’s answer in the case', async () => {
    const context = await newContext({ locale: 'en-GB' });
    const page = await logIn(context, caseworker);
    assert.equal(new URL(page.url()).pathname, '/staff/my-work', 'staff without triage land on their own work');
    await page.locator('nav a[href="/staff/cases"]').click();
    await page.waitForURL((url) => url.pathname === '/staff/cases');
    const link = page.locator('tr[data-case] a', { hasText: pseudonym });
    assert.equal(await link.count(), 1, 'the case is listed');
    await link.click();
    await page.waitForURL(caseUrl);
    await page.locator('.thread li', { hasText: ANSWER }).waitFor();
    await page.locator('.thread li', { hasText: REPLY }).waitFor();
    assert.equal(((await page.locator('dd[data-field="story"]').textContent()) ?? '').trim(), STORY);
    // The team: the coordinator who made the case and the caseworker, each with their role on it.
    assert.equal(await page.locator(`[data-member="${coordinator.user.id}"]`, { hasText: en('auth.role.coordinator') }).count(), 1, 'the coordinator is on the team');
    assert.equal(await page.locator(`[data-member="${caseworker.user.id}"]`, { hasText: en('auth.role.caseworker') }).count(), 1, 'the caseworker is on the team');
    await context.close();
  });

  it('quick exit works without JavaScript and, with it, leaves no way back', async () => {
    // Without JavaScript it is a plain link to the configured address.
    const plain = await personContext.newPage();
    await plain.goto(`${base}/ru/help`);
    const exit = plain.locator('a[data-quick-exit]');
    assert.equal(await exit.getAttribute('href'), quickExitUrl);
    await exit.click();
    await plain.waitForURL(quickExitUrl);
    await plain.close();

    // With JavaScript the help page is replaced in the history, so "back" skips it.
    const context = await newContext({ locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${base}/ru/help/status`);
    await page.goto(`${base}/ru/help`);
    const lengthBefore = await page.evaluate(() => history.length);
    await page.click('a[data-quick-exit]');
    await page.waitForURL(quickExitUrl);
    assert.equal(await page.evaluate(() => history.length), lengthBefore, 'the exit replaced the entry instead of adding one');
    await page.goBack();
    assert.equal(new URL(page.url()).pathname, '/ru/help/status', 'back skips the help page');
    await context.close();
  });

  it('the help page fits a 320 px wide phone', async () => {
    const context = await newContext({ locale: 'ru-RU', viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${base}/ru/help`);
    const shot = join(rig!.folder, 'help-320.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok((await stat(shot)).size > 0);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= 320, `no horizontal scroll at 320 px (scrollWidth ${widths.scroll})`);
    await context.close();
  });

  it('no page asked anything of another origin', () => {
    assert.ok(requested.some((url) => new URL(url).pathname.startsWith('/static/')), 'subresources were recorded too');
    const foreign = requested.filter((url) => new URL(url).origin !== base);
    assert.deepEqual(foreign, []);
  });
});
