import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { hasGrant } from '../crypto/vaults.ts';
import { acknowledgeAlertsOfRequest } from '../notify/alerts.ts';

/**
 * "I'm on it": a coordinator holds a request so that two people never answer one person at once.
 * A claim is plain metadata (who, since when) and lapses after `minutes`, computed from the stored
 * time whenever it is read: no job has to clear it.
 */
export type Claim = { userId: string; since: Date };

export type ClaimRow = { claimed_by: string | null; claimed_at: Date | null };

/** The claim that still holds at `now`, or null when there is none or it lapsed. */
export function liveClaim(row: ClaimRow, minutes: number, now = new Date()): Claim | null {
  if (!row.claimed_by || !row.claimed_at) return null;
  return row.claimed_at.getTime() + minutes * 60_000 > now.getTime() ? { userId: row.claimed_by, since: row.claimed_at } : null;
}

/** Held: the caller holds it now (a second tap changes nothing). Taken: a colleague holds it. */
export type ClaimOutcome = { held: true } | { held: false; by: Claim };

/**
 * Only a request still in triage, and only by someone sealed its conversation (who could answer
 * it): anyone else gets null, as for a missing request. The claim is one conditional update, so
 * two coordinators tapping at once on PostgreSQL leave one holder: the second update waits for
 * the first's row lock, re-reads the row and no longer matches.
 */
export async function claimRequest(db: Db, userId: string, requestId: string, minutes: number, now = new Date()): Promise<ClaimOutcome | null> {
  return db.transaction(async (tx) => {
    if (!(await mayClaim(tx, userId, requestId))) return null;
    const taken = await tx.query(
      `update help_requests set claimed_by = $2, claimed_at = $3
       where id = $1 and (claimed_by is null or claimed_at <= $3::timestamptz - make_interval(mins => $4::int)) returning 1`,
      [requestId, userId, now, minutes],
    );
    if (taken.length > 0) {
      await appendAudit(tx, userId, { kind: 'request.claimed', requestId });
      // Someone is on it: an urgent request's alert stops escalating to colleagues.
      await acknowledgeAlertsOfRequest(tx, userId, requestId, now);
      return { held: true };
    }
    const [row] = await tx.query<ClaimRow>('select claimed_by, claimed_at from help_requests where id = $1', [requestId]);
    const claim = row ? liveClaim(row, minutes, now) : null;
    return !claim || claim.userId === userId ? { held: true } : { held: false, by: claim };
  });
}

/** Lets go of one's own claim; a claim held by a colleague stays. Null as claimRequest. */
export async function releaseRequest(db: Db, userId: string, requestId: string): Promise<boolean | null> {
  return db.transaction(async (tx) => {
    if (!(await mayClaim(tx, userId, requestId))) return null;
    const released = await tx.query('update help_requests set claimed_by = null, claimed_at = null where id = $1 and claimed_by = $2 returning 1', [requestId, userId]);
    if (released.length > 0) await appendAudit(tx, userId, { kind: 'request.released', requestId });
    return released.length > 0;
  });
}

/** The one rule: a request in triage (not a case, not closed), whose vault is sealed to the user. */
export async function mayClaim(tx: Queryable, userId: string, requestId: string): Promise<boolean> {
  const [row] = await tx.query<{ vault_id: string }>(
    "select vault_id from help_requests where id = $1 and case_id is null and status in ('new', 'triage', 'accepted')",
    [requestId],
  );
  return row !== undefined && (await hasGrant(tx, row.vault_id, userId));
}

/** The live claims on some requests, for lists and pages: plain metadata, nothing opened. */
export async function claimsOf(db: Queryable, requestIds: string[], minutes: number, now = new Date()): Promise<Map<string, Claim>> {
  if (requestIds.length === 0) return new Map();
  const rows = await db.query<ClaimRow & { id: string }>(
    'select id, claimed_by, claimed_at from help_requests where id = any($1::uuid[]) and claimed_by is not null',
    [requestIds],
  );
  const claims = new Map<string, Claim>();
  for (const row of rows) {
    const claim = liveClaim(row, minutes, now);
    if (claim) claims.set(row.id, claim);
  }
  return claims;
}
