import type { Queryable } from '../db/client.ts';
import { instanceKeys } from '../crypto/instance.ts';
import type { Principal } from '../crypto/principals.ts';
import { activeUsersWithRole, userPrincipal } from '../auth/users.ts';
import type { Role } from '../auth/roles.ts';

/**
 * The role each giving vault's kind is sealed to: the one rule for who reads it when it is made,
 * who may be given it later (src/funding/share-giving-vaults.ts) and what the recovery shares
 * hand a newcomer to the role (src/cli/recover.ts).
 */
export const GIVING_VAULT_ROLES = {
  donor: 'treasurer',
  expense: 'treasurer',
  bank_statement: 'treasurer',
  gift_message: 'editor',
} as const satisfies Record<string, Role>;

export type GivingVaultKind = keyof typeof GIVING_VAULT_ROLES;

/** The roles that giving vaults are shared among. */
export type GivingRole = (typeof GIVING_VAULT_ROLES)[GivingVaultKind];

/** The kinds of giving vault a role reads. */
export function givingKindsOf(role: Role): GivingVaultKind[] {
  return (Object.keys(GIVING_VAULT_ROLES) as GivingVaultKind[]).filter((kind) => GIVING_VAULT_ROLES[kind] === role);
}

/**
 * Who a giving vault is sealed to when it is made: everyone holding the kind's role now (active,
 * with roles whose tag verifies) and the recovery key, so the content survives a lost password or
 * a treasurer who leaves. A colleague who takes the role later is granted older vaults by one who
 * holds them, or from the recovery shares.
 */
export async function readersOf(tx: Queryable, kind: GivingVaultKind): Promise<Principal[]> {
  return readersWith(tx, GIVING_VAULT_ROLES[kind]);
}

async function readersWith(tx: Queryable, role: Role): Promise<Principal[]> {
  const { recovery } = await instanceKeys(tx);
  return [...(await activeUsersWithRole(tx, role)).map(userPrincipal), ...(recovery ? [recovery] : [])];
}
