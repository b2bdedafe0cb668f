import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countRows, loggedIn, submitHelp } from '../support/app.ts';
import { createMailer } from '../../src/notify/mailer.ts';
import { runDueJobs } from '../../src/notify/run-jobs.ts';
import { ADDRESSES, alertOf, minutesLater, onCallRig } from './fixture.ts';

describe('test/notify/runner-concurrency.test.ts', () => {
  /**
   * Several Beside processes share one PostgreSQL server and each runs the job loop: a job is
   * taken by one of them only (`for update skip locked` and a lease). The embedded database has
   * one connection and runs one transaction at a time, so only a server can show a race.
   */
  const server = process.env.TEST_DATABASE_URL;

  test('runners polling at once send each alert once', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const rig = await onCallRig();
    // Each "process" has its own SMTP pool, as separate processes would.
    const mailers = Array.from({ length: 4 }, () => createMailer(rig.t.config.smtp));
    try {
      const requests = [];
      for (let i = 0; i < 6; i += 1) requests.push(await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes', story: `urgent ${i}` }));
      const start = new Date();
      await Promise.all(mailers.flatMap((mailer) => [runDueJobs({ ...rig.deps, mailer }, start), runDueJobs({ ...rig.deps, mailer }, start)]));
      assert.equal(rig.smtp.received.length, requests.length, 'one e-mail per urgent request');
      assert.ok(rig.smtp.received.every((mail) => mail.to[0] === ADDRESSES.onCall));
      assert.equal(await countRows(rig.t.db, 'alert_recipients'), requests.length);

      // Escalation, again with every runner at once: one more e-mail per alert, to the next colleague.
      const later = minutesLater(31, start);
      await Promise.all(mailers.flatMap((mailer) => [runDueJobs({ ...rig.deps, mailer }, later), runDueJobs({ ...rig.deps, mailer }, later)]));
      assert.equal(rig.smtp.received.length, requests.length * 2);
      assert.equal(rig.smtp.received.filter((mail) => mail.to[0] === ADDRESSES.backup).length, requests.length);
      assert.equal(await countRows(rig.t.db, 'jobs', "status <> 'done' and kind = 'alert.mail'"), 0);
    } finally {
      for (const mailer of mailers) mailer?.close();
      await rig.close();
    }
  });

  test('“I’m on it” racing an escalation round: either the round sees it, or it ran first; never a lost or doubled step', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const rig = await onCallRig();
    try {
      const { requestId } = await submitHelp(rig.t, 'ru', { needs: ['evacuation'], danger: 'yes' });
      const start = new Date();
      await runDueJobs(rig.deps, start);
      const alertId = (await alertOf(rig.t, requestId))!;
      const alina = await loggedIn(rig.t, rig.onCall);
      const later = minutesLater(31, start);
      const [tap] = await Promise.all([alina.staffPost(`/staff/alerts/${alertId}/acknowledge`), runDueJobs(rig.deps, later), runDueJobs(rig.deps, later)]);
      assert.equal(tap.status, 303);
      const sent = rig.smtp.received.length;
      assert.ok(sent === 1 || sent === 2, `one e-mail, or one escalation that ran before the tap (${sent})`);
      await runDueJobs(rig.deps, minutesLater(120, start));
      assert.equal(rig.smtp.received.length, sent, 'nothing after the acknowledgement');
      assert.equal(await countRows(rig.t.db, 'urgent_alerts', 'id = $1 and acknowledged_by = $2', [alertId, rig.onCall.id]), 1);
    } finally {
      await rig.close();
    }
  });
});
