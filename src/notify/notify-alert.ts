import { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { enqueueJob } from './jobs.ts';
import { alertCandidates } from './rota.ts';

export const alertPayload = z.object({ alertId: z.uuid() });

/**
 * Who is alerted in the next round. The first round goes to whoever is on call now, or, with
 * nobody on call, to every coordinator who can be reached; each later round (nobody said "I'm
 * on it" in time) to one colleague not alerted yet: the next on the rota, else any other
 * confirmed coordinator with an address. Empty when nobody is left.
 */
export function pickRecipients(round: number, ordered: readonly string[], onCallNow: ReadonlySet<string>, alerted: ReadonlySet<string>): string[] {
  const fresh = ordered.filter((id) => !alerted.has(id));
  if (round > 0) return fresh.slice(0, 1);
  const onCall = fresh.filter((id) => onCallNow.has(id));
  return onCall.length > 0 ? onCall : fresh;
}

/**
 * One round of an alert, as a job: unless someone acknowledged it, alerts the next people (one
 * e-mail job each, and an audit entry each) and schedules the next round after the escalation
 * time. The alert's row is locked first, so a round and an "I'm on it" never cross.
 */
export async function notifyAlert(tx: Tx, payload: unknown, now: Date, escalateMinutes: number): Promise<void> {
  const { alertId } = alertPayload.parse(payload);
  const [alert] = await tx.query<{ step: number; acknowledged_at: Date | null; exhausted: boolean }>(
    'select step, acknowledged_at, exhausted from urgent_alerts where id = $1 for update',
    [alertId],
  );
  if (!alert || alert.acknowledged_at || alert.exhausted) return;
  const alerted = new Set((await tx.query<{ user_id: string }>('select user_id from alert_recipients where alert_id = $1', [alertId])).map((row) => row.user_id));
  const { ordered, onCallNow } = await alertCandidates(tx, now);
  const recipients = pickRecipients(alert.step, ordered.map((candidate) => candidate.userId), onCallNow, alerted);
  const step = alert.step + 1;
  if (recipients.length === 0) {
    await tx.query('update urgent_alerts set exhausted = true where id = $1', [alertId]);
    await appendAudit(tx, null, { kind: 'alert.exhausted', alertId, step });
    return;
  }
  for (const userId of recipients) {
    await tx.query('insert into alert_recipients (alert_id, user_id, step, created_at) values ($1, $2, $3, $4)', [alertId, userId, step, now]);
    await enqueueJob(tx, 'alert.mail', { alertId, userId }, now);
    await appendAudit(tx, null, { kind: 'alert.notified', alertId, userId, step });
  }
  await tx.query('update urgent_alerts set step = $2 where id = $1', [alertId, step]);
  await enqueueJob(tx, 'alert.notify', { alertId }, new Date(now.getTime() + escalateMinutes * 60_000));
}
