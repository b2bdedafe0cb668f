import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { enqueueJob } from '../notify/jobs.ts';
import { onJob } from '../notify/job-handlers.ts';

/**
 * A break-glass request nobody answered does not wait forever: at `lapses_at` (set when it was
 * asked, BREAK_GLASS_PENDING_MINUTES later) it lapses. A lapsed request cannot be granted, is shown
 * as lapsed, and the coordinator may ask again (with a reason sealed to whoever holds the case
 * then). The job marks it at its time; every reader and the approval also compare with the
 * clock, so a request past its time counts as lapsed before the job has run.
 */
export function lapsed(row: { status: string; lapses_at: Date }, now: Date): boolean {
  return row.status === 'pending' && row.lapses_at.getTime() <= now.getTime();
}

/** When a request asked at `createdAt` lapses. */
export function lapsesAt(createdAt: Date, pendingMinutes: number): Date {
  return new Date(createdAt.getTime() + pendingMinutes * 60_000);
}

export async function scheduleLapse(tx: Queryable, breakGlassId: string, at: Date): Promise<void> {
  await enqueueJob(tx, 'break_glass.lapse', { breakGlassId }, at);
}

/**
 * Marks as lapsed, audited, the pending requests past their time among those named: one request,
 * or one coordinator's on one case (before they ask again). The caller holds the case row, which
 * every break-glass writer takes first.
 */
export async function lapseDue(tx: Queryable, which: { id: string } | { caseId: string; requesterId: string }, now: Date): Promise<number> {
  const rows = await tx.query<{ id: string; case_id: string }>(
    `update break_glass_requests set status = 'lapsed'
     where status = 'pending' and lapses_at <= $1 and ${'id' in which ? 'id = $2' : 'case_id = $2 and requester_id = $3'}
     returning id, case_id`,
    'id' in which ? [now, which.id] : [now, which.caseId, which.requesterId],
  );
  for (const row of rows) await appendAudit(tx, null, { kind: 'case.break_glass_lapsed', caseId: row.case_id, breakGlassId: row.id });
  return rows.length;
}

const lapsePayload = z.object({ breakGlassId: z.uuid() });

/** At its time (the job): the case row first, then the request, as every break-glass writer locks them. */
onJob('break_glass.lapse', {
  run: 'transaction',
  async handle(tx, payload, now) {
    const { breakGlassId } = lapsePayload.parse(payload);
    const [found] = await tx.query<{ case_id: string }>('select case_id from break_glass_requests where id = $1', [breakGlassId]);
    if (!found) return;
    await tx.query('select 1 from cases where id = $1 for update', [found.case_id]);
    await lapseDue(tx, { id: breakGlassId }, now);
  },
});
