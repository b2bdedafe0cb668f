import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setAlertAddress } from '../../src/notify/addresses.ts';
import { translator } from '../../src/i18n/index.ts';
import { createMailer } from '../../src/notify/mailer.ts';
import { runDueJobs, type JobDeps } from '../../src/notify/run-jobs.ts';
import {
  assertNotShows,
  assertShows,
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';
import { decode, messageContains, startSmtp, type TestSmtp } from '../notify/smtp.ts';

describe('test/cases/checkins.test.ts', () => {
  /**
   * Check-ins through the pages people use, and the one content-free e-mail through a real SMTP
   * server on loopback. Time moves on by shifting the schedule (and its pending jobs) back, and by
   * running the job runner with a later `now`.
   */
  let t: TestApp;
  let smtp: TestSmtp;
  let deps: JobDeps;
  let instance: Instance;
  let caseworker: StaffUser;
  let lawyer: StaffUser;
  let bystander: StaffUser;
  let browsers: Record<'admin' | 'caseworker' | 'lawyer' | 'bystander', Browser>;
  const ADDRESSES = { caseworker: 'cw@caseworkers.test', admin: 'admin@coordinators.test' };

  before(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, SMTP_FROM: 'alerts@beside.test' });
    instance = await initialiseInstance(t.db);
    caseworker = await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'], displayName: 'Case Worker' });
    lawyer = await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] });
    bystander = await createStaff(t.db, { login: 'bystander', roles: ['coordinator', 'caseworker'] });
    browsers = {
      admin: await loggedIn(t, instance.admin),
      caseworker: await loggedIn(t, caseworker),
      lawyer: await loggedIn(t, lawyer),
      bystander: await loggedIn(t, bystander),
    };
    // The only addresses Beside keeps are the on-call ones (notify), set here for the caseworker too.
    await setAlertAddress(t.db, caseworker.id, ADDRESSES.caseworker);
    await setAlertAddress(t.db, instance.admin.id, ADDRESSES.admin);
    await setAlertAddress(t.db, bystander.id, 'bystander@coordinators.test');
    deps = { db: t.db, config: t.config, mailer: createMailer(t.config.smtp) };
  });

  after(async () => {
    deps?.mailer?.close();
    await t?.close();
    await smtp?.close();
  });

  const hours = (n: number, from = new Date()) => new Date(from.getTime() + n * 3600_000);

  /** A fresh case (the administrator coordinates it, the caseworker holds it), with its canaries. */
  async function newCase() {
    const canaries = { story: marker('story'), contact: marker('contact'), codeWord: marker('code') };
    // Not marked urgent: an urgent request would also send its on-call alert to the same inboxes.
    const submitted = await submitHelp(t, 'ru', { needs: ['evacuation'], danger: 'no', ...canaries });
    const made = await browsers.admin.staffPost(`/staff/requests/${submitted.requestId}/case`, { assignee: caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: lawyer.id, role: 'lawyer' })).status, 303);
    const [row] = await t.db.query<{ pseudonym: string }>('select pseudonym from cases where id = $1', [caseId]);
    return { caseId, pseudonym: row!.pseudonym, receipt: submitted.receipt, requestId: submitted.requestId, canaries };
  }

  /** As if `h` hours had passed since the schedule was last touched: the schedule and its pending jobs move back. */
  async function travel(caseId: string, h: number) {
    await t.db.query(
      `update case_checkins set last_checkin_at = last_checkin_at - $2::float8 * interval '1 hour', due_at = due_at - $2::float8 * interval '1 hour' where case_id = $1`,
      [caseId, h],
    );
    await t.db.query(`update jobs set run_at = run_at - $2::float8 * interval '1 hour' where kind = 'checkin.due' and status = 'pending' and payload->>'caseId' = $1`, [caseId, h]);
  }

  async function mailsTo(address: string) {
    return smtp.received.filter((mail) => mail.to.includes(address));
  }

  test('a missed check-in turns the case red, in words, and sends exactly one content-free e-mail to each of the team', async () => {
    const c = await newCase();
    const set = await browsers.caseworker.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '2' });
    assert.equal(set.status, 303);
    const page = await browsers.caseworker.get(`/staff/cases/${c.caseId}`);
    assertShows(page, 'Check in every 2 hours', 'the agreed interval');
    assertNotShows(page, 'data-checkin-overdue', 'not overdue yet');

    const before = smtp.received.length;
    await runDueJobs(deps, hours(1));
    assert.equal(smtp.received.length, before, 'nothing before the check-in is due');

    await travel(c.caseId, 3);
    for (const [who, path] of [
      ['caseworker', `/staff/cases/${c.caseId}`],
      ['caseworker', '/staff/my-work'],
      ['caseworker', '/staff/cases'],
      ['admin', '/staff/cases'],
    ] as const) {
      const shown = await browsers[who].get(path);
      assert.equal(shown.status, 200);
      assertShows(shown, 'Check-in overdue', `${who} on ${path}`);
      assertShows(shown, 'data-checkin-overdue', `${who} on ${path}`);
    }

    await runDueJobs(deps, new Date());
    await runDueJobs(deps, hours(1)); // a second pass, and a later one, send nothing again
    await runDueJobs(deps, hours(5));
    const toCaseworker = await mailsTo(ADDRESSES.caseworker);
    const toAdmin = await mailsTo(ADDRESSES.admin);
    assert.equal(toCaseworker.length, 1, 'one e-mail to the caseworker');
    assert.equal(toAdmin.length, 1, 'one e-mail to the coordinator on the case');
    assert.equal((await mailsTo('bystander@coordinators.test')).length, 0, 'none to a coordinator who is not on the case');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.checkin_missed' and subject_id = $1", [c.caseId]), 1);

    const decoded = await decode(toCaseworker[0]!);
    assert.equal(decoded.subject, 'A check-in on one of your cases is overdue');
    assert.ok(decoded.text.includes('http://beside.test/staff/my-work'), 'a link to My work');
    for (const needle of [...Object.values(c.canaries), c.caseId, c.caseId.slice(0, 8), c.pseudonym, c.requestId, c.receipt]) {
      assert.equal(await messageContains(toCaseworker[0]!, needle), false, `the e-mail holds no ${needle}`);
    }
    assert.equal(await messageContains(toCaseworker[0]!, 'overdue'), true, 'the scanner finds what is there');
  });

  test('a check-in recorded by a colleague moves the schedule on: no e-mail for the averted miss', async () => {
    const c = await newCase();
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '2' })).status, 303);
    await travel(c.caseId, 1.5);
    const recorded = await browsers.admin.staffPost(`/staff/cases/${c.caseId}/checkin`, {});
    assert.equal(recorded.status, 303);
    assertShows(await browsers.admin.get(recorded.location!), 'Check-in recorded.');
    const before = smtp.received.length;
    await runDueJobs(deps, hours(1)); // past the first due time, before the new one
    assert.equal(smtp.received.length, before, 'no e-mail after a check-in');
    assertNotShows(await browsers.caseworker.get(`/staff/cases/${c.caseId}`), 'data-checkin-overdue');
    // The re-scheduled check-in, missed in turn, is told once.
    await runDueJobs(deps, hours(2.1));
    assert.equal(smtp.received.length, before + 2);
  });

  test('a message from the person counts as a check-in', async () => {
    const c = await newCase();
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '2' })).status, 303);
    await travel(c.caseId, 3);
    assertShows(await browsers.caseworker.get(`/staff/cases/${c.caseId}`), 'data-checkin-overdue', 'overdue before the message');
    const wrote = await personPost(new Browser(t), 'ru', { action: 'write', receipt: c.receipt, body: marker('checkin') });
    assert.ok(wrote.status < 400);
    const page = await browsers.caseworker.get(`/staff/cases/${c.caseId}`);
    assertNotShows(page, 'data-checkin-overdue', 'the message is a check-in');
    assertShows(page, 'a message from the person');
    const before = smtp.received.length;
    await runDueJobs(deps, hours(1));
    assert.equal(smtp.received.length, before, 'no e-mail');
    const [row] = await t.db.query<{ last_checkin_by: string }>('select last_checkin_by from case_checkins where case_id = $1', [c.caseId]);
    assert.equal(row!.last_checkin_by, 'person', 'the job moved the schedule on from the message');
  });

  test('after a miss, a message from the person restarts the schedule, and the next miss is told again, once', async () => {
    const c = await newCase();
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '2' })).status, 303);
    await travel(c.caseId, 3);
    const start = smtp.received.length;
    await runDueJobs(deps, new Date());
    assert.equal(smtp.received.length, start + 2, 'the first miss is told');
    assert.ok((await personPost(new Browser(t), 'ru', { action: 'write', receipt: c.receipt, body: marker('late') })).status < 400);
    assertNotShows(await browsers.caseworker.get(`/staff/cases/${c.caseId}`), 'data-checkin-overdue', 'the message is a check-in');
    await runDueJobs(deps, hours(1.5));
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.checkin_missed' and subject_id = $1", [c.caseId]), 1, 'nothing while the new interval runs');
    // Other tests' cases fall due in these hours too: e-mails are counted against every miss told.
    const missed = () => countRows(t.db, 'audit_events', "kind = 'case.checkin_missed'");
    const [mails, misses] = [smtp.received.length, await missed()];
    await runDueJobs(deps, hours(2.2));
    await runDueJobs(deps, hours(3));
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.checkin_missed' and subject_id = $1", [c.caseId]), 2, 'the second miss is told once');
    assert.equal(smtp.received.length - mails, 2 * ((await missed()) - misses), 'one e-mail to each of the two, per miss');
  });

  test('the interval meets its noun through the plural rules', () => {
    const expected = {
      en: ['Check in every hour', 'Check in every 2 hours', 'Check in every 5 hours', 'Check in every 21 hours', 'Check in every 22 hours'],
      ru: ['Выходить на связь каждый 1 час', 'Выходить на связь каждые 2 часа', 'Выходить на связь каждые 5 часов', 'Выходить на связь каждый 21 час', 'Выходить на связь каждые 22 часа'],
      nl: ['Elk uur contact', 'Elke 2 uur contact', 'Elke 5 uur contact', 'Elke 21 uur contact', 'Elke 22 uur contact'],
    } as const;
    for (const lang of ['en', 'ru', 'nl'] as const) {
      const say = translator(lang);
      assert.deepEqual([1, 2, 5, 21, 22].map((n) => say('safety.checkin.every', { n })), expected[lang], lang);
    }
  });

  test('without access: a coordinator not on the case, a lawyer on it, a bad number, a stranger', async () => {
    const c = await newCase();
    assert.equal((await browsers.bystander.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '2' })).status, 404);
    assert.equal((await browsers.bystander.staffPost(`/staff/cases/${c.caseId}/checkin`, {})).status, 404);
    assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '2' })).status, 404);
    assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${c.caseId}/checkin`, {})).status, 404);
    assert.equal((await new Browser(t).post(`/staff/cases/${c.caseId}/checkins`, { hours: '2' })).status, 403);
    assert.equal(await countRows(t.db, 'case_checkins', 'case_id = $1', [c.caseId]), 0, 'nothing was set');
    for (const hoursValue of ['0.5', '721', 'soon', '-3']) {
      const bad = await browsers.caseworker.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: hoursValue });
      assert.equal(bad.status, 303, hoursValue);
      assertShows(await browsers.caseworker.get(bad.location!), 'Enter a whole number of hours', hoursValue);
    }
    assert.equal(await countRows(t.db, 'case_checkins', 'case_id = $1', [c.caseId]), 0, 'a bad number changes nothing');
    // A stop by the caseworker removes the schedule.
    await browsers.caseworker.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '4' });
    assert.equal(await countRows(t.db, 'case_checkins', 'case_id = $1', [c.caseId]), 1);
    await browsers.caseworker.staffPost(`/staff/cases/${c.caseId}/checkins`, { hours: '0' });
    assert.equal(await countRows(t.db, 'case_checkins', 'case_id = $1', [c.caseId]), 0);
  });
});
