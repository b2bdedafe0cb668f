import type { Queryable } from '../db/client.ts';
import { memberEntitlementIsAuthentic, rejectEntitlement, tagMemberEntitlement } from '../crypto/entitlements.ts';
import { isCaseRole, type CaseRole } from './case-roles.ts';

/**
 * Case team rows. A place on a team decides which parts of the case are sealed to someone, so
 * each row carries a tag under the instance secret over (case, user, role): a row a database
 * writer inserted or changed, or whose tag they copied from another row, is no place on the team.
 */
export type TeamMember = { userId: string; role: CaseRole };

type MemberRow = { case_id: string; user_id: string; role: string; tag: Uint8Array | null };

function isEntitled(row: MemberRow): boolean {
  return isCaseRole(row.role) && memberEntitlementIsAuthentic({ caseId: row.case_id, userId: row.user_id, role: row.role }, row.tag);
}

/** Puts a colleague on a case in a role, with the row's tag; nothing when they are on it already. */
export async function insertMember(tx: Queryable, caseId: string, userId: string, role: CaseRole, assignedBy: string): Promise<void> {
  await tx.query(
    'insert into case_members (case_id, user_id, role, assigned_by, tag) values ($1, $2, $3, $4, $5) on conflict (case_id, user_id) do nothing',
    [caseId, userId, role, assignedBy, tagMemberEntitlement({ caseId, userId, role })],
  );
}

/** A user's row on a case, if any, and whether its tag verifies (unverified rows are not audited here). */
export async function memberRow(tx: Queryable, caseId: string, userId: string): Promise<{ role: string; entitled: boolean } | null> {
  const [row] = await tx.query<MemberRow>('select case_id, user_id, role, tag from case_members where case_id = $1 and user_id = $2', [caseId, userId]);
  return row ? { role: row.role, entitled: isEntitled(row) } : null;
}

/** A user's role on a case; null when they are not on it, or their row's tag fails (audited). */
export async function memberRole(tx: Queryable, caseId: string, userId: string, actorUserId: string | null = userId): Promise<CaseRole | null> {
  const [row] = await tx.query<MemberRow>('select case_id, user_id, role, tag from case_members where case_id = $1 and user_id = $2', [caseId, userId]);
  if (!row) return null;
  if (!isEntitled(row)) {
    await rejectEntitlement(tx, actorUserId, { userId, caseId });
    return null;
  }
  return row.role as CaseRole;
}

/** The team Beside put on the case; each row whose tag fails is left out and audited. */
export async function teamOf(tx: Queryable, caseId: string, actorUserId: string | null): Promise<TeamMember[]> {
  const rows = await tx.query<MemberRow>('select case_id, user_id, role, tag from case_members where case_id = $1 order by assigned_at', [caseId]);
  const team: TeamMember[] = [];
  for (const row of rows) {
    if (isEntitled(row)) team.push({ userId: row.user_id, role: row.role as CaseRole });
    else await rejectEntitlement(tx, actorUserId, { userId: row.user_id, caseId });
  }
  return team;
}

/** The verified teams of several cases, for lists and summaries (which show, and grant nothing). */
export async function teamsOf(tx: Queryable, caseIds: string[]): Promise<(TeamMember & { caseId: string })[]> {
  const rows = await tx.query<MemberRow>(
    'select case_id, user_id, role, tag from case_members where case_id = any($1::uuid[]) order by assigned_at',
    [caseIds],
  );
  return rows.filter(isEntitled).map((row) => ({ caseId: row.case_id, userId: row.user_id, role: row.role as CaseRole }));
}

/** Trust on first use for team rows, as for users: see auth/user-entitlements.ts tagUntaggedUsers. */
export async function tagUntaggedMembers(tx: Queryable): Promise<number> {
  const rows = await tx.query<MemberRow>('select case_id, user_id, role, tag from case_members where tag is null');
  for (const row of rows) {
    await tx.query('update case_members set tag = $3 where case_id = $1 and user_id = $2', [
      row.case_id,
      row.user_id,
      tagMemberEntitlement({ caseId: row.case_id, userId: row.user_id, role: row.role }),
    ]);
  }
  return rows.length;
}
