import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, todayIn } from '../../src/i18n/days.ts';
import { nextReminderAt } from '../../src/cases/task-reminders.ts';
import { translator } from '../../src/i18n/index.ts';
import { createMailer } from '../../src/notify/mailer.ts';
import { runDueJobs, type JobDeps } from '../../src/notify/run-jobs.ts';
import { createStaff, initialiseInstance, loggedIn, marker, submitHelp, startTestApp, Browser, type Instance, type StaffUser, type TestApp } from '../support/app.ts';
import { decode, messageContains, startSmtp, type TestSmtp } from '../notify/smtp.ts';

describe('test/cases/task-reminders.test.ts', () => {
  /**
   * Optional daily e-mail reminders about tasks, through the real SMTP rig and the job runner:
   * one content-free e-mail with the count, never two a day, none when nothing is due, none
   * when not opted in.
   */
  let smtp: TestSmtp;
  let t: TestApp;
  let deps: JobDeps;
  let instance: Instance;
  let coordinator: Browser;
  let vera: StaffUser; // opts in, reads Russian
  let otto: StaffUser; // opts in and out again
  let browsers: { vera: Browser; otto: Browser };
  const ADDRESS = { vera: 'vera.reminders@team.test', otto: 'otto.reminders@team.test' };
  const TITLE = marker('task-title');

  before(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, SMTP_FROM: 'alerts@beside.test' });
    deps = { db: t.db, config: t.config, mailer: createMailer(t.config.smtp) };
    instance = await initialiseInstance(t.db);
    vera = await createStaff(t.db, { login: 'vera', roles: ['caseworker'], language: 'ru' });
    otto = await createStaff(t.db, { login: 'otto', roles: ['caseworker'] });
    coordinator = await loggedIn(t, instance.admin);
    browsers = { vera: await loggedIn(t, vera), otto: await loggedIn(t, otto) };
  });

  after(async () => {
    deps?.mailer?.close();
    await smtp?.close();
    await t?.close();
  });

  async function caseFor(user: StaffUser): Promise<string> {
    const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'x' });
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: user.id });
    return /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
  }

  async function addTask(by: Browser, caseId: string, assignee: StaffUser, due: string, title = TITLE): Promise<void> {
    const added = await by.staffPost(`/staff/cases/${caseId}/tasks`, { title, assignee: assignee.id, due, part: 'core' });
    assert.equal(added.status, 303);
    assert.match(added.location ?? '', /tracks=saved/, 'the task is saved');
  }

  async function runAt(at: Date): Promise<void> {
    await runDueJobs(deps, at);
  }

  const mailsTo = (address: string) => smtp.received.filter((mail) => mail.to.includes(address));
  const jobsOf = (userId: string) =>
    t.db.query<{ run_at: Date }>("select run_at from jobs where kind = 'task.reminder' and status = 'pending' and payload->>'userId' = $1 order by run_at", [userId]);

  test('the count, in each language, with plurals for 1, 2, 5, 21 and 22', () => {
    const ru = translator('ru');
    assert.deepEqual(
      [1, 2, 5, 21, 22].map((n) => ru('reminders.mail.subject', { n })),
      ['У вас 1 задача со сроком сегодня', 'У вас 2 задачи со сроком сегодня', 'У вас 5 задач со сроком сегодня', 'У вас 21 задача со сроком сегодня', 'У вас 22 задачи со сроком сегодня'],
    );
    assert.equal(translator('en')('reminders.mail.subject', { n: 1 }), 'You have 1 task due today');
    assert.equal(translator('en')('reminders.mail.subject', { n: 21 }), 'You have 21 tasks due today');
    assert.equal(translator('nl')('reminders.mail.subject', { n: 2 }), 'U heeft 2 taken voor vandaag');
    assert.match(translator('ru')('reminders.mail.body', { n: 5 }), /^У вас 5 задач /);
  });

  test('the reminder runs at 7:00 in Amsterdam, always after now', () => {
    const winter = nextReminderAt(new Date('2026-01-15T05:00:00Z'));
    assert.equal(winter.toISOString(), '2026-01-15T06:00:00.000Z', 'before 7:00 CET: today');
    assert.equal(nextReminderAt(winter).toISOString(), '2026-01-16T06:00:00.000Z', 'at 7:00: tomorrow');
    assert.equal(nextReminderAt(new Date('2026-07-15T12:00:00Z')).toISOString(), '2026-07-16T05:00:00.000Z', 'summer time: 7:00 CEST');
  });

  test('without a session or a CSRF token, nothing is set', async () => {
    const stranger = new Browser(t);
    const anonymous = await stranger.post('/staff/my-work/reminders', { on: 'yes', email: 'x@y.test' });
    assert.ok(!anonymous.location?.startsWith('/staff/my-work'), `an anonymous post is not accepted (${anonymous.status})`);
    const noToken = await browsers.otto.post('/staff/my-work/reminders', { on: 'yes', email: 'x@y.test' });
    assert.ok(!noToken.location?.startsWith('/staff/my-work'), `no CSRF token: refused (${noToken.status})`);
    assert.equal((await t.db.query('select 1 from task_reminders where chain is not null')).length, 0);
  });

  test('a bad address changes nothing and says so', async () => {
    const bad = await browsers.otto.staffPost('/staff/my-work/reminders', { on: 'yes', email: 'not an address' });
    assert.equal(bad.location, '/staff/my-work?reminders=invalid#reminders');
    assert.equal((await t.db.query('select 1 from task_reminders where chain is not null')).length, 0);
    const page = await browsers.otto.get(bad.location);
    assert.match(page.html, /aria-invalid="true"/);
    assert.ok(page.html.includes('Enter a valid e-mail address'));
  });

  test('one content-free e-mail with the count, never twice a day, none when nothing is due or not opted in', async () => {
    const on = await browsers.vera.staffPost('/staff/my-work/reminders', { on: 'yes', email: ADDRESS.vera });
    assert.equal(on.location, '/staff/my-work?reminders=saved#reminders');
    const page = await browsers.vera.get('/staff/my-work');
    assert.match(page.html, /data-reminders="on"/);
    assert.ok(page.html.includes(ADDRESS.vera), 'My work shows the address reminders go to');

    // Otto opts in and out again: his job still exists, and must send nothing.
    await browsers.otto.staffPost('/staff/my-work/reminders', { on: 'yes', email: ADDRESS.otto });
    const off = await browsers.otto.staffPost('/staff/my-work/reminders', {});
    assert.equal(off.location, '/staff/my-work?reminders=saved#reminders');
    assert.match((await browsers.otto.get('/staff/my-work')).html, /data-reminders="off"/);

    const [job] = await jobsOf(vera.id);
    assert.ok(job, 'a daily job waits for Vera');
    const first = job.run_at;
    const day = todayIn(first);
    const veraCase = await caseFor(vera);
    await addTask(browsers.vera, veraCase, vera, day);
    await addTask(browsers.vera, veraCase, vera, addDays(day, -3));
    await addTask(browsers.vera, veraCase, vera, addDays(day, 1), 'tomorrow');
    const ottoCase = await caseFor(otto);
    await addTask(browsers.otto, ottoCase, otto, addDays(day, -1));

    await runAt(new Date(first.getTime() - 60_000));
    assert.equal(mailsTo(ADDRESS.vera).length, 0, 'nothing before 7:00');
    await runAt(first);
    assert.equal(mailsTo(ADDRESS.vera).length, 1, 'one reminder');
    const mail = await decode(mailsTo(ADDRESS.vera)[0]!);
    assert.equal(mail.subject, 'У вас 2 задачи со сроком сегодня', 'the count, in Vera\'s language');
    assert.ok(mail.text.includes('/staff/my-work'));
    // The canary: the title is really in the database's task, readable on My work.
    assert.ok((await browsers.vera.get('/staff/my-work')).html.includes(TITLE), 'the planted title is on My work');
    assert.equal(await messageContains(mailsTo(ADDRESS.vera)[0]!, TITLE), false, 'no task title in the e-mail');
    const [pseudonym] = await t.db.query<{ pseudonym: string }>('select pseudonym from cases where id = $1', [veraCase]);
    assert.equal(await messageContains(mailsTo(ADDRESS.vera)[0]!, pseudonym!.pseudonym), false, 'no case name either');
    assert.equal(mailsTo(ADDRESS.otto).length, 0, 'Otto turned reminders off: none');

    // The same day again, and reminders turned off and on (a new chain of jobs): no second e-mail.
    await browsers.vera.staffPost('/staff/my-work/reminders', {});
    await browsers.vera.staffPost('/staff/my-work/reminders', { on: 'yes', email: ADDRESS.vera });
    await runAt(new Date(first.getTime() + 2 * 3600_000));
    await runAt(new Date(first.getTime() + 12 * 3600_000));
    assert.equal(mailsTo(ADDRESS.vera).length, 1, 'never twice a day');
    const current = await t.db.query<{ run_at: Date }>(
      "select j.run_at from jobs j join task_reminders r on r.user_id::text = j.payload->>'userId' and r.chain::text = j.payload->>'chain' where j.kind = 'task.reminder' and j.status = 'pending' and r.user_id = $1",
      [vera.id],
    );
    assert.deepEqual(current.map((row) => row.run_at.getTime()), [first.getTime() + 24 * 3600_000], 'one current job waits, for tomorrow (the old chain\'s job ends when it runs)');

    // The next morning: three are due now (tomorrow's task too).
    const second = new Date(first.getTime() + 24 * 3600_000);
    await runAt(second);
    assert.equal(mailsTo(ADDRESS.vera).length, 2);
    assert.equal((await decode(mailsTo(ADDRESS.vera)[1]!)).subject, 'У вас 3 задачи со сроком сегодня');

    // Everything done: the morning after, nothing is due and nothing is sent.
    const tasks = await t.db.query<{ id: string }>('select id from case_tasks where assignee_id = $1', [vera.id]);
    for (const task of tasks) assert.equal((await browsers.vera.staffPost(`/staff/cases/${veraCase}/tasks/done`, { task: task.id, done: 'yes' })).status, 303);
    await runAt(new Date(second.getTime() + 24 * 3600_000));
    assert.equal(mailsTo(ADDRESS.vera).length, 2, 'none when nothing is due');
    assert.equal(mailsTo(ADDRESS.otto).length, 0);
    assert.ok((await jobsOf(vera.id)).length >= 1, 'the chain goes on while reminders are on');
    assert.equal((await jobsOf(otto.id)).length, 0, "Otto's chain has ended");

    const audit = await t.db.query<{ n: number }>("select count(*)::int as n from audit_events where kind = 'case.mail_sent' and detail like '%task_reminder%'");
    assert.equal(audit[0]!.n, 2, 'each e-mail is in the audit log');
  });

  test('a send the mail server refuses gives the day back: tried again, and still only once', async () => {
    const wim = await createStaff(t.db, { login: 'wim', roles: ['caseworker'], language: 'nl' });
    const browser = await loggedIn(t, wim);
    const address = 'wim.reminders@team.test';
    await browser.staffPost('/staff/my-work/reminders', { on: 'yes', email: address });
    const [job] = await jobsOf(wim.id);
    const at = job!.run_at;
    await addTask(browser, await caseFor(wim), wim, todayIn(at));
    smtp.refuse = true;
    try {
      await runAt(at);
    } finally {
      smtp.refuse = false;
    }
    assert.equal(mailsTo(address).length, 0, 'refused');
    const [state] = await t.db.query<{ last_sent_on: string | null }>('select last_sent_on::text as last_sent_on from task_reminders where user_id = $1', [wim.id]);
    assert.equal(state!.last_sent_on, null, 'the day was given back');
    assert.equal((await t.db.query("select 1 from jobs where kind = 'task.reminder' and last_error = 'smtp_refused'")).length, 1, 'the job waits to be tried again');
    await runAt(new Date(at.getTime() + 2 * 60_000));
    assert.equal(mailsTo(address).length, 1, 'sent on the next attempt');
    assert.equal((await decode(mailsTo(address)[0]!)).subject, 'U heeft 1 taak voor vandaag');
    await runAt(new Date(at.getTime() + 3 * 3600_000));
    assert.equal(mailsTo(address).length, 1, 'and only once that day');
  });
});
