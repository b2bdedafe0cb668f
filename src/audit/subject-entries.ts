import type { Queryable } from '../db/client.ts';
import { isAuditKind, type AuditKind } from './events.ts';

/** An audit entry about one subject, with the ids and codes its event carried (never content). */
export type SubjectEntry = { seq: number; at: Date; actorUserId: string | null; kind: AuditKind; subjectId: string; detail: Record<string, unknown> };

/**
 * The latest entries about some subjects (a case and its requests, for the case's timeline), in
 * the order they were written. Uses the index on (subject_id, seq): the cost follows the entries
 * about these subjects, not the size of the log.
 */
export async function auditAbout(db: Queryable, subjectIds: string[], limit = 1000): Promise<SubjectEntry[]> {
  if (subjectIds.length === 0) return [];
  const rows = await db.query<{ seq: bigint; at: Date; actor_user_id: string | null; kind: string; subject_id: string; detail: string }>(
    `select seq, at, actor_user_id, kind, subject_id, detail from audit_events
     where subject_id = any($1::text[]) order by seq desc limit ${Number(limit)}`,
    [subjectIds],
  );
  return rows.reverse().flatMap((row) => {
    if (!isAuditKind(row.kind)) return [];
    let detail: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(row.detail);
      if (parsed && typeof parsed === 'object') detail = parsed as Record<string, unknown>;
    } catch {
      // a detail that does not parse is shown without its codes
    }
    return [{ seq: Number(row.seq), at: row.at, actorUserId: row.actor_user_id, kind: row.kind, subjectId: row.subject_id, detail }];
  });
}
