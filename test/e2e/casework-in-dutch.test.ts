/**
 * Casework in Dutch, as people click it in Chromium with JavaScript off: a caseworker opens the
 * legal track and adds a legal deadline, a psychologist on the case logs a session and writes a
 * psychological note, and the caseworker's "My work" shows the deadline with its days left. The
 * caseworker never sees the psychologist's note, and turns on the daily task reminder there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, type Page } from 'playwright-core';
import { PAGE_TIMEOUT_MS, startBrowserRig, type BrowserRig } from '../support/chromium.ts';
import { createStaff, initialiseInstance, type StaffUser } from '../support/app.ts';
import { currentTotp } from '../../src/auth/totp.ts';
import { addDays, todayIn } from '../../src/i18n/days.ts';

const PSYCH_NOTE = 'PSYCH-NOTE-MARKER-7f3a slaapt slecht sinds de reis';

describe('test/e2e/casework-in-dutch.test.ts', () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let admin: StaffUser;
  let caseworker: StaffUser;
  let psychologist: StaffUser;
  const contexts: BrowserContext[] = [];
  let caseUrl = '';

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

  before(async () => {
    rig = await startBrowserRig('beside-e2e-dutch-', (address) => ({ QUICK_EXIT_URL: `${address}/nl/` }));
    base = rig.base;
    const db = rig.server.db;
    ({ admin } = await initialiseInstance(db));
    caseworker = await createStaff(db, { login: 'sanne', displayName: 'Sanne Casemanager', roles: ['caseworker'], language: 'nl' });
    psychologist = await createStaff(db, { login: 'pieter', displayName: 'Pieter Psycholoog', roles: ['psychologist'], language: 'nl' });

    // A person asks for legal and psychological help; the coordinator makes it a case for Sanne.
    const person = await page('nl-NL');
    await person.goto(`${base}/nl/help`);
    await person.check('#needs-legal');
    await person.check('#needs-psychological');
    await person.fill('#story', 'Ik heb hulp nodig bij mijn asielaanvraag.');
    await person.click('form[action="/nl/help"] button[type="submit"]');
    await person.locator('[data-receipt]').waitFor();

    const coordinator = await logIn(admin, 'en-GB');
    await coordinator.goto(`${base}/staff`);
    const request = await coordinator.locator('tr[data-request]').first().getAttribute('data-request');
    await coordinator.goto(`${base}/staff/requests/${request}`);
    await coordinator.selectOption('#assignee', { label: 'Sanne Casemanager' });
    await coordinator.click(`form[action="/staff/requests/${request}/case"] button[type="submit"]`);
    await coordinator.waitForURL(/\/staff\/cases\/[0-9a-f-]{36}/);
    caseUrl = new URL(coordinator.url()).pathname;
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await rig?.close();
  });

  it('the caseworker opens the legal track and adds a deadline; the psychologist logs a session and a note; My work shows the deadline', async () => {
    const sanne = await logIn(caseworker, 'nl-NL');
    await sanne.goto(`${base}${caseUrl}`);
    assert.equal(await sanne.getAttribute('html', 'lang'), 'nl', 'the caseworker works in Dutch');

    // The legal track, then a deadline three days from today.
    await sanne.getByRole('button', { name: 'Traject openen: Juridische hulp' }).click();
    await sanne.locator('section[data-legal]').waitFor();
    const due = addDays(todayIn(), 3);
    const legal = sanne.locator('section[data-legal]');
    await legal.getByLabel('Termijn voor').selectOption({ label: 'Overig' });
    await legal.getByLabel('Uiterlijk op').fill(due);
    await legal.getByRole('button', { name: 'Termijn toevoegen' }).click();
    const deadline = sanne.locator('section[data-legal] li[data-deadline]');
    await deadline.waitFor();
    assert.match(await deadline.innerText(), /nog 3 dagen/);

    // The psychological track, and Pieter added to the case through its form.
    await sanne.getByRole('button', { name: 'Traject openen: Psychologische hulp' }).click();
    const refer = sanne.locator('form[data-refer="psychologist"]');
    await refer.locator('select[name="user"]').selectOption({ label: 'Pieter Psycholoog' });
    await refer.getByRole('button', { name: 'Aan het dossier toevoegen' }).click();
    await sanne.waitForLoadState();
    assert.equal(await sanne.locator('form[data-refer="psychologist"]').count(), 0, 'Pieter is on the case now');

    // Pieter logs a session and writes a note in the psychological part.
    const pieter = await logIn(psychologist, 'nl-NL');
    await pieter.goto(`${base}${caseUrl}`);
    assert.equal(await pieter.getAttribute('html', 'lang'), 'nl');
    await pieter.getByLabel('Duur in minuten').fill('45');
    await pieter.getByRole('button', { name: 'Gesprek vastleggen' }).click();
    await pieter.locator('[data-track="psych"] li').first().waitFor();
    assert.match(await pieter.locator('[data-track="psych"]').innerText(), /45/, 'the session is listed with its length');

    await pieter.selectOption('#note-part', { label: 'Psychologische hulp' });
    await pieter.getByLabel('Notitie toevoegen').fill(PSYCH_NOTE);
    await pieter.getByRole('button', { name: 'Notitie opslaan' }).click();
    await pieter.waitForLoadState();
    await pieter.goto(`${base}${caseUrl}`);
    assert.ok((await pieter.content()).includes(PSYCH_NOTE), 'the psychologist reads the note back (the canary: the marker is findable)');

    // Sanne's My work: the deadline, with its days left, in Dutch.
    await sanne.goto(`${base}/staff`);
    await sanne.getByRole('link', { name: 'Mijn werk' }).first().click();
    await sanne.waitForURL((url) => url.pathname === '/staff/my-work');
    await sanne.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
    const row = sanne.locator('[data-my-work="deadlines"] tr[data-deadline]');
    assert.equal(await row.count(), 1, 'one deadline is listed');
    assert.match(await row.innerText(), /Overig/);
    assert.match(await row.innerText(), /nog 3 dagen/);
    assert.equal(await row.locator('[data-days-left]').getAttribute('data-days-left'), '3');

    // The daily reminder, turned on from My work with a click and an address.
    await sanne.getByLabel('Stuur mij een dagelijkse herinnering als er taken af moeten').check();
    await sanne.getByLabel('E-mailadres').fill('sanne@team.test');
    await sanne.getByRole('button', { name: 'Herinneringen opslaan' }).click();
    await sanne.locator('#reminders[data-reminders="on"] [role="status"]').waitFor();
    assert.match(await sanne.locator('#reminders [role="status"]').innerText(), /opgeslagen/);

    // The psychologist's note is not shown to the caseworker, anywhere on the case.
    for (const path of [caseUrl, `${caseUrl}/timeline`]) {
      await sanne.goto(`${base}${path}`);
      assert.ok(!(await sanne.content()).includes(PSYCH_NOTE), `the caseworker does not read the psychological note on ${path}`);
    }
    await sanne.goto(`${base}${caseUrl}`);
    const parts = await sanne.locator('#note-part option').allInnerTexts();
    assert.ok(!parts.includes('Psychologische hulp'), 'the caseworker cannot write into the psychological part either');
  });
});
