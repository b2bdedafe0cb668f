import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/client.ts';

/**
 * Background jobs, kept in the database so that any Beside process may run any of them and a
 * restart loses none. A job is claimed with `for update skip locked` and a lease: two processes
 * polling at once never take the same job, and a job whose process died is taken again once
 * its lease has run out. A payload holds ids only, never personal content.
 */
export type JobKind = 'alert.notify' | 'alert.mail' | 'checkin.due' | 'case.mail' | 'break_glass.expire' | 'break_glass.lapse' | 'task.reminder' | 'retention.sweep' | 'gift.thanks' | 'gift.statement';

export type Job = { id: string; kind: JobKind; payload: unknown; attempts: number };

/** Longer than any one job may take (an SMTP send gives up well within it). */
export const LEASE_MS = 5 * 60_000;
/** After this many failed attempts a job is given up and shown as failed. */
export const MAX_ATTEMPTS = 8;

export async function enqueueJob(tx: Queryable, kind: JobKind, payload: Record<string, string>, runAt: Date): Promise<string> {
  const id = randomUUID();
  // Sent as text and cast, read back as text: both drivers then store and give the same JSON.
  await tx.query('insert into jobs (id, kind, payload, run_at) values ($1, $2, $3::text::jsonb, $4)', [id, kind, JSON.stringify(payload), runAt]);
  return id;
}

/** Takes the job that has waited longest, if any is due and unclaimed, and leases it. */
export async function claimDueJob(db: Queryable, now: Date): Promise<Job | null> {
  const [row] = await db.query<{ id: string; kind: JobKind; payload: string; attempts: number }>(
    `update jobs set locked_until = $2, attempts = attempts + 1
     where id = (select id from jobs
                 where status = 'pending' and run_at <= $1 and (locked_until is null or locked_until <= $1)
                 order by run_at limit 1 for update skip locked)
     returning id, kind, payload::text as payload, attempts`,
    [now, new Date(now.getTime() + LEASE_MS)],
  );
  return row ? { ...row, payload: JSON.parse(row.payload) as unknown } : null;
}

export async function completeJob(tx: Queryable, id: string, now: Date): Promise<void> {
  await tx.query("update jobs set status = 'done', finished_at = $2, locked_until = null, last_error = null where id = $1", [id, now]);
}

/** How long a finished job is kept: long enough to look into a week-end's alerts. */
export const KEEP_DONE_DAYS = 30;

/** Forgets jobs, done or given up, that finished long ago. */
export async function pruneFinishedJobs(db: Queryable, now: Date): Promise<void> {
  await db.query("delete from jobs where status <> 'pending' and finished_at < $1", [new Date(now.getTime() - KEEP_DONE_DAYS * 24 * 3600_000)]);
}

/** Minutes to wait before the next attempt: 1, 2, 4, … up to an hour. */
export function backoffMinutes(attempts: number): number {
  return Math.min(2 ** Math.max(0, attempts - 1), 60);
}

/** Records a failed attempt: tried again later, or given up (answers true) after the last one. */
export async function failJob(tx: Queryable, job: Job, code: string, now: Date, final = false): Promise<boolean> {
  if (final || job.attempts >= MAX_ATTEMPTS) {
    await tx.query("update jobs set status = 'failed', finished_at = $2, locked_until = null, last_error = $3 where id = $1", [job.id, now, code]);
    return true;
  }
  const retryAt = new Date(now.getTime() + backoffMinutes(job.attempts) * 60_000);
  await tx.query('update jobs set run_at = $2, locked_until = null, last_error = $3 where id = $1', [job.id, retryAt, code]);
  return false;
}

export type TroubledJob = { id: string; kind: JobKind; payload: unknown; attempts: number; lastError: string; failed: boolean; retryAt: Date; createdAt: Date };

/** Jobs that are failing (to be tried again) or have failed, newest first. */
export async function listTroubledJobs(db: Queryable, kind: JobKind, limit = 20): Promise<TroubledJob[]> {
  const rows = await db.query<{ id: string; kind: JobKind; payload: string; attempts: number; last_error: string; status: string; run_at: Date; created_at: Date }>(
    `select id, kind, payload::text as payload, attempts, last_error, status, run_at, created_at from jobs
     where last_error is not null and kind = $1 order by created_at desc limit $2`,
    [kind, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    attempts: row.attempts,
    lastError: row.last_error,
    failed: row.status === 'failed',
    retryAt: row.run_at,
    createdAt: row.created_at,
  }));
}

/** A job that cannot succeed now, with the code to show; `final` gives it up at once. */
export class JobError extends Error {
  constructor(
    readonly code: string,
    readonly final = false,
  ) {
    super(code);
  }
}
