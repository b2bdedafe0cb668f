import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { Message } from './conversation.ts';
import type { PersonView } from './person-access.ts';

/**
 * What the duress code does. Someone forces the person to open their request; the person types
 * their duress code instead of the receipt. The page they get is the one a request with nothing
 * new shows (received, no conversation, nothing of what they wrote), rendered from the same
 * template as the real one, with the same status, headers and cookies; the request (and so its
 * case) is marked "under coercion" for the team, and the audit log records that it happened,
 * with no content. Nothing on the page, in its size or in its timing tells the two apart: both
 * codes cost the same two argon2id runs (src/help/receipt-lookups.ts), and both answers do one
 * small write.
 *
 * What the person does under duress is answered as if it worked, and keeps nothing: a message
 * is shown as sent on that one page but not stored (what someone dictates must not reach the
 * conversation), "hide" hides nothing, and "erase" turns the duress code into a code that finds
 * nothing, as erasing does to a receipt, while the real request and its flag stay for the team.
 */

/** Marks the request: the time of the last use of its duress code, audited without content. */
export async function markCoerced(tx: Queryable, requestId: string): Promise<void> {
  await tx.query('update help_requests set coerced_at = now() where id = $1', [requestId]);
  await appendAudit(tx, null, { kind: 'request.coerced', requestId });
}

/** The page of a request with nothing new; `written`: a message "sent" on this page only. */
export function innocentView(written?: string): PersonView {
  const messages: Message[] = written ? [{ id: 'unsent', author: 'person', staffUserId: null, body: written, at: new Date() }] : [];
  return { status: 'new', messages, erasureRequested: false };
}

/** The latest use of the code for danger among a case's requests, or null. */
export function lastCoercion(requests: readonly { coercedAt: Date | null }[]): Date | null {
  const times = requests.map((request) => request.coercedAt?.getTime() ?? 0).filter((time) => time > 0);
  return times.length > 0 ? new Date(Math.max(...times)) : null;
}

/** The latest use of the code for danger on each of these cases (through their requests); cases never flagged are absent. */
export async function coercionsOfCases(db: Queryable, caseIds: readonly string[]): Promise<Map<string, Date>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.query<{ case_id: string; at: Date }>(
    'select case_id, max(coerced_at) as at from help_requests where case_id = any($1::uuid[]) and coerced_at is not null group by case_id',
    [caseIds],
  );
  return new Map(rows.map((row) => [row.case_id, row.at]));
}

/**
 * Takes the flag off a case's requests, as far as the team has seen it: only uses of the code up
 * to `seen` (the time the page showed, to the millisecond), so a use that came after the page
 * was read stays flagged. Answers how many requests were cleared and whether a later use remains.
 * The audit log keeps every use (request.coerced); the caller audits the clearing.
 */
export async function clearCoercion(tx: Queryable, caseId: string, seen: Date): Promise<{ cleared: number; newer: boolean }> {
  const cleared = await tx.query(
    "update help_requests set coerced_at = null where case_id = $1 and coerced_at is not null and date_trunc('milliseconds', coerced_at) <= $2 returning 1",
    [caseId, seen],
  );
  const newer = await tx.query('select 1 from help_requests where case_id = $1 and coerced_at is not null limit 1', [caseId]);
  return { cleared: cleared.length, newer: newer.length > 0 };
}
