import type { Queryable } from '../db/client.ts';
import { instanceKeys } from '../crypto/instance.ts';
import type { Principal } from '../crypto/principals.ts';
import { activeUsersWithRole, userPrincipal } from '../auth/users.ts';
import type { Role } from '../auth/roles.ts';

/**
 * Who a giving vault is sealed to when it is made: everyone holding the role now (active, with
 * roles whose tag verifies) and the recovery key, so the content survives a lost password or a
 * treasurer who leaves. A colleague who takes the role later is granted older vaults by one who
 * holds them, or from the recovery shares.
 */
export async function readersWith(tx: Queryable, role: Role): Promise<Principal[]> {
  const { recovery } = await instanceKeys(tx);
  return [...(await activeUsersWithRole(tx, role)).map(userPrincipal), ...(recovery ? [recovery] : [])];
}
