/**
 * Finding requests and cases over plain metadata (never by decrypting), paging, and the text
 * search inside one case over what its reader can decrypt — each with its "without access" case.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { todayIn, addDays } from '../../src/i18n/days.ts';
import {
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  submitHelp,
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/help/queue-find.test.ts', () => {
  let t: TestApp;
  let admin: StaffUser;
  let caseworker: StaffUser;
  let psychologist: StaffUser;
  let coordinator: Browser;
  let worker: Browser;
  let psych: Browser;
  let outsider: Browser;

  before(async () => {
    t = await startTestApp();
    ({ admin } = await initialiseInstance(t.db));
    caseworker = await createStaff(t.db, { login: 'findcw', roles: ['caseworker'] });
    psychologist = await createStaff(t.db, { login: 'findpsy', roles: ['psychologist'] });
    coordinator = await loggedIn(t, admin);
    worker = await loggedIn(t, caseworker);
    psych = await loggedIn(t, psychologist);
    outsider = await loggedIn(t, await createStaff(t.db, { login: 'findother', roles: ['caseworker'] }));
  });

  after(() => t?.close());

  const inboxIds = (page: Page) => [...page.html.matchAll(/<tr data-request="([0-9a-f-]{36})">/g)].map(([, id]) => id!);
  const caseIds = (page: Page, list: 'mine' | 'all') => {
    const start = page.html.indexOf(`data-list="${list}"`);
    if (start < 0) return [];
    const part = page.html.slice(start, page.html.indexOf('</section>', start));
    return [...part.matchAll(/<tr data-case="([0-9a-f-]{36})">/g)].map(([, id]) => id!);
  };
  const decryptions = () => countRows(t.db, 'audit_events', "kind = 'vault.decrypted'");

  async function makeCase(requestId: string): Promise<{ caseId: string; pseudonym: string }> {
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
    const caseId = /^\/staff\/cases\/([0-9a-f-]{36})\?/.exec(made.location ?? '')![1]!;
    const [row] = await t.db.query<{ pseudonym: string }>('select pseudonym from cases where id = $1', [caseId]);
    return { caseId, pseudonym: row!.pseudonym };
  }

  describe('the inbox', () => {
    test('finds by the short reference, by who is on it and by the day received', async () => {
      const one = await submitHelp(t, 'en', { needs: ['clothing'], country: 'AM' });
      const two = await submitHelp(t, 'en', { needs: ['clothing'], country: 'AM' });
      const byRef = await coordinator.get(`/staff?ref=${encodeURIComponent('#' + one.requestId.slice(0, 8))}`);
      assert.deepEqual(inboxIds(byRef), [one.requestId]);
      assert.deepEqual(inboxIds(await coordinator.get(`/staff?ref=${two.requestId.slice(0, 8).toUpperCase()}`)), [two.requestId], 'in capitals too');
      assert.deepEqual(inboxIds(await coordinator.get('/staff?ref=%25')), inboxIds(await coordinator.get('/staff')), 'a wildcard is no reference: ignored');
      await coordinator.staffPost(`/staff/requests/${two.requestId}/claim`);
      assert.deepEqual(inboxIds(await coordinator.get(`/staff?country=AM&assignee=${admin.id}`)), [two.requestId]);
      await t.db.query("update help_requests set claimed_at = now() - interval '2 hours' where id = $1", [two.requestId]);
      assert.deepEqual(inboxIds(await coordinator.get(`/staff?country=AM&assignee=${admin.id}`)), [], 'a lapsed claim holds nothing');
      const today = todayIn();
      assert.deepEqual(inboxIds(await coordinator.get(`/staff?country=AM&from=${today}&to=${today}`)).sort(), [one.requestId, two.requestId].sort());
      assert.deepEqual(inboxIds(await coordinator.get(`/staff?country=AM&from=${addDays(today, 1)}`)), [], 'nothing from tomorrow');
      assert.deepEqual(inboxIds(await coordinator.get(`/staff?country=AM&to=${addDays(today, -1)}`)), [], 'nothing until yesterday');
      assert.equal((await coordinator.get('/staff?from=2026-13-45&ref=zz&assignee=x&page=-3')).status, 200, 'bad filters are ignored');
    });

    test('never decrypts to find: words of a story find nothing, and listing opens no vault', async () => {
      const story = marker('story');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story, city: marker('city') });
      const { pseudonym } = await makeCase((await submitHelp(t, 'ru', { needs: ['legal'], story: `${story} twin` })).requestId);
      const opened = await decryptions();
      for (const path of [`/staff?ref=${encodeURIComponent(story)}`, `/staff?cases=all&ref=${story}`, `/staff/cases?pseudonym=${story}`, `/staff/cases?ref=${story}`]) {
        const page = await coordinator.get(path);
        assert.equal(page.status, 200);
        // The words typed come back in the search box, and nowhere else.
        assert.ok(!page.html.replace(/value="[^"]*"/g, '').includes(story), `${path} shows no story`);
      }
      assert.deepEqual(caseIds(await coordinator.get(`/staff/cases?pseudonym=${encodeURIComponent(story)}`), 'all'), []);
      assert.equal(await decryptions(), opened, 'the inbox and the case list opened no vault');
      // The canary: the counter does count an opening.
      await coordinator.get(`/staff/requests/${requestId}`);
      assert.ok((await decryptions()) > opened, 'opening a request is counted');
      assert.ok(pseudonym);
    });

    test('is paged: 50 a page, the next page continues where the first stopped', async () => {
      const { requestId } = await submitHelp(t, 'en', { needs: ['housing'], country: 'BE' });
      // 55 more requests of the same shape (metadata only), as a factory would make them.
      await t.db.query(
        `insert into help_requests (id, vault_id, urgent, needs, country, language, status, created_at)
         select gen_random_uuid(), vault_id, false, needs, country, language, 'new', now() - make_interval(mins => g)
         from help_requests cross join generate_series(1, 55) g where id = $1`,
        [requestId],
      );
      const first = await coordinator.get('/staff?country=BE');
      assert.equal(inboxIds(first).length, 50);
      const next = /<a href="([^"]*)" rel="next" data-next-page/.exec(first.html)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(next, 'a link to the next page');
      assert.match(next, /country=BE/, 'which keeps the filter');
      const second = await coordinator.get(next);
      assert.equal(inboxIds(second).length, 6);
      assert.doesNotMatch(second.html, /data-next-page/, 'the last page');
      const all = new Set([...inboxIds(first), ...inboxIds(second)]);
      assert.equal(all.size, 56, 'no request twice, none left out');
    });
  });

  describe('the case list', () => {
    test('finds by pseudonym, request reference, need, member and day; a caseworker finds only their own cases', async () => {
      const asked = await submitHelp(t, 'nl', { needs: ['psychological'], country: 'KZ' });
      const { caseId, pseudonym } = await makeCase(asked.requestId);
      const other = await makeCase((await submitHelp(t, 'nl', { needs: ['clothing'] })).requestId);
      assert.deepEqual(caseIds(await coordinator.get(`/staff/cases?pseudonym=${pseudonym.slice(0, 4).toLowerCase()}`), 'all').includes(caseId), true, 'a start of the pseudonym');
      assert.deepEqual(caseIds(await coordinator.get(`/staff/cases?pseudonym=${pseudonym}`), 'all'), [caseId]);
      assert.deepEqual(caseIds(await coordinator.get(`/staff/cases?ref=%23${asked.requestId.slice(0, 8)}`), 'all'), [caseId], 'the request it came from');
      assert.deepEqual(caseIds(await coordinator.get('/staff/cases?need=psychological&country=KZ'), 'all'), [caseId]);
      assert.ok(caseIds(await coordinator.get(`/staff/cases?member=${caseworker.id}`), 'all').includes(other.caseId));
      assert.deepEqual(caseIds(await coordinator.get(`/staff/cases?pseudonym=${pseudonym}&from=${addDays(todayIn(), 1)}`), 'all'), []);
      assert.deepEqual(caseIds(await worker.get(`/staff/cases?pseudonym=${pseudonym}`), 'mine'), [caseId]);
      // Without access: someone not on the case finds nothing, and sees no list of every case.
      const theirs = await outsider.get(`/staff/cases?pseudonym=${pseudonym}`);
      assert.deepEqual(caseIds(theirs, 'mine'), []);
      assert.equal(caseIds(theirs, 'all').length, 0);
      assert.doesNotMatch(theirs.html, /data-list="all"/);
    });
  });

  describe('inside a case', () => {
    test('a holder searches the notes and messages they can decrypt; a part they do not hold finds nothing', async () => {
      const { caseId } = await makeCase((await submitHelp(t, 'ru', { needs: ['legal', 'psychological'] })).requestId);
      assert.equal((await worker.staffPost(`/staff/cases/${caseId}/assign`, { user: psychologist.id, role: 'psychologist' })).status, 303);
      const core = marker('core');
      const psy = marker('psy');
      assert.equal((await worker.staffPost(`/staff/cases/${caseId}/notes`, { part: 'core', body: `Met at the station. ${core}` })).status, 303);
      assert.equal((await psych.staffPost(`/staff/cases/${caseId}/notes`, { part: 'psych', body: `Session one. ${psy}` })).status, 303);
      const found = await worker.get(`/staff/cases/${caseId}/search?q=${encodeURIComponent(`station ${core.toLowerCase()}`)}`);
      assert.equal(found.status, 200);
      assert.match(found.html, /data-matches="1"/);
      assert.ok(found.html.includes(core));
      assert.match((await worker.get(`/staff/cases/${caseId}/search?q=${psy}`)).html, /data-matches="0"/, 'the caseworker does not hold the psych part');
      assert.match((await psych.get(`/staff/cases/${caseId}/search?q=${core}`)).html, /data-matches="0"/, 'the psychologist does not hold the core part');
      assert.match((await psych.get(`/staff/cases/${caseId}/search?q=${psy}`)).html, /data-matches="1"/);
      assert.match((await worker.get(`/staff/cases/${caseId}`)).html, /data-case-search/, 'the case page has the search box');
    });

    test('without access: someone not on the team, a missing case, a role outside cases', async () => {
      const { caseId } = await makeCase((await submitHelp(t, 'ru', { needs: ['legal'] })).requestId);
      assert.equal((await outsider.get(`/staff/cases/${caseId}/search?q=x`)).status, 404);
      assert.equal((await worker.get('/staff/cases/00000000-0000-4000-8000-000000000000/search?q=x')).status, 404);
      const treasurer = await loggedIn(t, await createStaff(t.db, { login: 'findmoney', roles: ['treasurer'] }));
      assert.equal((await treasurer.get(`/staff/cases/${caseId}/search?q=x`)).status, 404);
      assert.equal((await new Browser(t).get(`/staff/cases/${caseId}/search?q=x`)).status, 303, 'no session: to the login');
    });
  });
});
