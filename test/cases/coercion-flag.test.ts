import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { duressCode } from '../../src/help/receipt.ts';
import {
  Browser,
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  personPost,
  startTestApp,
  submitHelp,
  type HelpFields,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/coercion-flag.test.ts', () => {
  /**
   * A case whose person used their code for danger is flagged "under coercion": the flag shows on
   * My work for the case's team, and the caseworker or a coordinator on the case clears it with a
   * stated reason (audited, a category, never words). Nobody else can clear it.
   */
  let t: TestApp;
  type Who = 'coordinator' | 'caseworker' | 'lawyer' | 'outsider' | 'otherCoordinator';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;
  const ENDING = '7391';

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      outsider: await createStaff(t.db, { login: 'outsider', roles: ['caseworker'] }),
      otherCoordinator: await createStaff(t.db, { login: 'other', roles: ['coordinator'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);
  });

  after(() => t?.close());

  /** A case made from a request whose person chose a code for danger, and then had to use it. */
  async function coercedCase(): Promise<{ caseId: string; requestId: string; code: string }> {
    const fields: HelpFields & { duressEnding: string } = { needs: ['legal'], story: 'x', duressEnding: ENDING };
    const { receipt, requestId } = await submitHelp(t, 'ru', fields);
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users.lawyer.id, role: 'lawyer' })).status, 303);
    const code = duressCode(receipt, ENDING);
    assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt: code })).status, 200);
    assert.ok(await coercedAt(requestId), 'the request is flagged');
    return { caseId, requestId, code };
  }

  const coercedAt = async (requestId: string) => (await t.db.query<{ coerced_at: Date | null }>('select coerced_at from help_requests where id = $1', [requestId]))[0]!.coerced_at;
  const seenOn = (html: string) => /name="seen" value="([^"]+)"/.exec(html)?.[1];

  test('the flagged case shows on My work for everyone on its team, and for nobody else', async () => {
    const { caseId } = await coercedCase();
    for (const who of ['caseworker', 'coordinator', 'lawyer'] as const) {
      const work = await browsers[who].get('/staff/my-work');
      assert.match(work.html, new RegExp(`data-coerced-case="${caseId}"`), `${who} sees it`);
      assertShows(work, 'data-my-work="coerced"');
    }
    for (const who of ['outsider', 'otherCoordinator'] as const) {
      assertNotShows(await browsers[who].get('/staff/my-work'), caseId, `${who} is not on the team`);
    }
  });

  test('the caseworker clears it with a reason: audited without words, gone from the case page and My work', async () => {
    const { caseId, requestId } = await coercedCase();
    const page = await browsers.caseworker.get(`/staff/cases/${caseId}`);
    assertShows(page, 'data-coerced=');
    assertShows(page, 'data-coercion-clear', 'the form, for the caseworker');
    const seen = seenOn(page.html)!;
    assert.ok(seen, 'the form carries the time it showed');
    const lawyerPage = await browsers.lawyer.get(`/staff/cases/${caseId}`);
    assertShows(lawyerPage, 'data-coerced=', 'the lawyer sees the flag');
    assertNotShows(lawyerPage, 'data-coercion-clear', 'but may not clear it');

    const noReason = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/coercion/clear`, { seen });
    assert.equal(noReason.status, 303);
    assertShows(await browsers.caseworker.get(noReason.location!), translator('en')('duress.clear.noReason'));
    assert.ok(await coercedAt(requestId), 'no reason, nothing changed');

    const cleared = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/coercion/clear`, { seen, reason: 'spoke_safely' });
    assert.equal(cleared.status, 303);
    assert.equal(cleared.location, `/staff/cases/${caseId}?coercion=cleared#coercion`);
    const after = await browsers.caseworker.get(cleared.location!);
    assertShows(after, 'The flag was cleared.');
    assertNotShows(after, 'data-coerced=', 'the flag is gone');
    assert.equal(await coercedAt(requestId), null);
    assertNotShows(await browsers.caseworker.get('/staff/my-work'), `data-coerced-case="${caseId}"`);
    const audit = await t.db.query<{ detail: string; actor_user_id: string }>("select detail, actor_user_id from audit_events where kind = 'case.coercion_cleared' and subject_id = $1", [caseId]);
    assert.deepEqual(audit.map((row) => [JSON.parse(row.detail), row.actor_user_id]), [[{ caseId, reason: 'spoke_safely', requests: 1 }, users.caseworker.id]]);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'request.coerced' and subject_id = $1", [requestId]), 1, 'the use itself stays in the audit log');
  });

  test('a use of the code after the page was read is not cleared unseen', async () => {
    const { caseId, requestId, code } = await coercedCase();
    const seen = seenOn((await browsers.coordinator.get(`/staff/cases/${caseId}`)).html)!;
    assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt: code })).status, 200);
    const again = (await coercedAt(requestId))!;
    assert.ok(again.getTime() > new Date(seen).getTime(), 'a later use');
    const outcome = await browsers.coordinator.staffPost(`/staff/cases/${caseId}/coercion/clear`, { seen, reason: 'mistaken_code' });
    assert.equal(outcome.location, `/staff/cases/${caseId}?coercion=newer#coercion`);
    const page = await browsers.coordinator.get(outcome.location!);
    assertShows(page, 'data-coercion-notice="newer"');
    assertShows(page, 'data-coerced=', 'still flagged');
    assert.deepEqual(await coercedAt(requestId), again);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.coercion_cleared' and subject_id = $1", [caseId]), 0, 'nothing cleared, nothing audited');
    // With the new time read, the coordinator on the case clears it.
    const fresh = seenOn((await browsers.coordinator.get(`/staff/cases/${caseId}`)).html)!;
    assert.equal((await browsers.coordinator.staffPost(`/staff/cases/${caseId}/coercion/clear`, { seen: fresh, reason: 'danger_over' })).location, `/staff/cases/${caseId}?coercion=cleared#coercion`);
    assert.equal(await coercedAt(requestId), null);
    // And a new use after that flags the case again, on the page and on My work.
    assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt: code })).status, 200);
    assert.match((await browsers.caseworker.get('/staff/my-work')).html, new RegExp(`data-coerced-case="${caseId}"`));
  });

  test('nobody without the case’s caseworker or coordinator role on it can clear it; they get "not found" and nothing changes', async () => {
    const { caseId, requestId } = await coercedCase();
    const seen = seenOn((await browsers.caseworker.get(`/staff/cases/${caseId}`)).html)!;
    for (const who of ['lawyer', 'outsider', 'otherCoordinator'] as const) {
      for (const form of [{ seen, reason: 'other' }, { seen }]) {
        const refused = await browsers[who].staffPost(`/staff/cases/${caseId}/coercion/clear`, form);
        assert.equal(refused.status, 404, `${who} ${JSON.stringify(Object.keys(form))}`);
      }
    }
    assert.equal((await browsers.caseworker.staffPost('/staff/cases/00000000-0000-4000-8000-000000000000/coercion/clear', { seen, reason: 'other' })).status, 404, 'a missing case');
    assert.equal((await new Browser(t).post(`/staff/cases/${caseId}/coercion/clear`, { seen, reason: 'other' })).status, 403, 'no session');
    assert.equal((await browsers.caseworker.post(`/staff/cases/${caseId}/coercion/clear`, { seen, reason: 'other' })).status, 403, 'no CSRF token');
    assert.ok(await coercedAt(requestId), 'still flagged');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.coercion_cleared' and subject_id = $1", [caseId]), 0);
  });

  test('clearing while the person uses the code again and colleagues clear too: no error, and a later use is never lost', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, async () => {
    const { caseId, requestId, code } = await coercedCase();
    const seen = seenOn((await browsers.caseworker.get(`/staff/cases/${caseId}`)).html)!;
    const results = await Promise.all([
      browsers.caseworker.staffPost(`/staff/cases/${caseId}/coercion/clear`, { seen, reason: 'spoke_safely' }),
      browsers.coordinator.staffPost(`/staff/cases/${caseId}/coercion/clear`, { seen, reason: 'danger_over' }),
      personPost(new Browser(t), 'ru', { action: 'open', receipt: code }),
      browsers.lawyer.get(`/staff/cases/${caseId}`),
    ]);
    assert.deepEqual(results.map((page) => page.status), [303, 303, 200, 200]);
    const at = await coercedAt(requestId);
    assert.ok(at && at.getTime() > new Date(seen).getTime(), 'the use that came after the page was read stays flagged');
    assert.ok((await countRows(t.db, 'audit_events', "kind = 'case.coercion_cleared' and subject_id = $1", [caseId])) <= 1, 'the first use cleared once at most');
  });

  test('the count on My work meets its noun through plural rules in every language', () => {
    const expected: Record<'ru' | 'en' | 'nl', Record<number, string>> = {
      ru: { 1: '1 дело,', 2: '2 дела,', 5: '5 дел,', 21: '21 дело,', 22: '22 дела,' },
      en: { 1: '1 case whose', 2: '2 cases whose', 5: '5 cases whose', 21: '21 cases whose', 22: '22 cases whose' },
      nl: { 1: '1 zaak waarvan', 2: '2 zaken waarvan', 5: '5 zaken waarvan', 21: '21 zaken waarvan', 22: '22 zaken waarvan' },
    };
    for (const lang of ['ru', 'en', 'nl'] as const) {
      for (const n of [1, 2, 5, 21, 22]) {
        const text = translator(lang)('duress.mywork.count', { n });
        assert.ok(text.startsWith(expected[lang][n]!), `${lang} ${n}: ${text}`);
      }
    }
  });
});
