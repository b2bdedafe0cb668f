/**
 * The coordinator's queue at 2 a.m., through HTTP: "I'm on it" claims, "new from the person"
 * marks and counts, and reply templates — each with its "without access" case.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import {
  Browser,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/help/queue.test.ts', () => {
  const en = translator('en');
  const ru = translator('ru');
  let t: TestApp;
  let admin: StaffUser;
  let bora: StaffUser;
  let caseworker: StaffUser;
  let psychologist: StaffUser;
  let late: StaffUser;
  let coordinator: Browser;
  let second: Browser;
  let worker: Browser;
  let psych: Browser;
  let latecomer: Browser;

  before(async () => {
    t = await startTestApp();
    ({ admin } = await initialiseInstance(t.db));
    bora = await createStaff(t.db, { login: 'bora', roles: ['coordinator'], displayName: 'Bora Second' });
    caseworker = await createStaff(t.db, { login: 'queuecw', roles: ['caseworker'], displayName: 'Ivan Caseworker', language: 'ru' });
    psychologist = await createStaff(t.db, { login: 'queuepsy', roles: ['psychologist'] });
    coordinator = await loggedIn(t, admin);
    second = await loggedIn(t, bora);
    worker = await loggedIn(t, caseworker);
    psych = await loggedIn(t, psychologist);
  });

  after(() => t?.close());

  /** A coordinator who joined after the requests arrived: confirmed, but holding no request's key. */
  async function latecomerBrowser(): Promise<Browser> {
    if (!latecomer) {
      late = await createStaff(t.db, { login: 'late', roles: ['coordinator'], displayName: 'Late Coordinator' });
      latecomer = await loggedIn(t, late);
    }
    return latecomer;
  }

  /** A caseworker of one's own, so that counts of "my cases" see no other test's cases. */
  let caseworkers = 0;
  async function freshCaseworker(): Promise<{ user: StaffUser; browser: Browser }> {
    const user = await createStaff(t.db, { login: `queuecw${++caseworkers}`, roles: ['caseworker'], language: 'ru' });
    return { user, browser: await loggedIn(t, user) };
  }

  const claimOf = async (id: string) =>
    (await t.db.query<{ claimed_by: string | null; claimed_at: Date | null }>('select claimed_by, claimed_at from help_requests where id = $1', [id]))[0]!;
  const audits = (kind: string, subject: string) => countRows(t.db, 'audit_events', 'kind = $1 and subject_id = $2', [kind, subject]);
  const inboxRow = (page: Page, id: string) => new RegExp(`<tr data-request="${id}">([\\s\\S]*?)</tr>`).exec(page.html)?.[1] ?? '';
  const count = (page: Page, kind: string) => Number(new RegExp(`data-count="${kind}">(\\d+)<`).exec(page.html)?.[1]);

  async function makeCase(requestId: string, assignee = caseworker): Promise<string> {
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: assignee.id });
    const caseId = /^\/staff\/cases\/([0-9a-f-]{36})\?/.exec(made.location ?? '')?.[1];
    assert.ok(caseId, `the case was made (${made.status} ${made.location})`);
    return caseId;
  }

  describe('"I\'m on it"', () => {
    test('a coordinator claims a request; colleagues see who holds it and since when, on the page and in the inbox', async () => {
      const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'], story: 'x' });
      const taken = await coordinator.staffPost(`/staff/requests/${requestId}/claim`);
      assert.equal(taken.status, 303);
      assert.equal(taken.location, `/staff/requests/${requestId}?done=claimed`);
      const mine = await coordinator.get(taken.location!);
      assert.match(mine.html, /data-claim="mine"/);
      assertShows(mine, en('queue.claim.taken'), 'the notice');
      const theirs = await second.get(`/staff/requests/${requestId}`);
      assert.match(theirs.html, /data-claim="other"/);
      assert.match(theirs.html, new RegExp(`data-claimed-by="${admin.id}"`));
      assertShows(theirs, admin.displayName, 'the holder is named');
      assert.match(theirs.html, /CET|CEST|GMT/, 'since when, with its zone');
      assert.doesNotMatch(theirs.html, /action="[^"]*\/claim"/, 'no claim button while a colleague holds it');
      const inbox = await second.get('/staff');
      assert.match(inboxRow(inbox, requestId), new RegExp(`data-claimed-by="${admin.id}"`), 'the inbox row names the holder');
      assert.equal(await audits('request.claimed', requestId), 1);
    });

    test('a second coordinator\'s claim is refused with a message naming the holder; a double tap changes nothing', async () => {
      const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'] });
      await coordinator.staffPost(`/staff/requests/${requestId}/claim`);
      const first = await claimOf(requestId);
      const refused = await second.staffPost(`/staff/requests/${requestId}/claim`);
      assert.equal(refused.location, `/staff/requests/${requestId}?done=held`);
      const page = await second.get(refused.location!);
      assert.match(page.html, /data-claim-refused/);
      assertShows(page, en('queue.claim.refused'), 'the refusal');
      const refusal = /<p[^>]*data-claim-refused[^>]*>([\s\S]*?)<\/p>/.exec(page.html)![1]!;
      assert.ok(refusal.includes(admin.displayName), 'the refusal names the holder');
      assert.equal((await claimOf(requestId)).claimed_by, admin.id, 'still held by the first');
      // A double tap by the holder: held, same time, one audit entry.
      const again = await coordinator.staffPost(`/staff/requests/${requestId}/claim`);
      assert.equal(again.location, `/staff/requests/${requestId}?done=claimed`);
      assert.equal((await claimOf(requestId)).claimed_at!.getTime(), first.claimed_at!.getTime());
      assert.equal(await audits('request.claimed', requestId), 1);
    });

    test('only the holder lets go; then a colleague may take it', async () => {
      const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'] });
      await coordinator.staffPost(`/staff/requests/${requestId}/claim`);
      assert.equal((await second.staffPost(`/staff/requests/${requestId}/release`)).status, 303);
      assert.equal((await claimOf(requestId)).claimed_by, admin.id, 'a colleague cannot let go of someone else\'s claim');
      const released = await coordinator.staffPost(`/staff/requests/${requestId}/release`);
      assert.equal(released.location, `/staff/requests/${requestId}?done=released`);
      assert.equal((await claimOf(requestId)).claimed_by, null);
      assert.equal(await audits('request.released', requestId), 1);
      assert.match((await second.get(`/staff/requests/${requestId}`)).html, /data-claim="free"/);
      await second.staffPost(`/staff/requests/${requestId}/claim`);
      assert.equal((await claimOf(requestId)).claimed_by, bora.id);
    });

    test('a claim lapses after CLAIM_MINUTES, from the stored time, with no job', async () => {
      assert.equal(t.config.claimMinutes, 60, 'the default');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['clothing'] });
      await coordinator.staffPost(`/staff/requests/${requestId}/claim`);
      await t.db.query("update help_requests set claimed_at = now() - interval '59 minutes' where id = $1", [requestId]);
      assert.equal((await second.staffPost(`/staff/requests/${requestId}/claim`)).location, `/staff/requests/${requestId}?done=held`, 'still held at 59 minutes');
      await t.db.query("update help_requests set claimed_at = now() - interval '61 minutes' where id = $1", [requestId]);
      const page = await second.get(`/staff/requests/${requestId}`);
      assert.match(page.html, /data-claim="free"/, 'shown as free once lapsed');
      assert.doesNotMatch(inboxRow(await second.get('/staff'), requestId), /data-claimed-by/, 'and not in the inbox');
      assert.equal((await second.staffPost(`/staff/requests/${requestId}/claim`)).location, `/staff/requests/${requestId}?done=claimed`);
      assert.equal((await claimOf(requestId)).claimed_by, bora.id);
    });

    test('without access: another role, a coordinator without the request\'s key, a request that became a case', async () => {
      const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'] });
      for (const path of [`/staff/requests/${requestId}/claim`, `/staff/requests/${requestId}/release`]) {
        assert.equal((await worker.staffPost(path)).status, 404, `a caseworker: ${path}`);
        assert.equal((await (await latecomerBrowser()).staffPost(path)).status, 404, `a coordinator without the key: ${path}`);
      }
      assert.equal((await coordinator.staffPost('/staff/requests/00000000-0000-4000-8000-000000000000/claim')).status, 404, 'a missing request');
      assert.equal((await claimOf(requestId)).claimed_by, null, 'nothing changed');
      const other = await submitHelp(t, 'ru', { needs: ['housing'] });
      await makeCase(other.requestId);
      assert.equal((await coordinator.staffPost(`/staff/requests/${other.requestId}/claim`)).status, 404, 'a request that became a case belongs to its team');
    });

    test('two coordinators claiming at the same moment on PostgreSQL leave one holder', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, async () => {
      for (let round = 0; round < 5; round++) {
        const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'] });
        const answers = await Promise.all([coordinator.staffPost(`/staff/requests/${requestId}/claim`), second.staffPost(`/staff/requests/${requestId}/claim`)]);
        const outcomes = answers.map((answer) => answer.location?.split('done=')[1]).sort();
        assert.deepEqual(outcomes, ['claimed', 'held'], 'one holds, the other is told who does');
        const holder = (await claimOf(requestId)).claimed_by;
        assert.ok(holder === admin.id || holder === bora.id);
        assert.equal(await audits('request.claimed', requestId), 1);
      }
    });
  });

  describe('new from the person', () => {
    test('the inbox marks and counts requests nobody on the team has read; one colleague reading is enough', async () => {
      const before = count(await coordinator.get('/staff'), 'news');
      const { requestId, receipt } = await submitHelp(t, 'ru', { needs: ['housing'], story: 'x' });
      const inbox = await second.get('/staff');
      assert.match(inboxRow(inbox, requestId), /data-news/);
      assert.equal(count(inbox, 'news'), before + 1);
      await coordinator.get(`/staff/requests/${requestId}`); // one coordinator reads it
      const after = await second.get('/staff');
      assert.doesNotMatch(inboxRow(after, requestId), /data-news/, 'read by the team');
      assert.equal(count(after, 'news'), before);
      // The person writes again: new again.
      const person = new Browser(t);
      assert.equal((await personPost(person, 'ru', { action: 'write', receipt, body: marker('more') })).status, 200);
      assert.match(inboxRow(await second.get('/staff'), requestId), /data-news/);
      await second.get(`/staff/requests/${requestId}`);
      assert.doesNotMatch(inboxRow(await second.get('/staff'), requestId), /data-news/);
    });

    test('"My cases" and "My work" mark and count cases; a team member who cannot read the conversation does not mark it read', async () => {
      const { user, browser: worker } = await freshCaseworker();
      const { requestId, receipt } = await submitHelp(t, 'ru', { needs: ['psychological'], story: 'x' });
      await coordinator.get(`/staff/requests/${requestId}`);
      const caseId = await makeCase(requestId, user);
      assert.equal((await worker.staffPost(`/staff/cases/${caseId}/assign`, { user: psychologist.id, role: 'psychologist' })).status, 303);
      await worker.get(`/staff/cases/${caseId}`);
      const quiet = await worker.get('/staff/cases');
      assert.doesNotMatch(new RegExp(`<tr data-case="${caseId}">([\\s\\S]*?)</tr>`).exec(quiet.html)?.[1] ?? '', /data-news/);
      await personPost(new Browser(t), 'ru', { action: 'write', receipt, body: marker('news') });
      const list = await worker.get('/staff/cases');
      assert.match(new RegExp(`<tr data-case="${caseId}">([\\s\\S]*?)</tr>`).exec(list.html)![1]!, /data-news/);
      assert.match(list.html, /data-news-count="1"/);
      assertShows(list, ru('queue.cases.news', { count: 1 }), 'in the caseworker\'s language');
      const work = await worker.get('/staff/my-work');
      assert.match(work.html, /data-news-count="1"/);
      assert.match(new RegExp(`<tr data-case="${caseId}">([\\s\\S]*?)</tr>`).exec(work.html)![1]!, /data-news/);
      // The psychologist opens the case but does not follow the conversation: still new.
      assert.equal((await psych.get(`/staff/cases/${caseId}`)).status, 200);
      assert.match((await worker.get('/staff/cases')).html, /data-news-count="1"/);
      // The caseworker opens it: read.
      await worker.get(`/staff/cases/${caseId}`);
      assert.doesNotMatch((await worker.get('/staff/cases')).html, /data-news-count/);
      assert.doesNotMatch((await worker.get('/staff/my-work')).html, /data-news-count/);
    });

    test('a second case with news: the Russian count says 2', async () => {
      const { user, browser: worker } = await freshCaseworker();
      const made: { caseId: string; receipt: string }[] = [];
      for (let i = 0; i < 2; i++) {
        const { requestId, receipt } = await submitHelp(t, 'ru', { needs: ['legal'] });
        made.push({ caseId: await makeCase(requestId, user), receipt });
      }
      for (const { caseId } of made) await worker.get(`/staff/cases/${caseId}`);
      for (const { receipt } of made) await personPost(new Browser(t), 'ru', { action: 'write', receipt, body: 'x' });
      const list = await worker.get('/staff/cases');
      assert.match(list.html, /data-news-count="2"/);
      assertShows(list, ru('queue.cases.news', { count: 2 }), 'two cases');
      await worker.get(`/staff/cases/${made[0]!.caseId}`);
      assert.match((await worker.get('/staff/cases')).html, /data-news-count="1"/, 'one read, one left');
    });

    test('counts meet nouns through Russian plural rules (1, 2, 5, 21, 22)', () => {
      const expected: Record<number, [string, string]> = {
        1: ['1 запрос с новым сообщением', '1 ваше дело'],
        2: ['2 запроса с новыми сообщениями', '2 ваших дела'],
        5: ['5 запросов с новыми сообщениями', '5 ваших дел'],
        21: ['21 запрос с новым сообщением', '21 ваше дело'],
        22: ['22 запроса с новыми сообщениями', '22 ваших дела'],
      };
      for (const [n, [requests, cases]] of Object.entries(expected)) {
        assert.equal(`${n} ${ru('queue.counts.news', { count: Number(n) })}`, requests);
        assert.ok(ru('queue.cases.news', { count: Number(n) }).startsWith(`${cases} `), `${n}: ${ru('queue.cases.news', { count: Number(n) })}`);
      }
      assert.equal(en('queue.counts.news', { count: 1 }), 'request with news from the person');
      assert.equal(en('queue.counts.news', { count: 2 }), 'requests with news from the person');
    });
  });

  describe('reply templates', () => {
    async function addTemplate(fields: { lang: string; title: string; body: string }): Promise<string> {
      const saved = await coordinator.staffPost('/staff/templates', fields);
      assert.equal(saved.status, 303);
      const [row] = await t.db.query<{ id: string }>('select id from reply_templates where title = $1', [fields.title]);
      return row!.id;
    }

    test('coordinators keep them in three languages; the request page offers them, the person\'s language first, and pre-fills the reply', async () => {
      const enId = await addTemplate({ lang: 'en', title: 'First contact', body: 'Hello, we read your message.' });
      const ruId = await addTemplate({ lang: 'ru', title: 'Первый контакт', body: 'Здравствуйте, мы прочитали ваше сообщение.' });
      await addTemplate({ lang: 'nl', title: 'Waar vind je ons', body: 'Ons adres staat op de website.' });
      const list = await worker.get('/staff/templates');
      assert.equal(list.status, 200, 'everyone who answers reads them');
      assertShows(list, 'Первый контакт', 'the list');
      assert.doesNotMatch(list.html, /action="\/staff\/templates"/, 'but only coordinators edit');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'] });
      const page = await coordinator.get(`/staff/requests/${requestId}`);
      const picker = /<form[^>]*data-template-picker[^>]*>([\s\S]*?)<\/form>/.exec(page.html)![1]!;
      assert.ok(picker.indexOf(ruId) < picker.indexOf(enId), 'Russian first for a Russian speaker');
      assert.match(picker, /<optgroup/);
      const filled = await coordinator.get(`/staff/requests/${requestId}?template=${ruId}`);
      const reply = /<textarea id="reply"[^>]*>([\s\S]*?)<\/textarea>/.exec(filled.html)![1]!;
      assert.equal(reply.trim(), 'Здравствуйте, мы прочитали ваше сообщение.');
      const bogus = await coordinator.get(`/staff/requests/${requestId}?template=not-a-uuid`);
      assert.equal(bogus.status, 200, 'a bad template parameter is ignored');
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'template.saved'"), 3);
    });

    test('changing and deleting; a bad form is refused with a message and changes nothing', async () => {
      const id = await addTemplate({ lang: 'en', title: 'What to bring', body: 'Your papers.' });
      const bad = await coordinator.staffPost('/staff/templates', { lang: 'xx', title: '', body: 'x' });
      assert.equal(bad.status, 400);
      assertShows(bad, en('queue.templates.invalid'), 'the message');
      assert.equal((await coordinator.staffPost(`/staff/templates/${id}`, { lang: 'en', title: 'What to bring', body: '' })).status, 400);
      assert.equal(await countRows(t.db, 'reply_templates', 'body = $1', ['Your papers.']), 1);
      assert.equal((await coordinator.staffPost(`/staff/templates/${id}`, { lang: 'nl', title: 'Wat mee te nemen', body: 'Je papieren.' })).status, 303);
      assert.equal(await countRows(t.db, 'reply_templates', "id = $1 and lang = 'nl'", [id]), 1);
      assert.equal((await coordinator.staffPost(`/staff/templates/${id}/delete`)).status, 303);
      assert.equal(await countRows(t.db, 'reply_templates', 'id = $1', [id]), 0);
      assert.equal((await coordinator.staffPost(`/staff/templates/${id}/delete`)).status, 404, 'gone');
      assert.equal((await coordinator.staffPost(`/staff/templates/${id}`, { lang: 'nl', title: 'a', body: 'b' })).status, 404, 'a missing one');
    });

    test('without access: a caseworker cannot add, change or delete; someone outside the case roles cannot read', async () => {
      const id = await addTemplate({ lang: 'en', title: 'Where to find us', body: 'Our office.' });
      assert.equal((await worker.staffPost('/staff/templates', { lang: 'en', title: 'Mine', body: 'x' })).status, 404);
      assert.equal((await worker.staffPost(`/staff/templates/${id}`, { lang: 'en', title: 'Changed', body: 'x' })).status, 404);
      assert.equal((await worker.staffPost(`/staff/templates/${id}/delete`)).status, 404);
      assert.equal(await countRows(t.db, 'reply_templates', "title = 'Mine' or title = 'Changed'"), 0);
      assert.equal(await countRows(t.db, 'reply_templates', 'id = $1', [id]), 1);
      const treasurer = await loggedIn(t, await createStaff(t.db, { login: 'tplmoney', roles: ['treasurer'] }));
      assert.equal((await treasurer.get('/staff/templates')).status, 404);
    });
  });
});
