import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import { enqueueJob } from '../notify/jobs.ts';
import { onJob } from '../notify/job-handlers.ts';
import { eraseCaseRecords, eraseLoneRequest } from './erase-case.ts';

/**
 * Retention follows the case, not the calendar (issue 7): nothing is erased while a case is open
 * or within QUIET_DAYS of the person's last message; a request that never became a case is
 * erased ABANDONED_DAYS after its last activity; a closed case RETENTION_CLOSED_MONTHS after it
 * was closed. A daily job of the notify runner does it, each erasure in its own short transaction.
 */
export const QUIET_DAYS = 90;
export const ABANDONED_DAYS = 60;
/** Erasures per run; when there are more, the next run comes a minute later. */
const BATCH = 50;
const DAY_MS = 24 * 3600_000;

const PERSON_SPOKE_LATELY = (requestIds: string) =>
  `exists (select 1 from messages m where m.request_id in (${requestIds}) and m.author = 'person' and m.created_at > $1::timestamptz - interval '${QUIET_DAYS} days')`;

/** Closed cases due for erasure at `now` (or whether the one named is). */
async function closedCasesDue(db: Queryable, now: Date, months: number, onlyId: string | null): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select c.id from cases c
     where c.status = 'closed' and c.closed_at <= $1::timestamptz - $2::int * interval '1 month'
       and not ${PERSON_SPOKE_LATELY('select h.id from help_requests h where h.case_id = c.id')}
       and ($3::uuid is null or c.id = $3::uuid)
     order by c.closed_at limit ${BATCH}`,
    [now, months, onlyId],
  );
  return rows.map((row) => row.id);
}

/** Requests that never became a case and have been quiet for ABANDONED_DAYS at `now`. */
async function abandonedRequestsDue(db: Queryable, now: Date, onlyId: string | null): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select h.id from help_requests h
     where h.case_id is null and h.status <> 'erased' and h.updated_at <= $1::timestamptz - interval '${ABANDONED_DAYS} days'
       and not exists (select 1 from messages m where m.request_id = h.id and m.created_at > $1::timestamptz - interval '${ABANDONED_DAYS} days')
       and not ${PERSON_SPOKE_LATELY('h.id')}
       and ($2::uuid is null or h.id = $2::uuid)
     order by h.updated_at limit ${BATCH}`,
    [now, onlyId],
  );
  return rows.map((row) => row.id);
}

export type Swept = { cases: number; requests: number; more: boolean };

/** One retention run at `now`. Each candidate is checked again inside its own transaction. */
export async function sweepRetention(db: Db, now: Date, closedMonths: number): Promise<Swept> {
  const swept: Swept = { cases: 0, requests: 0, more: false };
  const cases = await closedCasesDue(db, now, closedMonths, null);
  for (const id of cases) {
    const erased = await db.transaction(async (tx) => (await closedCasesDue(tx, now, closedMonths, id)).length === 1 && eraseCaseRecords(tx, null, id, 'retention'));
    if (erased) swept.cases++;
  }
  const requests = await abandonedRequestsDue(db, now, null);
  for (const id of requests) {
    const erased = await db.transaction(async (tx) => (await abandonedRequestsDue(tx, now, id)).length === 1 && eraseLoneRequest(tx, id, 'retention'));
    if (erased) swept.requests++;
  }
  swept.more = cases.length === BATCH || requests.length === BATCH;
  return swept;
}

const payloadSchema = z.object({ sweep: z.uuid() });

/** Plans the next run unless another one is planned already (two processes started at once). */
async function planNext(tx: Queryable, runAt: Date, except: string | null): Promise<void> {
  const [other] = await tx.query(
    "select 1 from jobs where kind = 'retention.sweep' and status = 'pending' and ($1::text is null or payload->>'sweep' <> $1::text) limit 1",
    [except],
  );
  if (!other) await enqueueJob(tx, 'retention.sweep', { sweep: randomUUID() }, runAt);
}

/** Called at start (src/main.ts): makes sure a retention run is planned. */
export async function scheduleRetention(db: Db, now: Date = new Date()): Promise<void> {
  await db.transaction((tx) => planNext(tx, now, null));
}

onJob('retention.sweep', {
  // Runs outside the runner's transaction: each erasure commits on its own.
  run: 'send',
  async handle(deps, payload, now) {
    const { sweep } = payloadSchema.parse(payload);
    const swept = await sweepRetention(deps.db, now, deps.config.retentionClosedMonths);
    await deps.db.transaction((tx) => planNext(tx, new Date(now.getTime() + (swept.more ? 60_000 : DAY_MS)), sweep));
    return null;
  },
});

/** When a closed case will be erased, if nobody writes before: for the case page. */
export function erasureDueOn(closedAt: Date, months: number): Date {
  const due = new Date(closedAt);
  due.setUTCMonth(due.getUTCMonth() + months);
  return due;
}
