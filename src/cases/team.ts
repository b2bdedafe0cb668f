import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { grantVault, hasGrant, rekeyEmptyVault, revokeGrant, rotateVault, userHolders, type KeyHolder } from '../crypto/vaults.ts';
import { verifiedUser, userPrincipal } from '../auth/users.ts';
import { onDeactivation } from '../auth/deactivation-hooks.ts';
import { requestsOfCase, shareConversation, withdrawConversation } from '../help/triage.ts';
import { openCaseAccess, vaultIdOf, type CaseAccess } from './case-access.ts';
import { CASE_PARTS, caseRolesFor, managesTeam, partsFor, readsConversation, type CaseRole } from './case-roles.ts';
import { insertMember, memberRow, teamOf } from './case-members.ts';
import { withdrawLogistics } from './tracks-evacuation.ts';

export { teamOf, type TeamMember } from './case-members.ts';

/** The team row alone (tagged); grants are made by whoever holds the vaults (see addMember, sealPendingGrants). */
export async function addMemberRow(tx: Queryable, actorUserId: string, caseId: string, userId: string, role: CaseRole): Promise<void> {
  await insertMember(tx, caseId, userId, role, actorUserId);
  await appendAudit(tx, actorUserId, { kind: 'case.assigned', caseId, userId, role });
}

/**
 * Seals to every member what their role entitles them to and they do not hold yet, from the
 * vaults the holder has open: a psychologist added by the caseworker receives the psychological
 * part when a colleague who holds it next opens the case. A team row or an account whose
 * entitlement tag fails gets nothing (audited). Answers how many grants were made.
 */
export async function sealPendingGrants(tx: Queryable, holder: KeyHolder, access: CaseAccess): Promise<number> {
  const { row } = access;
  const team = await teamOf(tx, row.id, holder.userId);
  const holders = await userHolders(tx, CASE_PARTS.map((part) => vaultIdOf(row, part)));
  let granted = 0;
  for (const member of team) {
    if (member.userId === holder.userId) continue;
    const missing = partsFor(member.role).filter((part) => access.vaults[part] && !holders.get(vaultIdOf(row, part))?.has(member.userId));
    if (missing.length === 0) continue;
    const user = await verifiedUser(tx, member.userId, holder.userId);
    if (!user?.active || !user.entitled) continue;
    for (const part of missing) if (await grantVault(tx, holder.userId, access.vaults[part]!, userPrincipal(user))) granted++;
  }
  return granted;
}

export type MemberChange = 'added' | 'refused';

/**
 * Brings a colleague onto a case in a role (only the caseworker or a coordinator on the case may).
 * They are granted at once the parts the holder has open; a part nobody on the team can open yet
 * and that holds nothing gets a fresh key; any other part waits for a colleague who holds it.
 */
export async function addMember(db: Db, holder: KeyHolder, caseId: string, userId: string, role: CaseRole): Promise<MemberChange> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'assign', undefined, true);
    if (!access || !managesTeam(access.role)) return 'refused';
    const user = await verifiedUser(tx, userId, holder.userId);
    if (!user?.active || !caseRolesFor(user.roles).includes(role)) return 'refused';
    const existing = await memberRow(tx, caseId, userId);
    // A double tap adds once; another role for someone already on the case is a removal first.
    if (existing?.entitled) return existing.role === role ? 'added' : 'refused';
    // A row Beside did not make (its tag fails) gave nothing; the colleague's decision replaces it.
    if (existing) await tx.query('delete from case_members where case_id = $1 and user_id = $2', [caseId, userId]);
    await addMemberRow(tx, holder.userId, caseId, userId, role);
    const { recovery } = await instanceKeys(tx);
    const holders = await userHolders(tx, CASE_PARTS.map((part) => vaultIdOf(access.row, part)));
    for (const part of partsFor(role)) {
      const vault = access.vaults[part];
      if (vault) {
        await grantVault(tx, holder.userId, vault, userPrincipal(user));
      } else if ((holders.get(vaultIdOf(access.row, part))?.size ?? 0) === 0) {
        await rekeyEmptyVault(tx, holder.userId, vaultIdOf(access.row, part), [userPrincipal(user), ...(recovery ? [recovery] : [])]);
      }
    }
    if (readsConversation(role)) {
      for (const request of await requestsOfCase(tx, caseId)) await shareConversation(tx, holder, request.id, userPrincipal(user));
    }
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    return 'added';
  });
}

/**
 * Takes a colleague off a case. Every part they held is rotated by the holder where the holder can
 * open it (a key they may have kept opens nothing written before or after); a part the holder
 * cannot open loses their sealed key only, and the audit log says so.
 */
export async function removeMember(db: Db, holder: KeyHolder, caseId: string, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'unassign', undefined, true);
    if (!access || !managesTeam(access.role) || userId === holder.userId) return false;
    const removed = await tx.query('delete from case_members where case_id = $1 and user_id = $2 returning 1', [caseId, userId]);
    if (removed.length === 0) return true; // not on the case (any more): a double tap changes nothing
    for (const part of CASE_PARTS) {
      const vaultId = vaultIdOf(access.row, part);
      if (!(await hasGrant(tx, vaultId, userId))) continue;
      const vault = access.vaults[part];
      if (vault) await rotateVault(tx, holder.userId, vault, (principal) => !(principal.kind === 'user' && principal.ref === userId));
      else await revokeGrant(tx, holder.userId, vaultId, 'user', userId);
    }
    await withdrawLogistics(tx, holder, caseId, userId);
    for (const request of await requestsOfCase(tx, caseId)) await withdrawConversation(tx, holder, request.id, userId);
    await appendAudit(tx, holder.userId, { kind: 'case.member_removed', caseId, userId });
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    return true;
  });
}

/** A deactivated colleague leaves every case team (their vault grants are revoked by auth). */
async function removeFromAllCases(tx: Queryable, _actorUserId: string, userId: string): Promise<void> {
  await tx.query('delete from case_members where user_id = $1', [userId]);
}

onDeactivation('cases', removeFromAllCases);
