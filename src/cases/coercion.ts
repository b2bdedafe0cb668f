import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { clearCoercion, coercionsOfCases } from '../help/duress.ts';
import { openCaseAccess } from './case-access.ts';
import { memberRole, teamsOf } from './case-members.ts';
import { managesTeam, type CaseRole } from './case-roles.ts';

/**
 * The "under coercion" flag on a case (src/help/duress.ts): shown to the team on the case page
 * and on My work until the caseworker or a coordinator on the case, who reads its core, clears it
 * with a stated reason. The reason is a category, never words: the audit log holds no content.
 */
export const COERCION_CLEAR_REASONS = ['spoke_safely', 'mistaken_code', 'danger_over', 'other'] as const;
export type CoercionClearReason = (typeof COERCION_CLEAR_REASONS)[number];

/** Cleared (or nothing left to clear); `newer`: the person used the code again after the page was read, and that stays. */
export type CoercionClearing = 'cleared' | 'newer';

/** The one rule: the caseworker or a coordinator on the case, holding its core. */
export function clearsCoercion(role: CaseRole, holdsCore: boolean): boolean {
  return holdsCore && managesTeam(role);
}

/** Whether a refused form may be told why (the rule, asked without opening anything); anyone else gets "not found". */
export async function mayClearCoercion(db: Queryable, userId: string, caseId: string): Promise<boolean> {
  const role = await memberRole(db, caseId, userId);
  return role !== null && clearsCoercion(role, true);
}

/**
 * Clears the flag as far as `seen` (the time the case page showed). The clearer proves they read
 * the core by opening it; anyone else gets null, as for a missing case. The case row is not
 * locked: only the requests' flags change, and they are taken in the order the person's own
 * writes take them (the request's row alone).
 */
export async function clearCaseCoercion(db: Db, holder: KeyHolder, caseId: string, reason: CoercionClearReason, seen: Date): Promise<CoercionClearing | null> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'coercion', ['core']);
    if (!access || !clearsCoercion(access.role, access.vaults.core !== undefined)) return null;
    const { cleared, newer } = await clearCoercion(tx, caseId, seen);
    if (cleared > 0) await appendAudit(tx, holder.userId, { kind: 'case.coercion_cleared', caseId, reason, requests: cleared });
    return newer ? 'newer' : 'cleared';
  });
}

export type CoercedCase = { caseId: string; pseudonym: string; at: Date };

/**
 * My work: the viewer's cases whose person used their code for danger and nobody has cleared it,
 * latest first. Over the viewer's own cases, which are few; a case counts only through a team row
 * Beside made (its tag verifies), as on every list.
 */
export async function myCoercedCases(db: Queryable, userId: string): Promise<CoercedCase[]> {
  const rows = await db.query<{ id: string; pseudonym: string }>('select c.id, c.pseudonym from case_members m join cases c on c.id = m.case_id where m.user_id = $1', [userId]);
  const flagged = await coercionsOfCases(db, rows.map((row) => row.id));
  if (flagged.size === 0) return [];
  const mine = new Set((await teamsOf(db, [...flagged.keys()])).filter((member) => member.userId === userId).map((member) => member.caseId));
  return rows
    .filter((row) => mine.has(row.id) && flagged.has(row.id))
    .map((row) => ({ caseId: row.id, pseudonym: row.pseudonym, at: flagged.get(row.id)! }))
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}
