import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countRows, loggedIn, marker, submitHelp } from '../support/app.ts';
import { runDueJobs, startJobRunner } from '../../src/notify/run-jobs.ts';
import { pruneFinishedJobs } from '../../src/notify/jobs.ts';
import { ADDRESSES, alertOf, minutesLater, onCallRig } from './fixture.ts';
import { decode, messageContains } from './smtp.ts';

describe('test/notify/urgent-alerts.test.ts', () => {
  test('an urgent request sends exactly one e-mail, to the person on call, holding nothing of the request', async () => {
    const rig = await onCallRig();
    try {
      const canaries = { story: marker('story'), city: marker('city'), contact: marker('contact'), codeWord: marker('code'), otherNeed: marker('need') };
      const submitted = await submitHelp(rig.t, 'ru', { needs: ['evacuation', 'other'], danger: 'yes', country: 'GE', ...canaries });
      const alertId = await alertOf(rig.t, submitted.requestId);
      assert.ok(alertId, 'the alert was written with the request');
      assert.equal(rig.smtp.received.length, 0, 'nothing is sent inside the person’s request');

      await runDueJobs(rig.deps, new Date());
      await runDueJobs(rig.deps, minutesLater(1)); // a second pass sends nothing again
      assert.equal(rig.smtp.received.length, 1);
      const [mail] = rig.smtp.received;
      assert.deepEqual(mail!.to, [ADDRESSES.onCall]);
      assert.equal(mail!.from, 'alerts@beside.test');
      const decoded = await decode(mail!);
      assert.equal(decoded.subject, 'Ждёт срочная заявка', 'in the language of the person on call');
      assert.ok(decoded.text.includes('http://beside.test/staff/on-call'), 'a link to the page with “I’m on it”');

      const planted = [
        ...Object.values(canaries),
        submitted.requestId,
        submitted.requestId.slice(0, 8),
        alertId,
        submitted.receipt,
        submitted.receipt.replace(/[^A-Za-z0-9]/g, ''),
        'Georgia',
        'Грузия',
        'Georgië',
        'evacuation',
        'эвакуац',
      ];
      for (const needle of planted) assert.equal(await messageContains(mail!, needle), false, `the e-mail holds no ${needle}`);

      // The scanner finds what is there, decoded: a canary sent the same way, in Cyrillic (so its
      // body is encoded on the wire), is found in the text and the subject.
      const canary = `Канарейка-${marker('canary')}`;
      await rig.deps.mailer!.send({ to: ADDRESSES.backup, subject: canary, text: `Текст ${canary}` });
      const sent = rig.smtp.received.at(-1)!;
      assert.equal(await messageContains(sent, canary), true, 'the scanner would find a planted canary');
      assert.equal(sent.raw.includes(canary), false, 'the canary is encoded in the raw bytes, so decoding is what found it');
    } finally {
      await rig.close();
    }
  });

  test('a request that is not urgent raises no alert and sends nothing', async () => {
    const rig = await onCallRig();
    try {
      await submitHelp(rig.t, 'en', { needs: ['clothing'], danger: 'no', story: marker('calm') });
      await submitHelp(rig.t, 'nl', { needs: ['legal'] });
      await runDueJobs(rig.deps, minutesLater(120));
      assert.equal(await countRows(rig.t.db, 'urgent_alerts'), 0);
      assert.equal(rig.smtp.received.length, 0);
    } finally {
      await rig.close();
    }
  });

  test('without “I’m on it” the alert escalates after the set time, one colleague at a time, each step audited', async () => {
    const rig = await onCallRig();
    try {
      const { requestId } = await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      const start = new Date();
      await runDueJobs(rig.deps, start);
      assert.deepEqual(rig.smtp.received.map((mail) => mail.to), [[ADDRESSES.onCall]]);

      await runDueJobs(rig.deps, minutesLater(29, start));
      assert.equal(rig.smtp.received.length, 1, 'no escalation before the set time');

      await runDueJobs(rig.deps, minutesLater(31, start));
      assert.deepEqual(rig.smtp.received.map((mail) => mail.to), [[ADDRESSES.onCall], [ADDRESSES.backup]], 'the next coordinator, once');
      assert.equal((await decode(rig.smtp.received[1]!)).subject, 'An urgent request is waiting', 'in Boris’s language');

      // The administrator is a confirmed coordinator without an address: nobody is left to alert.
      await runDueJobs(rig.deps, minutesLater(62, start));
      assert.equal(rig.smtp.received.length, 2);
      const alertId = (await alertOf(rig.t, requestId))!;
      const kinds = await rig.t.db.query<{ kind: string; subject_id: string | null }>(
        "select kind, subject_id from audit_events where kind like 'alert.%' order by seq",
      );
      assert.deepEqual(
        kinds.map((row) => row.kind),
        ['alert.raised', 'alert.notified', 'alert.mail_sent', 'alert.notified', 'alert.mail_sent', 'alert.exhausted'],
      );
      const details = await rig.t.db.query<{ detail: string }>("select detail from audit_events where kind = 'alert.notified' order by seq");
      assert.deepEqual(
        details.map((row) => JSON.parse(row.detail)),
        [
          { alertId, userId: rig.onCall.id, step: 1 },
          { alertId, userId: rig.backup.id, step: 2 },
        ],
      );
      const page = await rig.admin.get('/staff/on-call');
      assert.ok(page.html.includes('Every coordinator with an address has been alerted.'));
    } finally {
      await rig.close();
    }
  });

  test('“I’m on it” stops the escalation; a double tap is harmless', async () => {
    const rig = await onCallRig();
    try {
      const { requestId } = await submitHelp(rig.t, 'ru', { needs: ['evacuation'], danger: 'yes' });
      const start = new Date();
      await runDueJobs(rig.deps, start);
      const alertId = (await alertOf(rig.t, requestId))!;
      const alina = await loggedIn(rig.t, rig.onCall);
      const inbox = await alina.get('/staff');
      assert.match(inbox.html, /data-waiting-alerts="1"/, 'the inbox says an urgent request waits for someone');
      assert.ok(inbox.html.includes('href="/staff/on-call"'), 'and leads to the button');
      const page = await alina.get('/staff/on-call');
      assert.ok(page.html.includes(`/staff/alerts/${alertId}/acknowledge`), 'the button is on the page the e-mail links to');
      const taps = await Promise.all([alina.staffPost(`/staff/alerts/${alertId}/acknowledge`), alina.staffPost(`/staff/alerts/${alertId}/acknowledge`)]);
      assert.deepEqual(taps.map((tap) => tap.status), [303, 303]);
      const again = await rig.admin.staffPost(`/staff/alerts/${alertId}/acknowledge`);
      assert.equal(again.status, 303, 'a colleague a moment later is not shown an error');

      await runDueJobs(rig.deps, minutesLater(31, start));
      await runDueJobs(rig.deps, minutesLater(300, start));
      assert.equal(rig.smtp.received.length, 1, 'nobody else is alerted');
      assert.equal(await countRows(rig.t.db, 'audit_events', "kind = 'alert.acknowledged'"), 1);
      const [row] = await rig.t.db.query<{ acknowledged_by: string }>('select acknowledged_by from urgent_alerts where id = $1', [alertId]);
      assert.equal(row!.acknowledged_by, rig.onCall.id, 'the first tap counts');
      assert.doesNotMatch((await alina.get('/staff')).html, /data-waiting-alerts/, 'once taken, the inbox no longer asks');
      const after = await alina.get('/staff/on-call?done=acked');
      assert.ok(after.html.includes('Взял(а): Alina'));
    } finally {
      await rig.close();
    }
  });

  test('with nobody on call, every confirmed coordinator with an address is alerted', async () => {
    const rig = await onCallRig({ shift: false });
    try {
      await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      await runDueJobs(rig.deps, new Date());
      assert.deepEqual(rig.smtp.received.map((mail) => mail.to[0]).sort(), [ADDRESSES.onCall, ADDRESSES.backup].sort());
    } finally {
      await rig.close();
    }
  });

  test('a failed send is retried with backoff and shown on the on-call page', async () => {
    const rig = await onCallRig();
    try {
      rig.smtp.refuse = true;
      await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      const start = new Date();
      await runDueJobs(rig.deps, start);
      assert.equal(rig.smtp.received.length, 0);
      const failing = await rig.admin.get('/staff/on-call');
      assert.ok(failing.html.includes('E-mails that could not be sent'));
      assert.ok(failing.html.includes('the SMTP server refused the message or the address'));
      assert.ok(/data-failing[^]*Alina/.test(failing.html), 'names the colleague, not the address');

      rig.smtp.refuse = false;
      await runDueJobs(rig.deps, minutesLater(0.5, start));
      assert.equal(rig.smtp.received.length, 0, 'not before the backoff');
      await runDueJobs(rig.deps, minutesLater(1.1, start));
      assert.deepEqual(rig.smtp.received.map((mail) => mail.to), [[ADDRESSES.onCall]]);
      const fixed = await rig.admin.get('/staff/on-call');
      assert.ok(!fixed.html.includes('E-mails that could not be sent'), 'a delivered e-mail leaves the list');
    } finally {
      await rig.close();
    }
  });

  test('a send that keeps failing is given up, audited and shown as given up', async () => {
    const rig = await onCallRig();
    try {
      rig.smtp.refuse = true;
      // Escalation a day later, so that only the one e-mail job runs in these two hours.
      const deps = { ...rig.deps, config: { ...rig.deps.config, alertEscalateMinutes: 24 * 60 } };
      await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      const start = new Date();
      for (let minute = 0; minute <= 29; minute += 1) await runDueJobs(deps, minutesLater(minute, start));
      const retrying = await rig.t.db.query<{ status: string; attempts: number }>("select status, attempts from jobs where kind = 'alert.mail'");
      assert.deepEqual(retrying, [{ status: 'pending', attempts: 5 }], 'tried at 0, 1, 3, 7 and 15 minutes (backoff 1, 2, 4, 8…)');
      for (let minute = 30; minute <= 130; minute += 1) await runDueJobs(deps, minutesLater(minute, start));
      const given = await rig.t.db.query<{ status: string; attempts: number; last_error: string }>("select status, attempts, last_error from jobs where kind = 'alert.mail'");
      assert.deepEqual(given, [{ status: 'failed', attempts: 8, last_error: 'smtp_refused' }]);
      assert.equal(await countRows(rig.t.db, 'audit_events', "kind = 'alert.mail_failed'"), 1);
      assert.equal(rig.smtp.received.length, 0);
      const page = await rig.admin.get('/staff/on-call');
      assert.ok(/data-failing[^]*given up/.test(page.html));
    } finally {
      await rig.close();
    }
  });

  test('the process’s loop sends on its own and stops cleanly; finished jobs are pruned after a month', async () => {
    const rig = await onCallRig();
    try {
      const runner = startJobRunner({ db: rig.t.db, config: rig.t.config }, 50);
      await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      for (let waited = 0; rig.smtp.received.length === 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      await runner.stop();
      assert.deepEqual(rig.smtp.received.map((mail) => mail.to), [[ADDRESSES.onCall]]);

      const done = "status = 'done'";
      assert.equal(await countRows(rig.t.db, 'jobs', done), 2, 'the round and its e-mail');
      await pruneFinishedJobs(rig.t.db, minutesLater(29 * 24 * 60));
      assert.equal(await countRows(rig.t.db, 'jobs', done), 2, 'kept for a month');
      await pruneFinishedJobs(rig.t.db, minutesLater(31 * 24 * 60));
      assert.equal(await countRows(rig.t.db, 'jobs', done), 0);
      assert.equal(await countRows(rig.t.db, 'jobs', "status = 'pending' and kind = 'alert.notify'"), 1, 'the escalation still waits');
    } finally {
      await rig.close();
    }
  });
});
