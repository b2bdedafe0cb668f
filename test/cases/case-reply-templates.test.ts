import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertNotShows, assertShows, createStaff, initialiseInstance, loggedIn, startTestApp, submitHelp, type Browser, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/cases/case-reply-templates.test.ts', () => {
  /**
   * The case page offers the reply templates the request page offers, without JavaScript: a GET
   * picker per conversation that comes back with that conversation's reply form pre-filled.
   */
  let t: TestApp;
  type Who = 'coordinator' | 'caseworker' | 'lawyer';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;
  const templates: Record<'ru' | 'en', string> = { ru: '', en: '' };
  const RU_BODY = 'Здравствуйте, мы прочитали ваше сообщение.';
  const EN_BODY = 'Hello, we read your message.';

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);
    for (const [lang, title, body] of [['en', 'First contact', EN_BODY], ['ru', 'Первый контакт', RU_BODY]] as const) {
      assert.equal((await browsers.coordinator.staffPost('/staff/templates', { lang, title, body })).status, 303);
      const [row] = await t.db.query<{ id: string }>('select id from reply_templates where title = $1', [title]);
      templates[lang] = row!.id;
    }
  });

  after(() => t?.close());

  async function newCase(lang: 'ru' | 'en'): Promise<{ caseId: string; requestId: string }> {
    const { requestId } = await submitHelp(t, lang, { needs: ['legal'], story: 'x' });
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users.lawyer.id, role: 'lawyer' })).status, 303);
    return { caseId, requestId };
  }

  const replyOf = (html: string, requestId: string) => new RegExp(`<textarea id="reply-${requestId}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)?.[1]?.trim();
  const pickerOf = (html: string, requestId: string) =>
    [...html.matchAll(/<form[^>]*data-template-picker[^>]*>[\s\S]*?<\/form>/g)].map((match) => match[0]).find((form) => form.includes(`value="${requestId}"`));

  test('the case page offers the templates, the person’s language first, and a pick pre-fills the reply', async () => {
    const { caseId, requestId } = await newCase('ru');
    const page = await browsers.caseworker.get(`/staff/cases/${caseId}`);
    const picker = pickerOf(page.html, requestId);
    assert.ok(picker, 'a picker for the conversation');
    assert.match(picker, /method="get"/, 'a plain GET form: no JavaScript needed');
    assert.ok(picker.includes(`action="/staff/cases/${caseId}#reply-${requestId}"`), 'back to the case, at the reply form');
    assert.match(picker, /<optgroup/);
    assert.ok(picker.indexOf(templates.ru) < picker.indexOf(templates.en), 'Russian first for a Russian speaker');
    assert.equal(replyOf(page.html, requestId), '', 'nothing pre-filled before a pick');
    assertShows(page, `<label for="reply-${requestId}">`, 'the label names its own textarea');

    const filled = await browsers.caseworker.get(`/staff/cases/${caseId}?conversation=${requestId}&template=${templates.ru}`);
    assert.equal(filled.status, 200);
    assert.equal(replyOf(filled.html, requestId), RU_BODY);
    assert.ok(pickerOf(filled.html, requestId)!.includes(`value="${templates.ru}" selected`), 'the pick stays selected');

    // The pre-filled form sends as any reply does, back to the case.
    const sent = await browsers.caseworker.staffPost(`/staff/requests/${requestId}/reply?back=case`, { body: RU_BODY });
    assert.equal(sent.status, 303);
    assert.ok(sent.location?.startsWith(`/staff/cases/${caseId}`));
    assertShows(await browsers.caseworker.get(sent.location!), RU_BODY);
  });

  test('with two joined requests, the pick fills the form it was made for and no other', async () => {
    const first = await newCase('en');
    const { requestId: second } = await submitHelp(t, 'ru', { needs: ['clothing'], story: 'y' });
    assert.equal((await browsers.coordinator.staffPost(`/staff/requests/${second}/join`, { case: first.caseId })).status, 303);
    const page = await browsers.caseworker.get(`/staff/cases/${first.caseId}?conversation=${second}&template=${templates.en}`);
    assert.equal(replyOf(page.html, second), EN_BODY, 'the second conversation’s form');
    assert.equal(replyOf(page.html, first.requestId), '', 'the first stays empty');
    assert.ok(pickerOf(page.html, first.requestId)!.indexOf(templates.en) < pickerOf(page.html, first.requestId)!.indexOf(templates.ru), 'English first for the English speaker');
    assert.ok(pickerOf(page.html, second)!.indexOf(templates.ru) < pickerOf(page.html, second)!.indexOf(templates.en), 'Russian first for the Russian speaker');
    assert.equal((page.html.match(/id="reply"/g) ?? []).length, 0, 'no two forms share an id');
  });

  test('bad parameters are ignored; who reads no conversation gets no picker', async () => {
    const { caseId, requestId } = await newCase('ru');
    for (const query of ['template=not-a-uuid', `template=${templates.ru}`, `conversation=${requestId}&template=00000000-0000-4000-8000-000000000000`]) {
      const page = await browsers.caseworker.get(`/staff/cases/${caseId}?${query}`);
      assert.equal(page.status, 200, query);
      assert.equal(replyOf(page.html, requestId), '', `${query}: nothing pre-filled`);
    }
    const lawyer = await browsers.lawyer.get(`/staff/cases/${caseId}?conversation=${requestId}&template=${templates.ru}`);
    assert.equal(lawyer.status, 200);
    assertNotShows(lawyer, 'data-template-picker', 'the lawyer does not answer the person');
    assertNotShows(lawyer, RU_BODY);
  });
});
