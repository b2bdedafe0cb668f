/**
 * The first administrator sets Beside up in Chromium and gets the recovery shares: printed, each
 * share comes out on a sheet of its own; a reload shows them again; with JavaScript, leaving the
 * page before confirming asks first, and the confirmation leads on to the login without asking.
 *
 * Beside runs in this process on the embedded database in a temporary folder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { PAGE_TIMEOUT_MS, startBrowserRig, type BrowserRig } from '../support/chromium.ts';
import type { Db } from '../../src/db/client.ts';
import { issueSetupToken } from '../../src/auth/initialise.ts';


/** How many pages a PDF has: Chromium writes one `/Type /Page` object per page. */
function pdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

describe('the first administrator in a browser', () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let server: { db: Db; close: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    rig = await startBrowserRig('beside-e2e-admin-', () => ({ ORG_NAME: 'Rainbow Shelter Test' }));
    ({ base, server, browser } = rig);
  });

  after(() => rig?.close());

  it('sets up Beside and is shown the recovery shares', async () => {
    const token = await issueSetupToken(server!.db);
    assert.ok(token, 'a new installation has a setup link');
    const context = await browser!.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page = await context.newPage();
    await page.goto(`${base}/staff/setup/${token}?lang=en`);
    await page.fill('#login', 'first');
    await page.fill('#displayName', 'First Administrator');
    await page.fill('#password', 'the first administrator passphrase');
    await page.click('main form button[type="submit"]');
    await page.locator('[data-share]').first().waitFor();
    assert.equal(new URL(page.url()).pathname, '/staff/recovery-shares', 'the setup form sent the browser on to the shares page');
    const shares = await page.locator('[data-share]').allTextContents();
    assert.equal(shares.length, 3, 'three shares');
    // A reload shows the page again rather than re-posting the used setup link.
    await page.reload();
    await page.locator('[data-share]').first().waitFor();
    assert.deepEqual(await page.locator('[data-share]').allTextContents(), shares, 'a reload shows the same shares');
    assert.ok(await page.locator('[data-print]').isVisible(), 'with JavaScript, a print button');
  });

  it('prints each share on a sheet of its own, and nothing else', async () => {
    const pdf = await page.pdf({ format: 'A4' });
    assert.equal(pdfPages(pdf), 3, 'three sheets for three shares');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('main form').isVisible(), false, 'the confirmation form is not printed');
    assert.equal(await page.locator('main h1').isVisible(), false, 'nor the page heading');
    assert.equal(await page.locator('.share-sheet').nth(2).isVisible(), true, 'the sheets are');
    await page.emulateMedia({ media: 'screen' });
  });

  it('asks before the page is left unconfirmed, and not once the shares are confirmed', async () => {
    // Chromium asks only on a page the person has interacted with.
    await page.click('main h1');
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.type()))));
    await page.close({ runBeforeUnload: true });
    assert.equal(await asked, 'beforeunload', 'leaving asks first');
    assert.equal(page.isClosed(), false, 'and staying keeps the shares');

    let askedAgain = false;
    page.on('dialog', (dialog) => {
      askedAgain = true;
      void dialog.accept();
    });
    await page.check('#stored');
    await page.click('main form button[type="submit"]');
    await page.waitForURL((url) => url.pathname === '/staff/login');
    assert.equal(askedAgain, false, 'the confirmation leads on without asking');
    const [kept] = await server!.db.query<{ n: number }>('select count(*)::int as n from shown_recovery_shares');
    assert.equal(kept?.n, 0, 'the confirmed shares are no longer kept');
    // Back, after confirming, says the shares are gone and shows none.
    await page.goBack();
    await page.locator('main h1').waitFor();
    assert.equal(new URL(page.url()).pathname, '/staff/recovery-shares', 'back on the shares page');
    assert.equal(await page.locator('[data-share]').count(), 0, 'no share is shown any more');
  });
});
