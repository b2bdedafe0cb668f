import type { Queryable } from '../db/client.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { createVault, grantVault, openVaultAsUser, rotateVault, userHolders, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import { listUsers, userPrincipal, verifiedUser, type User } from '../auth/users.ts';
import type { Role } from '../auth/roles.ts';

/**
 * The organisation's one 'directory' vault: the helpers' contact details. It is sealed to every
 * confirmed coordinator and every caseworker (active, with roles that verify) and to the recovery
 * key. Whoever opens it brings it up to date: a new colleague is granted it, and someone who no
 * longer reads it (another role now) is rotated out, so a key they kept opens nothing.
 */

/** The staff roles whose holders see the directory's page; the vault grants decide who reads contacts. */
export const DIRECTORY_ROLES: readonly Role[] = ['coordinator', 'caseworker'];
/** Who adds, edits and retires entries. */
export const DIRECTORY_EDITORS: readonly Role[] = ['coordinator'];

/** The one rule for who changes entries: a confirmed coordinator (who also reads them). */
export function editsDirectory(user: User): boolean {
  return readsDirectory(user) && user.confirmedCoordinator;
}

/** The one rule for who reads the contacts. */
export function readsDirectory(user: User): boolean {
  return user.active && user.entitled && (user.confirmedCoordinator || user.roles.includes('caseworker'));
}

async function directoryReaders(tx: Queryable) {
  return (await listUsers(tx)).filter(readsDirectory).map(userPrincipal);
}

export async function directoryVaultId(tx: Queryable): Promise<string | null> {
  const [row] = await tx.query<{ vault_id: string }>('select vault_id from directory_vault');
  return row?.vault_id ?? null;
}

/** Who must be granted, and whether someone who holds it must be rotated out. */
async function grantChanges(tx: Queryable, vaultId: string) {
  const wanted = await directoryReaders(tx);
  const wantedIds = new Set(wanted.map((principal) => principal.ref));
  const holders = (await userHolders(tx, [vaultId])).get(vaultId) ?? new Set<string>();
  return { missing: wanted.filter((principal) => !holders.has(principal.ref)), wantedIds, rotate: [...holders].some((userId) => !wantedIds.has(userId)) };
}

/**
 * Opens the directory vault for a reader (audited), or null: no vault yet, no grant, or not a
 * reader any more. 'edit': only for who edits; 'create': a coordinator adding the first entry makes it. Only when grants must
 * change is the directory row locked first (before the vault, so two colleagues opening it at once
 * on PostgreSQL queue instead of deadlocking on the rotation).
 */
export async function openDirectoryVault(tx: Queryable, holder: KeyHolder, purpose: string, mode: 'read' | 'edit' | 'create' = 'read'): Promise<Vault | null> {
  const me = await verifiedUser(tx, holder.userId, holder.userId);
  if (!me || !(mode === 'read' ? readsDirectory(me) : editsDirectory(me))) return null;
  let vaultId = await directoryVaultId(tx);
  if (!vaultId && mode === 'create') {
    // Made once in the life of an instance: two first entries at once must not make two vaults.
    await tx.query('lock table directory_vault in share row exclusive mode');
    vaultId = await directoryVaultId(tx);
    if (!vaultId) {
      const { recovery } = await instanceKeys(tx);
      const vault = await createVault(tx, 'directory', { table: 'directory_vault', id: 'singleton' }, [...(await directoryReaders(tx)), ...(recovery ? [recovery] : [])], holder.userId);
      await tx.query('insert into directory_vault (vault_id) values ($1)', [vault.id]);
      return vault;
    }
  }
  if (!vaultId) return null;
  let changes = await grantChanges(tx, vaultId);
  if (changes.rotate || changes.missing.length > 0) {
    await tx.query('select 1 from directory_vault for update');
    changes = await grantChanges(tx, vaultId);
  }
  const vault = await openVaultAsUser(tx, holder, vaultId, `directory.${purpose}`);
  if (!vault) return null;
  const { missing, wantedIds, rotate } = changes;
  const current = rotate ? await rotateVault(tx, holder.userId, vault, (principal) => principal.kind !== 'user' || wantedIds.has(principal.ref)) : vault;
  for (const principal of missing) await grantVault(tx, holder.userId, current, principal);
  return current;
}
