import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countRows, loggedIn, submitHelp } from '../support/app.ts';
import { runDueJobs } from '../../src/notify/run-jobs.ts';
import { ADDRESSES, alertOf, minutesLater, onCallRig } from './fixture.ts';

describe('test/notify/claim-acknowledges.test.ts', () => {
  /**
   * "I'm on it" said on the request itself (a claim in the inbox) acknowledges the request's
   * urgent alert: no colleague is woken for a person someone already answers. Through the pages,
   * the job runner with a clock, and a real SMTP server on loopback.
   */
  test('a claimed urgent request sends no escalation e-mail; an unclaimed one beside it still escalates', async () => {
    const rig = await onCallRig();
    try {
      const claimed = await submitHelp(rig.t, 'ru', { needs: ['evacuation'], danger: 'yes' });
      const unclaimed = await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      const start = new Date();
      await runDueJobs(rig.deps, start);
      assert.deepEqual(rig.smtp.received.map((mail) => mail.to), [[ADDRESSES.onCall], [ADDRESSES.onCall]], 'the person on call is alerted for both');

      const alina = await loggedIn(rig.t, rig.onCall);
      const claim = await alina.staffPost(`/staff/requests/${claimed.requestId}/claim`);
      assert.equal(claim.status, 303);
      assert.equal(claim.location, `/staff/requests/${claimed.requestId}?done=claimed`);

      await runDueJobs(rig.deps, minutesLater(rig.t.config.alertEscalateMinutes + 1, start));
      await runDueJobs(rig.deps, minutesLater(4 * rig.t.config.alertEscalateMinutes, start));
      assert.deepEqual(
        rig.smtp.received.map((mail) => mail.to),
        [[ADDRESSES.onCall], [ADDRESSES.onCall], [ADDRESSES.backup]],
        'one escalation e-mail: for the request nobody claimed',
      );
      const escalated = await rig.t.db.query<{ request_id: string }>(
        'select a.request_id from alert_recipients r join urgent_alerts a on a.id = r.alert_id where r.step > 1',
      );
      assert.deepEqual(escalated.map((row) => row.request_id), [unclaimed.requestId], 'the claimed request’s alert never reached a second round');

      const alertId = (await alertOf(rig.t, claimed.requestId))!;
      const [row] = await rig.t.db.query<{ acknowledged_by: string | null }>('select acknowledged_by from urgent_alerts where id = $1', [alertId]);
      assert.equal(row!.acknowledged_by, rig.onCall.id, 'acknowledged by whoever claimed it');
      const acks = await rig.t.db.query<{ detail: string }>("select detail from audit_events where kind = 'alert.acknowledged'");
      assert.deepEqual(acks.map((ack) => JSON.parse(ack.detail)), [{ alertId, userId: rig.onCall.id }], 'audited once');
      assert.ok((await rig.admin.get('/staff/on-call')).html.includes('Taken by Alina'), 'the on-call page says who took it');
    } finally {
      await rig.close();
    }
  });

  test('a claim, the on-call button and an alert round at the same moment: one acknowledgement, no error, no escalation', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, async () => {
    const rig = await onCallRig();
    try {
      const { requestId } = await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      const start = new Date();
      await runDueJobs(rig.deps, start);
      const alertId = (await alertOf(rig.t, requestId))!;
      const alina = await loggedIn(rig.t, rig.onCall);
      const boris = await loggedIn(rig.t, rig.backup);
      const [claim, ack] = await Promise.all([
        boris.staffPost(`/staff/requests/${requestId}/claim`),
        alina.staffPost(`/staff/alerts/${alertId}/acknowledge`),
        runDueJobs(rig.deps, minutesLater(rig.t.config.alertEscalateMinutes + 1, start)),
      ]);
      assert.deepEqual([claim.status, ack.status], [303, 303]);
      assert.equal(await countRows(rig.t.db, 'audit_events', "kind = 'alert.acknowledged'"), 1, 'acknowledged once');
      // The round may have gone out just before the claim; after both, nothing more does.
      const sent = rig.smtp.received.length;
      await runDueJobs(rig.deps, minutesLater(5 * rig.t.config.alertEscalateMinutes, start));
      assert.equal(rig.smtp.received.length, sent, 'nothing after the acknowledgement');
    } finally {
      await rig.close();
    }
  });

  test('a second tap, or a claim after the on-call button, leaves the first acknowledgement as it was', async () => {
    const rig = await onCallRig();
    try {
      const { requestId } = await submitHelp(rig.t, 'en', { needs: ['evacuation'], danger: 'yes' });
      await runDueJobs(rig.deps, new Date());
      const alertId = (await alertOf(rig.t, requestId))!;
      const boris = await loggedIn(rig.t, rig.backup);
      assert.equal((await rig.admin.staffPost(`/staff/alerts/${alertId}/acknowledge`)).status, 303);
      assert.equal((await boris.staffPost(`/staff/requests/${requestId}/claim`)).status, 303);
      assert.equal((await boris.staffPost(`/staff/requests/${requestId}/claim`)).status, 303);
      const [row] = await rig.t.db.query<{ acknowledged_by: string | null }>('select acknowledged_by from urgent_alerts where id = $1', [alertId]);
      assert.notEqual(row!.acknowledged_by, rig.backup.id, 'the administrator took it first');
      assert.equal(await countRows(rig.t.db, 'audit_events', "kind = 'alert.acknowledged'"), 1);
      assert.equal(await countRows(rig.t.db, 'audit_events', "kind = 'request.claimed'"), 1);
    } finally {
      await rig.close();
    }
  });
});
