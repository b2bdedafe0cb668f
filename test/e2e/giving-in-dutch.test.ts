/**
 * Giving in Dutch, as people click it in Chromium with JavaScript off: a donor gives €25 by bank
 * transfer on /nl/give and sees the EPC QR code and the RF reference; the treasurer logs in and
 * imports the bank's camt.053 statement that holds that reference; the campaign's raised figure
 * on /nl/ and the transparency page move by exactly that amount.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, type Page } from 'playwright-core';
import { PAGE_TIMEOUT_MS, startBrowserRig, type BrowserRig } from '../support/chromium.ts';
import { createStaff, initialiseInstance, type StaffUser } from '../support/app.ts';
import { currentTotp } from '../../src/auth/totp.ts';
import { formatEuros } from '../../src/funding/money.ts';
import { BANK, statementXml } from '../funding/give-support.ts';

describe('test/e2e/giving-in-dutch.test.ts', () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let treasurer: StaffUser;
  const contexts: BrowserContext[] = [];

  async function page(locale: string): Promise<Page> {
    const context = await rig!.browser.newContext({ javaScriptEnabled: false, locale });
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    contexts.push(context);
    return context.newPage();
  }

  /** Logs in through the login and code pages, as a person does. */
  async function logIn(user: StaffUser, locale: string): Promise<Page> {
    await rig!.server.db.query('update users set totp_last_step = 0 where id = $1', [user.id]);
    const p = await page(locale);
    await p.goto(`${base}/staff/login`);
    await p.fill('#login', user.login);
    await p.fill('#password', user.password);
    await p.click('form[action^="/staff/login"] button[type="submit"]');
    await p.waitForURL(/\/staff\/login\/code/);
    await p.fill('#code', currentTotp(user.totpSecret));
    await p.click('form[action^="/staff/login/code"] button[type="submit"]');
    await p.waitForURL((url) => !url.pathname.startsWith('/staff/login'));
    return p;
  }

  /** The campaign's raised figure on the home page, in cents, as the page carries it. */
  async function raisedOnHome(visitor: Page): Promise<bigint> {
    await visitor.goto(`${base}/nl/`);
    return BigInt((await visitor.locator('[data-raised]').first().getAttribute('data-raised')) ?? 'NaN');
  }

  /** Raised and spent for shelter on the transparency page, in cents. */
  async function shelterOnTransparency(visitor: Page): Promise<bigint> {
    await visitor.goto(`${base}/nl/transparency`);
    assert.equal(await visitor.getAttribute('html', 'lang'), 'nl');
    return BigInt((await visitor.locator('tr[data-purpose="shelter"] td[data-raised]').getAttribute('data-raised')) ?? 'NaN');
  }

  before(async () => {
    rig = await startBrowserRig('beside-e2e-giving-', (address) => ({ QUICK_EXIT_URL: `${address}/nl/`, ...BANK }));
    base = rig.base;
    await initialiseInstance(rig.server.db);
    treasurer = await createStaff(rig.server.db, { login: 'tessa', displayName: 'Tessa Penningmeester', roles: ['treasurer'], language: 'nl' });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await rig?.close();
  });

  it('a donor pledges by bank transfer; the statement that pays it moves the campaign and the transparency page by exactly the gift', async () => {
    const visitor = await page('nl-NL');
    const raisedBefore = await raisedOnHome(visitor);
    const shelterBefore = await shelterOnTransparency(visitor);
    await visitor.getByRole('link', { name: 'Waar het geld heen gaat' }).first().click();
    assert.equal(new URL(visitor.url()).pathname, '/nl/transparency', 'the footer links to the transparency page');

    // The donor: €25 for safe housing, anonymously, on the Dutch Give page.
    const donor = await page('nl-NL');
    await donor.goto(`${base}/nl/give`);
    assert.equal(await donor.getAttribute('html', 'lang'), 'nl');
    await donor.check('#preset-2500');
    await donor.check('#purpose-shelter');
    await donor.check('#display-anonymous');
    await donor.getByRole('button', { name: 'Verder naar de bankgegevens' }).click();
    const rf = donor.locator('[data-rf]');
    await rf.waitFor();
    const reference = (await rf.innerText()).replace(/\s/g, '');
    assert.match(reference, /^RF\d{2}[0-9A-Z]{1,21}$/, 'an RF creditor reference');
    assert.ok((await donor.locator('figure.qr svg').count()) === 1, 'the EPC QR code, drawn as SVG');
    assert.ok(await donor.getByRole('heading', { name: 'Scan met uw bankapp' }).isVisible(), 'the QR code is introduced');
    assert.ok(await donor.locator('figure.qr svg').isVisible(), 'and shown');
    assert.equal(await donor.locator('[data-amount]').innerText(), formatEuros(2500n, 'nl'));

    // The treasurer imports the statement in which the bank booked the transfer (and lines that do not match).
    const tessa = await logIn(treasurer, 'nl-NL');
    await tessa.goto(`${base}/staff/funding/statements`);
    const xml = statementXml({ run: `E2E${Date.now()}`, rfExact: reference, rfWrong: 'RF00', rfText: 'geen kenmerk' });
    await tessa.setInputFiles('#file', { name: 'afschrift.xml', mimeType: 'text/xml', buffer: Buffer.from(xml) });
    await tessa.getByRole('button', { name: 'Importeren' }).click();
    await tessa.waitForURL(/\/staff\/funding\/statements\?imported=/);

    // The public figures moved by exactly the gift.
    assert.equal((await raisedOnHome(visitor)) - raisedBefore, 2500n, 'the campaign on /nl/ raised by exactly €25');
    assert.equal((await shelterOnTransparency(visitor)) - shelterBefore, 2500n, 'the transparency page, for safe housing, by exactly €25');
    assert.ok((await visitor.locator('tr[data-purpose="shelter"] td[data-raised]').innerText()).includes(formatEuros(shelterBefore + 2500n, 'nl')), 'the amount is written out in Dutch');
  });
});
