import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByLogin } from '../../src/auth/users.ts';
import { listCases } from '../../src/cases/case-file.ts';
import { CASE_A_NOTES, CASE_A_REQUEST, CASE_B, CASE_C, DEMO_PASSWORD, INBOX_REQUESTS, type DemoLogin } from '../../src/cli/demo-data.ts';
import { seedDemo, type DemoInstance } from '../../src/cli/demo-seed.ts';
import { openTestDb } from '../support/db.ts';
import { Browser, assertNotShows, assertShows, loggedIn, personPost, startTestApp, type TestApp } from '../support/app.ts';

describe('test/cli/demo.test.ts', () => {
  /**
   * `npm run demo` prints, beside each login, what that person can see. These tests log in as each
   * demo colleague through the staff pages and check the printed promise against what is shown.
   */
  let t: TestApp;
  let demo: DemoInstance;
  const caseIds = {} as Record<'A' | 'B' | 'C', string>;

  const noteOf = (author: DemoLogin, part: string) => CASE_A_NOTES.find(([a, p]) => a === author && p === part)![2];
  const coreNote = noteOf('demo-caseworker', 'core');
  const legalNote = noteOf('demo-lawyer', 'legal');
  const psychNote = noteOf('demo-psychologist', 'psych');
  const [teamAnswer, personAnswer] = CASE_A_REQUEST.conversation!.lines;

  before(async () => {
    const db = await openTestDb();
    demo = await seedDemo(db);
    t = await startTestApp({}, { db });
    for (const summary of await listCases(db, 'all', 'open')) {
      for (const letter of ['A', 'B', 'C'] as const) if (summary.pseudonym === demo.cases[letter]) caseIds[letter] = summary.id;
    }
    // Closed cases are not in the open overview; the caseworker's own list has them.
    const caseworker = await findUserByLogin(db, 'demo-caseworker');
    caseIds.C = (await listCases(db, { memberId: caseworker!.id })).find((c) => c.pseudonym === demo.cases.C)!.id;
  });

  after(() => t?.close());

  async function as(login: DemoLogin): Promise<Browser> {
    const account = demo.accounts.find((a) => a.login === login)!;
    const user = await findUserByLogin(t.db, login);
    return loggedIn(t, { id: user!.id, login, displayName: user!.displayName, password: DEMO_PASSWORD, roles: account.roles, publicKey: user!.publicKey, totpSecret: account.totpSecret });
  }

  const casePage = (browser: Browser, letter: 'A' | 'B' | 'C') => browser.get(`/staff/cases/${caseIds[letter]}`);

  describe('npm run demo', () => {
    test('prints a login for every role the tour is about, each saying what it sees, and a receipt in each language', () => {
      const roles = new Set(demo.accounts.flatMap((a) => a.roles));
      for (const role of ['administrator', 'coordinator', 'caseworker', 'psychologist', 'lawyer', 'housing_coordinator'] as const) assert.ok(roles.has(role), role);
      for (const account of demo.accounts) assert.match(account.sees, /\w/);
      assert.deepEqual(new Set(demo.receipts.map((r) => r.language)), new Set(['ru', 'en', 'nl']));
      assert.ok(demo.receipts.some((r) => r.urgent));
      assert.equal(new Set(Object.values(demo.cases)).size, 3);
    });

    test('the caseworker reads the file, the conversation and the legal notes of case A, not the psychological ones', async () => {
      const page = await casePage(await as('demo-caseworker'), 'A');
      assert.equal(page.status, 200);
      for (const text of [coreNote, legalNote, teamAnswer!, personAnswer!]) assertShows(page, text);
      assertNotShows(page, psychNote);
    });

    test('the psychologist reads the psychological notes of case A only: no story, contacts, conversation or legal notes', async () => {
      const page = await casePage(await as('demo-psychologist'), 'A');
      assert.equal(page.status, 200);
      assertShows(page, psychNote);
      for (const text of [coreNote, legalNote, personAnswer!, CASE_A_REQUEST.content.story!, CASE_A_REQUEST.content.contact!]) assertNotShows(page, text);
    });

    test('the lawyer reads the legal notes of case A only', async () => {
      const page = await casePage(await as('demo-lawyer'), 'A');
      assert.equal(page.status, 200);
      assertShows(page, legalNote);
      for (const text of [coreNote, psychNote, personAnswer!, CASE_A_REQUEST.content.story!]) assertNotShows(page, text);
    });

    test('the housing coordinator reads the housing notes of case B, and case A does not exist for them', async () => {
      const browser = await as('demo-housing');
      const page = await casePage(browser, 'B');
      assert.equal(page.status, 200);
      assertShows(page, CASE_B.notes.find(([, part]) => part === 'housing')![2]);
      assertNotShows(page, CASE_B.notes.find(([, part]) => part === 'core')![2]);
      assert.equal((await casePage(browser, 'A')).status, 404);
    });

    test('the administrator, coordinator of case A, reads its file and conversation but no psychological or legal note', async () => {
      const page = await casePage(await as('demo-admin'), 'A');
      assert.equal(page.status, 200);
      for (const text of [coreNote, personAnswer!]) assertShows(page, text);
      for (const text of [psychNote, legalNote]) assertNotShows(page, text);
    });

    test('the coordinator reads every request in the inbox and the Russian conversation, and cases B and C without housing notes', async () => {
      const browser = await as('demo-coordinator');
      const inbox = await browser.get('/staff');
      assert.equal(inbox.status, 200);
      const links = [...new Set([...inbox.html.matchAll(/href="(\/staff\/requests\/[0-9a-f-]{36})"/g)].map((m) => m[1]!))];
      const pages = await Promise.all(links.map((path) => browser.get(path)));
      for (const request of INBOX_REQUESTS) {
        const page = pages.find((p) => p.status === 200 && p.html.includes(request.content.story!));
        assert.ok(page, `the ${request.language} request "${request.content.story}" opens from the inbox`);
        for (const line of request.conversation?.lines ?? []) assertShows(page, line);
      }
      const referral = await casePage(browser, 'B');
      assert.equal(referral.status, 200);
      assertShows(referral, CASE_B.notes.find(([, part]) => part === 'core')![2]);
      assertNotShows(referral, CASE_B.notes.find(([, part]) => part === 'housing')![2]);
      const closed = await casePage(browser, 'C');
      assert.equal(closed.status, 200);
      assertShows(closed, CASE_C.note);
    });

    test('the person of case A reads the team’s answers with their receipt', async () => {
      const receipt = demo.receipts.find((r) => r.shows.includes('{A}'))!.receipt;
      const page = await personPost(new Browser(t), 'en', { action: 'open', receipt });
      assert.equal(page.status, 200);
      for (const line of CASE_A_REQUEST.conversation!.lines) assertShows(page, line);
    });
  });
});
