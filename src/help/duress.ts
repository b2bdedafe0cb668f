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
