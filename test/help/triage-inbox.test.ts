/**
 * The coordinator's inbox and request pages, through HTTP as staff use them: the warning about a
 * phone that others check, requests that became cases leaving the default view, the "give a
 * colleague access" box, and text from the public shown isolated with direction controls visible.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import {
  Browser,
  assertNotShows,
  assertShows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  textOf,
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/help/triage-inbox.test.ts', () => {
  const en = translator('en');
  let t: TestApp;
  let admin: StaffUser;
  let coordinator: Browser;
  let caseworkerUser: StaffUser;

  before(async () => {
    t = await startTestApp();
    ({ admin } = await initialiseInstance(t.db));
    // A second coordinator from the start: every request is sealed to them too.
    await createStaff(t.db, { login: 'early', roles: ['coordinator'], displayName: 'Early Coordinator' });
    caseworkerUser = await createStaff(t.db, { login: 'inboxcw', roles: ['caseworker'], displayName: 'Ivan Caseworker' });
    coordinator = await loggedIn(t, admin);
  });

  after(() => t?.close());

  /** Where something first appears in the page; -1 when it does not. */
  const at = (page: Page, needle: string) => page.html.indexOf(needle);
  const inboxIds = (page: Page) => [...page.html.matchAll(/<tr data-request="([0-9a-f-]{36})">/g)].map(([, id]) => id!);
  const count = (page: Page, kind: string) => Number(new RegExp(`data-count="${kind}">(\\d+)<`).exec(page.html)?.[1]);
  const shareBox = (page: Page) => /<form[^>]*data-share[^>]*>([\s\S]*?)<\/form>/.exec(page.html)?.[1];

  async function makeCase(requestId: string): Promise<string> {
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworkerUser.id });
    const caseId = /^\/staff\/cases\/([0-9a-f-]{36})\?/.exec(made.location ?? '')?.[1];
    assert.ok(caseId, `the case was made (${made.status} ${made.location})`);
    return caseId;
  }

  describe('a phone that others use or check', () => {
    test('the request page warns at the top, above every way to reach the person', async () => {
      const contact = marker('contact');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'], contact, contactShared: 'yes', story: marker('story') });
      const page = await coordinator.get(`/staff/requests/${requestId}`);
      assert.equal(page.status, 200);
      assertShows(page, en('triage.contactShared.badge.yes'), 'the request page');
      assertShows(page, en('triage.contactShared.advice.yes'), 'the request page');
      const warning = at(page, 'data-contact-shared="yes"');
      assert.ok(warning > 0, 'the warning is on the page');
      assert.ok(warning < at(page, contact), 'above the contact');
      assert.ok(warning < at(page, 'name="body"'), 'above the reply form');
      assert.ok(warning < at(page, '<dl class="facts">'), 'above everything the person wrote');
    });

    test('"not sure" is a warning too; "no" and no answer are not', async () => {
      const unsure = await submitHelp(t, 'ru', { needs: ['housing'], contact: marker('contact'), contactShared: 'unsure' });
      const page = await coordinator.get(`/staff/requests/${unsure.requestId}`);
      assert.ok(at(page, 'data-contact-shared="unsure"') > 0, 'a warning for "not sure"');
      assertShows(page, en('triage.contactShared.advice.unsure'), 'the request page');
      for (const answer of ['no', undefined] as const) {
        const calm = await submitHelp(t, 'ru', { needs: ['housing'], contact: marker('contact'), contactShared: answer });
        const calmPage = await coordinator.get(`/staff/requests/${calm.requestId}`);
        assert.equal(calmPage.status, 200);
        assert.equal(at(calmPage, 'data-contact-shared'), -1, `no warning for ${answer ?? 'no answer'}`);
      }
    });

    test('the case page warns at the top, and the request page sends replies there', async () => {
      const contact = marker('contact');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], contact, contactShared: 'yes' });
      const caseId = await makeCase(requestId);
      const page = await coordinator.get(`/staff/cases/${caseId}`);
      const warning = at(page, 'data-contact-shared="yes"');
      assert.ok(warning > 0, 'the case page warns');
      assert.ok(warning < at(page, contact), 'above the contact');
      assert.ok(warning < at(page, 'name="body"'), 'above the reply form');
      const cw = await loggedIn(t, caseworkerUser);
      assert.ok(at(await cw.get(`/staff/cases/${caseId}`), 'data-contact-shared="yes"') > 0, 'the caseworker sees it too');

      const requestPage = await coordinator.get(`/staff/requests/${requestId}`);
      assert.equal(at(requestPage, 'name="body"'), -1, 'no reply form where the warning cannot be shown');
      assert.match(requestPage.html, new RegExp(`href="/staff/cases/${caseId}"`));
    });

    test('a later request that says the phone is checked brings the warning to the case it joins', async () => {
      const first = await submitHelp(t, 'ru', { needs: ['legal'], contactShared: 'no', codeWord: 'first-word' });
      const caseId = await makeCase(first.requestId);
      assert.equal(at(await coordinator.get(`/staff/cases/${caseId}`), 'data-contact-shared'), -1, 'no warning at first');
      const later = await submitHelp(t, 'ru', { needs: ['legal'], contactShared: 'yes', codeWord: 'second-word', safeTimes: 'after nine' });
      const joined = await coordinator.staffPost(`/staff/requests/${later.requestId}/join`, { case: caseId });
      assert.equal(joined.status, 303);
      const page = await coordinator.get(`/staff/cases/${caseId}`);
      assert.ok(at(page, 'data-contact-shared="yes"') > 0, 'the case now warns');
      assertShows(page, 'first-word', 'the case keeps its code word');
      assertShows(page, 'after nine', 'safe times the case did not have are added');
      // A calmer later answer does not lift the warning.
      const calmer = await submitHelp(t, 'ru', { needs: ['legal'], contactShared: 'no' });
      assert.equal((await coordinator.staffPost(`/staff/requests/${calmer.requestId}/join`, { case: caseId })).status, 303);
      assert.ok(at(await coordinator.get(`/staff/cases/${caseId}`), 'data-contact-shared="yes"') > 0, 'still warns');
    });
  });

  describe('the inbox', () => {
    test('requests that became cases leave the default view; a filter shows them', async () => {
      const stays = await submitHelp(t, 'ru', { needs: ['clothing'] });
      const becomes = await submitHelp(t, 'ru', { needs: ['clothing'], danger: 'yes' });
      const urgentBefore = count(await coordinator.get('/staff'), 'urgent');
      await makeCase(becomes.requestId);

      const inbox = await coordinator.get('/staff?need=clothing');
      assert.ok(inboxIds(inbox).includes(stays.requestId), 'an open request stays');
      assert.ok(!inboxIds(inbox).includes(becomes.requestId), 'the request that became a case is gone');
      assert.equal(count(await coordinator.get('/staff'), 'urgent'), urgentBefore - 1, 'the counts follow the default view');

      const only = inboxIds(await coordinator.get('/staff?need=clothing&cases=only'));
      assert.ok(only.includes(becomes.requestId) && !only.includes(stays.requestId), 'only the cases');
      const all = await coordinator.get('/staff?need=clothing&cases=all');
      assert.ok(inboxIds(all).includes(becomes.requestId) && inboxIds(all).includes(stays.requestId), 'both');
      const row = new RegExp(`<tr data-request="${becomes.requestId}">([\\s\\S]*?)</tr>`).exec(all.html)?.[1] ?? '';
      assertShows(row, en('triage.tag.case'), 'the row of a request that is a case');
      // Nonsense in the filter is the default view, not an error.
      assert.deepEqual(inboxIds(await coordinator.get('/staff?need=clothing&cases=bogus')), inboxIds(inbox));
    });

    test('a person who writes again into their case is flagged on the case lists, not counted in the inbox', async () => {
      const { requestId, receipt } = await submitHelp(t, 'ru', { needs: ['clothing'] });
      const caseId = await makeCase(requestId);
      const caseRow = async (browser: Browser) => new RegExp(`<tr data-case="${caseId}">([\\s\\S]*?)</tr>`).exec((await browser.get('/staff/cases')).html)?.[1] ?? '';
      const cw = await loggedIn(t, caseworkerUser);
      assert.match(await caseRow(cw), /data-waiting/, 'the person waits for a first answer');
      assert.equal((await cw.staffPost(`/staff/requests/${requestId}/reply?back=case`, { body: marker('answer') })).status, 303);
      assert.ok(!(await caseRow(cw)).includes('data-waiting'), 'answered: nobody waits');
      const waitingBefore = count(await coordinator.get('/staff'), 'waiting');
      const wrote = await personPost(new Browser(t), 'ru', { action: 'write', receipt, body: marker('again') });
      assert.ok(wrote.status < 400, `the person wrote (${wrote.status})`);
      assert.match(await caseRow(cw), /data-waiting/, 'the caseworker sees the case is waiting');
      assertShows(await caseRow(cw), en('cases.waitingForAnswer'), 'the case row');
      assert.equal(count(await coordinator.get('/staff'), 'waiting'), waitingBefore, 'the inbox counts only requests in triage');
    });

    test('counts say their noun in the right form', async () => {
      const page = await coordinator.get('/staff');
      const n = count(page, 'new');
      assert.ok(n > 1, 'several new requests by now');
      assertShows(page, en('triage.counts.new', { count: n }), 'the inbox');
      const ru = translator('ru');
      assert.equal(ru('triage.counts.new', { count: 1 }), 'новая просьба');
      assert.equal(ru('triage.counts.new', { count: 3 }), 'новые просьбы');
      assert.equal(ru('triage.counts.new', { count: 5 }), 'новых просьб');
      assert.equal(ru('triage.counts.new', { count: 21 }), 'новая просьба');
      assert.equal(en('triage.share.done', { count: 1 }), 'Shared 1 request.');
      assert.equal(translator('nl')('triage.share.done', { count: 2 }), '2 verzoeken gedeeld.');
    });
  });

  describe('giving a colleague access', () => {
    test('the box is hidden while every coordinator can read what I can', async () => {
      await submitHelp(t, 'ru', { needs: ['housing'] });
      const inbox = await coordinator.get('/staff');
      assert.equal(shareBox(inbox), undefined, 'no box: the early coordinator holds every request');
    });

    test('it names who lacks access and to how much; sharing empties it', async () => {
      const pending = await submitHelp(t, 'ru', { needs: ['housing'] });
      const late = await createStaff(t.db, { login: 'late', roles: ['coordinator'], displayName: 'Late Coordinator' });
      const unconfirmed = await createStaff(t.db, { login: 'unconf', roles: ['coordinator'], displayName: 'Unconfirmed Coordinator', confirmed: false });
      const [{ n: open } = { n: 0 }] = await t.db.query<{ n: number }>(
        "select count(*)::int as n from help_requests where case_id is null and status in ('new','triage','accepted')",
      );

      const box = shareBox(await coordinator.get('/staff'));
      assert.ok(box, 'the box is shown');
      assert.match(box, new RegExp(`data-lacking="${late.id}"`));
      assertShows(box, 'Late Coordinator', 'the box');
      assertShows(box, en('triage.share.missing', { count: open }), 'the box says how many requests they cannot read');
      assertNotShows(box, 'Early Coordinator', 'the box');
      assertNotShows(box, 'Unconfirmed Coordinator', 'the box (they must be confirmed first)');
      assert.ok(!box.includes(unconfirmed.id));

      const requestBox = shareBox(await coordinator.get(`/staff/requests/${pending.requestId}`));
      assert.ok(requestBox, 'the request page has the box too');
      assertShows(requestBox, 'Late Coordinator', 'the request page\'s box');

      const shared = await coordinator.staffPost('/staff/requests/share', { user: late.id });
      assert.equal(shared.location, `/staff?shared=${open}`);
      assertShows(await coordinator.get(shared.location!), en('triage.share.done', { count: open }), 'the inbox after sharing');
      assert.equal(shareBox(await coordinator.get('/staff')), undefined, 'nobody lacks access any more');
      assert.equal(shareBox(await coordinator.get(`/staff/requests/${pending.requestId}`)), undefined);
      assert.equal((await (await loggedIn(t, late)).get(`/staff/requests/${pending.requestId}`)).status, 200, 'the colleague reads it now');
    });
  });

  describe('text from the public on staff pages', () => {
    test('is isolated, and direction controls in it are shown, never obeyed', async () => {
      const story = 'Файл: \u202Egnp.exe';
      const contact = '+7 928 \u200F123 45 67';
      const city = 'مدينة \u200Fنصر';
      const { requestId } = await submitHelp(t, 'ru', { needs: ['other'], story, contact, city, otherNeed: 'a\u2066b\u2069' });
      const page = await coordinator.get(`/staff/requests/${requestId}`);
      const text = textOf(page.html);
      assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(text), 'no override, embedding or isolate reaches the page');
      assert.match(page.html, /<dd data-field="story"><div class="public-text" dir="auto">Файл: <span class="bidi-mark" dir="ltr" data-control="U\+202E">⟨U\+202E⟩<\/span>gnp\.exe<\/div><\/dd>/);
      assert.match(page.html, /<dd data-field="otherNeed"><div class="public-text" dir="auto">a<span[^>]*>⟨U\+2066⟩<\/span>b<span[^>]*>⟨U\+2069⟩<\/span><\/div><\/dd>/);
      // A right-to-left mark in a phone number can only reorder its digits: shown.
      assert.match(page.html, /<dd data-field="contact"><bdi dir="auto">\+7 928 <span[^>]*>⟨U\+200F⟩<\/span>123 45 67<\/bdi><\/dd>/);
      // In Arabic it has a use: kept, inside an isolated block.
      assert.ok(page.html.includes(`<dd data-field="city"><bdi dir="auto">${city}</bdi></dd>`), 'the Arabic city is kept as written');
    });
  });
});
