import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { formatDuration } from '../../src/overview/routes.tsx';
import { createStaff, initialiseInstance, loggedIn, startTestApp, submitHelp, type Browser, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/overview/overview.test.ts', () => {
  /**
   * The coordinators' overview, checked against seeded data: requests per week, first-response
   * median and worst, people waiting, open needs and emergencies, each chart with the same numbers
   * in a table; and who may see it.
   */
  let t: TestApp;
  let coordinator: Browser;
  let caseworkerUser: StaffUser;
  let others: Record<'caseworker' | 'editor' | 'treasurer' | 'psychologist', Browser>;
  const HOUR = 3600 * 1000;
  const DAY = 24 * HOUR;

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    coordinator = await loggedIn(t, instance.admin);
    caseworkerUser = await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] });
    others = {
      caseworker: await loggedIn(t, caseworkerUser),
      editor: await loggedIn(t, await createStaff(t.db, { login: 'editor', roles: ['editor'] })),
      treasurer: await loggedIn(t, await createStaff(t.db, { login: 'treasurer', roles: ['treasurer'] })),
      psychologist: await loggedIn(t, await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'] })),
    };
  });

  after(() => t?.close());

  /** A request that arrived `ago` before now, answered (first) after each of `replies`; times set in its metadata. */
  async function seed(ago: number, replies: number[], fields: { danger?: 'yes' | 'no'; needs?: ('legal' | 'psychological' | 'evacuation' | 'clothing')[] } = {}): Promise<string> {
    const { requestId } = await submitHelp(t, 'ru', { needs: fields.needs ?? ['clothing'], story: 'x', danger: fields.danger ?? 'no' });
    const created = new Date(Date.now() - ago);
    for (const _ of replies) assert.equal((await coordinator.staffPost(`/staff/requests/${requestId}/reply`, { body: 'hello' })).status, 303);
    await t.db.query('update help_requests set created_at = $2::timestamptz, waiting_since = case when waiting_since is null then null else $2::timestamptz end where id = $1', [requestId, created]);
    const messages = await t.db.query<{ id: string }>("select id from messages where request_id = $1 and author = 'staff' order by created_at", [requestId]);
    for (const [index, message] of messages.entries()) {
      await t.db.query('update messages set created_at = $2 where id = $1', [message.id, new Date(created.getTime() + replies[index]!)]);
    }
    return requestId;
  }

  function figure(html: string, name: string): string {
    return new RegExp(`data-figure="${name}"[^>]*>([^<]*)<`).exec(html)?.[1] ?? '';
  }

  function tableOf(html: string, chart: string): number[] {
    const start = html.indexOf(`data-chart-table="${chart}"`);
    assert.ok(start >= 0, `the ${chart} chart has its table`);
    const table = html.slice(start, html.indexOf('</table>', start));
    return [...table.matchAll(/<td>(\d+)<\/td>/g)].map((match) => Number(match[1]));
  }

  test('the figures match the seeded requests and cases', async () => {
    await seed(10 * HOUR, [1 * HOUR]);
    await seed(10 * HOUR, [2 * HOUR, 5 * HOUR]); // only the first reply counts
    await seed(20 * HOUR, [6 * HOUR]); // the worst
    await seed(3 * HOUR, [], { danger: 'yes' }); // unanswered, waiting under a day, urgent
    await seed(10 * DAY, []); // unanswered, waiting 7-13 days
    await seed(21 * DAY, [3 * HOUR]);
    await seed(21 * DAY + HOUR, [4 * HOUR]);
    await seed(20 * 7 * DAY, [100 * HOUR]); // before the 12 weeks: not counted anywhere

    // A case opened without a request (a call): its open needs, and a live evacuation overdue for contact.
    const made = await coordinator.staffPost('/staff/cases/new', {
      origin: 'direct',
      caseworkerId: caseworkerUser.id,
      language: 'ru',
      needs: ['psychological', 'legal', 'evacuation'],
    });
    assert.equal(made.status, 303, 'the case is opened');
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    assert.equal((await others.caseworker.staffPost(`/staff/cases/${caseId}/needs`, { need: 'legal', status: 'done' })).status, 303);
    assert.equal((await others.caseworker.staffPost(`/staff/cases/${caseId}/tracks/evacuation`, {})).status, 303);
    await t.db.query("update case_tracks set opened_at = $2, last_contact_at = null where case_id = $1 and track = 'evacuation'", [caseId, new Date(Date.now() - 3 * DAY)]);

    const page = await coordinator.get('/staff/overview');
    assert.equal(page.status, 200);
    assert.equal(figure(page.html, 'median'), '3 hours', 'the median of 1, 2, 3, 4 and 6 hours …');
    assert.ok(page.html.includes('data-figure="median" data-seconds="10800"'), 'is three hours exactly');
    assert.equal(figure(page.html, 'worst'), '6 hours', 'the worst counts only the first reply, within the 12 weeks');
    assert.ok(page.html.includes('data-seconds="21600"'));
    assert.equal(figure(page.html, 'answered'), '5');
    assert.equal(figure(page.html, 'unanswered'), '2');
    assert.match(figure(page.html, 'longest-unanswered'), /^10 days/);

    const perWeek = tableOf(page.html, 'per-week');
    assert.equal(perWeek.length, 12, 'twelve weeks');
    assert.equal(perWeek.reduce((sum, n) => sum + n, 0), 7, 'every request of the twelve weeks, none from before');
    assert.equal(perWeek[8], 2, 'three weeks ago: the two requests of that week');

    const needs = tableOf(page.html, 'open-needs');
    const needNames = ['evacuation', 'housing', 'clothing', 'psychological', 'legal', 'other'];
    assert.equal(needs[needNames.indexOf('psychological')], 1, 'the open psychological need');
    assert.equal(needs[needNames.indexOf('evacuation')], 1);
    assert.equal(needs[needNames.indexOf('legal')], 0, 'a need marked done is not open');
    assert.deepEqual(tableOf(page.html, 'waiting'), [1, 0, 0, 1, 0], 'one person waiting under a day, one for ten days');

    assert.equal(figure(page.html, 'urgent-requests'), '1');
    assert.equal(figure(page.html, 'live-evacuations'), '1');
    assert.equal(figure(page.html, 'overdue-contact'), '1');
  });

  test('each chart is inline SVG with a title, and the same numbers follow in a table', async () => {
    const page = await coordinator.get('/staff/overview');
    for (const chart of ['per-week', 'open-needs', 'waiting']) {
      const at = page.html.indexOf(`data-chart="${chart}"`);
      const figureHtml = page.html.slice(at, page.html.indexOf('</figure>', at));
      assert.match(figureHtml, /<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"/, `${chart}: an image with a name`);
      assert.match(figureHtml, new RegExp(`<title id="${chart}-title">`), `${chart}: its title`);
      assert.ok(figureHtml.includes(`data-chart-table="${chart}"`), `${chart}: its table`);
      assert.ok(!/href=|src=/.test(figureHtml.slice(0, figureHtml.indexOf('</svg>'))), `${chart}: nothing loaded from anywhere`);
    }
  });

  test('durations read in every language, with Russian plurals', () => {
    const ru = translator('ru');
    assert.equal(formatDuration(ru, 3600), '1 час');
    assert.equal(formatDuration(ru, 2 * 3600), '2 часа');
    assert.equal(formatDuration(ru, 5 * 3600), '5 часов');
    assert.equal(formatDuration(ru, 21 * 3600), '21 час');
    assert.equal(formatDuration(ru, 22 * 3600), '22 часа');
    assert.equal(formatDuration(ru, 2 * 86400 + 21 * 60), '2 дня 21 минута');
    assert.equal(formatDuration(translator('nl'), 90 * 60), '1 uur 30 minuten');
    assert.equal(formatDuration(translator('en'), 0), '0 minutes');
    assert.equal(formatDuration(translator('en'), null), 'no data');
  });

  test('only coordinators see the overview', async () => {
    for (const [who, browser] of Object.entries(others)) assert.equal((await browser.get('/staff/overview')).status, 404, who);
  });
});
