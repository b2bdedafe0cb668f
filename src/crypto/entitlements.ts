import { appendAudit } from '../audit/log.ts';
import type { Queryable } from '../db/client.ts';
import { entitlementMac } from './instance-secret.ts';
import { sameBytes } from './primitives.ts';

/**
 * What entitles a staff member to be sealed to, authenticated the way their keys are (DESIGN.md,
 * docs/security-model.md): a MAC under the instance secret over everything that decides a grant.
 * A database writer who gives their own account a role, a coordinator's confirmation or a place
 * on a case team cannot make the tag that goes with it, so Beside acts as if the change were not
 * there: it seals nothing to them and their account has no roles.
 */
export type UserEntitlement = {
  userId: string;
  roles: readonly string[];
  active: boolean;
  confirmedBy: string | null;
  confirmedAt: Date | null;
};

/** A place on a case team: the role alone decides which parts are sealed to the member. */
export type MemberEntitlement = { caseId: string; userId: string; role: string };

const optional = (value: string | null): string[] => (value === null ? ['absent'] : ['present', value]);

/** Every part is length-prefixed by the MAC and the roles are counted: no two entitlements encode alike. */
function userParts(entitlement: UserEntitlement): string[] {
  const roles = [...entitlement.roles].sort();
  return [
    'user',
    entitlement.userId,
    String(roles.length),
    ...roles,
    entitlement.active ? 'active' : 'inactive',
    ...optional(entitlement.confirmedBy),
    // Milliseconds: what a JavaScript Date holds, whichever driver read the row.
    ...optional(entitlement.confirmedAt === null ? null : String(entitlement.confirmedAt.getTime())),
  ];
}

function memberParts(entitlement: MemberEntitlement): string[] {
  return ['case-member', entitlement.caseId, entitlement.userId, entitlement.role];
}

const authentic = (tag: Uint8Array | null, expected: Uint8Array) => tag !== null && tag.length === expected.length && sameBytes(tag, expected);

export function tagUserEntitlement(entitlement: UserEntitlement): Uint8Array {
  return entitlementMac(userParts(entitlement));
}

export function userEntitlementIsAuthentic(entitlement: UserEntitlement, tag: Uint8Array | null): boolean {
  return authentic(tag, tagUserEntitlement(entitlement));
}

export function tagMemberEntitlement(entitlement: MemberEntitlement): Uint8Array {
  return entitlementMac(memberParts(entitlement));
}

export function memberEntitlementIsAuthentic(entitlement: MemberEntitlement, tag: Uint8Array | null): boolean {
  return authentic(tag, tagMemberEntitlement(entitlement));
}

/** Whose entitlement was refused: ids only, never a name or a role. */
export type RejectedEntitlement = { userId: string; caseId?: string };

/**
 * Reports an entitlement whose tag fails: a loud log line and one audit entry, like a rejected key.
 * The caller then acts as if the entitlement did not exist.
 */
export async function rejectEntitlement(tx: Queryable, actorUserId: string | null, rejected: RejectedEntitlement): Promise<void> {
  const what = rejected.caseId ? `a place on case ${rejected.caseId} for user ${rejected.userId}` : `the roles of user ${rejected.userId}`;
  console.error(`[beside] SECURITY: ignored ${what}: it fails the instance secret's check. Someone may have changed it in the database.`);
  await appendAudit(tx, actorUserId, { kind: 'entitlement.rejected', userId: rejected.userId, onCase: rejected.caseId ?? null });
}
