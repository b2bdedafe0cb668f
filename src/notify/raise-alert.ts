import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { enqueueJob } from './jobs.ts';

/**
 * Raises the alert for a request whose person is in danger right now. Called inside the
 * transaction that stores the request (an outbox): the alert exists if and only if the request
 * does, and the job runner sends the e-mails after the commit, so a slow or absent SMTP server
 * never holds up, or loses, a person's request.
 */
export async function raiseUrgentAlert(tx: Queryable, requestId: string, now = new Date()): Promise<string> {
  const id = randomUUID();
  await tx.query('insert into urgent_alerts (id, request_id, created_at) values ($1, $2, $3)', [id, requestId, now]);
  await enqueueJob(tx, 'alert.notify', { alertId: id }, now);
  await appendAudit(tx, null, { kind: 'alert.raised', alertId: id, requestId });
  return id;
}
