import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, todayIn } from '../../src/i18n/days.ts';
import {
  assertNotShows,
  assertShows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  submitHelp,
  Browser,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/my-work.test.ts', () => {
  /** "My work": what each person has to do, from plain metadata and what they can decrypt. */
  let t: TestApp;
  type Who = 'coordinator' | 'caseworker' | 'psychologist' | 'lawyer' | 'outsider';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'], language: 'ru' }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'], language: 'nl' }),
      outsider: await createStaff(t.db, { login: 'outsider', roles: ['caseworker', 'coordinator'], confirmed: false }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);
  });

  after(() => t?.close());

  async function newCase(): Promise<string> {
    const { requestId } = await submitHelp(t, 'ru', { needs: ['legal', 'evacuation'], story: 'x' });
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    for (const [who, role] of [['psychologist', 'psychologist'], ['lawyer', 'lawyer']] as const) {
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users[who].id, role })).status, 303);
    }
    return caseId;
  }

  /** The ids of one My work list, in the order shown. */
  function listed(html: string, list: string, attribute: string): string[] {
    const start = html.indexOf(`data-my-work="${list}"`);
    const part = html.slice(start, html.indexOf('</section>', start));
    return [...part.matchAll(new RegExp(`${attribute}="([0-9a-f-]{36})"`, 'g'))].map((match) => match[1]!);
  }

  async function deadlineId(caseId: string, due: string): Promise<string> {
    const [row] = await t.db.query<{ id: string }>('select id from case_deadlines where case_id = $1 and due_on = $2', [caseId, due]);
    return row!.id;
  }

  describe('My work', () => {
    test('is where a caseworker lands, and is in the navigation', async () => {
      const landing = await browsers.caseworker.get('/staff');
      assert.equal(landing.status, 303);
      assert.equal(landing.location, '/staff/my-work');
      const page = await browsers.caseworker.get('/staff/my-work');
      assert.equal(page.status, 200);
      assert.match(page.html, /href="\/staff\/my-work"/, 'linked from the navigation');
      assertShows(page, 'Моя работа', 'in the caseworker\'s language');
       const anonymous = await new Browser(t).get('/staff/my-work');
      assert.equal(anonymous.status, 303, 'without a session');
      assert.match(anonymous.location ?? '', /^\/staff\/login/);
    });

    test('shows legal deadlines within 7 days, overdue first, and not one in 10 days; only to who reads the legal part', async () => {
      const caseId = await newCase();
      await browsers.lawyer.staffPost(`/staff/cases/${caseId}/tracks/legal`, {});
      const detail = marker('detail');
      const days = { soon: addDays(todayIn(), 3), late: addDays(todayIn(), -2), far: addDays(todayIn(), 10) };
      for (const due of Object.values(days)) {
        assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/deadlines`, { kind: 'documents', due, detail })).status, 303);
      }
      const soon = await deadlineId(caseId, days.soon);
      const late = await deadlineId(caseId, days.late);
      const far = await deadlineId(caseId, days.far);
      const lawyer = await browsers.lawyer.get('/staff/my-work');
      assert.deepEqual(listed(lawyer.html, 'deadlines', 'data-deadline'), [late, soon], 'overdue first, the one in 10 days left out');
      assertShows(lawyer, 'nog 3 dagen', "the lawyer's My work, in Dutch");
      assertShows(lawyer, '2 dagen te laat', "the lawyer's My work, in Dutch");
      assertNotShows(lawyer, detail, 'My work shows no sealed detail');
      const caseworker = await browsers.caseworker.get('/staff/my-work');
      assert.ok(listed(caseworker.html, 'deadlines', 'data-deadline').includes(soon), 'the caseworker reads the legal part too');
      assertShows(caseworker, 'осталось 3 дня', "the caseworker's My work, in Russian");
      assert.ok(!listed(caseworker.html, 'deadlines', 'data-deadline').includes(far));
      const psychologist = await browsers.psychologist.get('/staff/my-work');
      assert.deepEqual(listed(psychologist.html, 'deadlines', 'data-deadline'), [], 'not the psychologist');
      // Met, it leaves the list.
      await browsers.lawyer.staffPost(`/staff/cases/${caseId}/deadlines/done`, { deadline: late, done: 'yes' });
      assert.deepEqual(listed((await browsers.lawyer.get('/staff/my-work')).html, 'deadlines', 'data-deadline'), [soon]);
    });

    test('shows an emergency overdue for contact to its team and to coordinators, and not one in contact', async () => {
      const overdue = await newCase();
      const inContact = await newCase();
      for (const caseId of [overdue, inContact]) await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/evacuation`, {});
      await t.db.query("update case_tracks set opened_at = now() - interval '30 hours' where case_id = any($1::uuid[])", [[overdue, inContact]]);
      await browsers.caseworker.staffPost(`/staff/cases/${inContact}/evacuation/contact`, { contacted: 'yes', hours: '24' });
      for (const who of ['caseworker', 'lawyer', 'coordinator', 'outsider'] as const) {
        const shown = listed((await browsers[who].get('/staff/my-work')).html, 'emergencies', 'data-emergency');
        assert.ok(shown.includes(overdue), `${who} sees the overdue emergency`);
        assert.ok(!shown.includes(inContact), `${who} does not see the one in contact`);
      }
      const bystander = await createStaff(t.db, { login: 'bystander', roles: ['caseworker'] });
      const page = await (await loggedIn(t, bystander)).get('/staff/my-work');
      assert.deepEqual(listed(page.html, 'emergencies', 'data-emergency'), [], 'a caseworker off the case does not');
      assert.match(page.html, /data-my-work="emergencies"/, 'the list itself is there: the check above could fail');
      const calm = await newCase(); // newer, but no emergency
      const cases = listed((await browsers.caseworker.get('/staff/my-work')).html, 'cases', 'data-case');
      assert.ok(cases.includes(calm) && cases.indexOf(overdue) < cases.indexOf(calm), 'emergencies first among my cases');
      assert.ok(cases.indexOf(inContact) < cases.indexOf(calm), 'a live evacuation in contact is an emergency too');
    });

    test('shows my tasks due, overdue first, with their titles', async () => {
      const caseId = await newCase();
      const titles = { later: marker('later'), overdue: marker('overdue') };
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tasks`, { title: titles.later, assignee: users.caseworker.id, due: addDays(todayIn(), 2), part: 'core' });
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tasks`, { title: titles.overdue, assignee: users.caseworker.id, due: addDays(todayIn(), -1), part: 'core' });
      const page = await browsers.caseworker.get('/staff/my-work');
      assert.ok(page.html.indexOf(titles.overdue) >= 0 && page.html.indexOf(titles.overdue) < page.html.indexOf(titles.later), 'the overdue task first');
      assertNotShows(await browsers.lawyer.get('/staff/my-work'), titles.later, "another's My work");
    });
  });
});
