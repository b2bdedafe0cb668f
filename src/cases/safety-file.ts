import type { Db } from '../db/client.ts';
import { hasGrant, type KeyHolder } from '../crypto/vaults.ts';
import { displayNames } from '../auth/users.ts';
import { memberRole } from './case-members.ts';
import { managesTeam, readsPart } from './case-roles.ts';
import { checkinsOf, type Checkin } from './checkins.ts';
import { breakGlassOfCase, type BreakGlassRecord } from './break-glass.ts';

/** What the case page shows of check-ins and break-glass, for a member of the case's team. */
export type CaseSafety = {
  checkin: Checkin | null;
  /** may agree or stop the interval (the caseworker or a coordinator who reads the core) */
  setsInterval: boolean;
  /** may record a check-in (reads the core) */
  recordsCheckin: boolean;
  /** holds the core, so may approve a break-glass request */
  approves: boolean;
  breakGlass: BreakGlassRecord[];
  names: Map<string, string>;
};

/** Null for anyone who is not on the team (the case page has already answered "not found" to them). */
export async function openCaseSafety(db: Db, holder: KeyHolder, caseId: string): Promise<CaseSafety | null> {
  return db.transaction(async (tx) => {
    const role = await memberRole(tx, caseId, holder.userId);
    const [row] = await tx.query<{ core_vault_id: string }>('select core_vault_id from cases where id = $1', [caseId]);
    if (!role || !row) return null;
    const holdsCore = readsPart(role, 'core') && (await hasGrant(tx, row.core_vault_id, holder.userId));
    const breakGlass = await breakGlassOfCase(tx, holder, caseId);
    const names = await displayNames(tx, [...new Set(breakGlass.flatMap((record) => [record.requesterId, ...(record.approvedBy ? [record.approvedBy] : [])]))]);
    return {
      checkin: (await checkinsOf(tx, [caseId])).get(caseId) ?? null,
      setsInterval: holdsCore && managesTeam(role),
      recordsCheckin: holdsCore,
      approves: holdsCore,
      breakGlass,
      names,
    };
  });
}
