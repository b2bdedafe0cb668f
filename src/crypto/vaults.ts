import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { newDataKey, openSealed, seal, type KeyPair } from './primitives.ts';

/**
 * Vaults: the unit of encryption and access (DESIGN.md). A vault's random data key is sealed to
 * each principal allowed to read it; a row in vault_keys is that access.
 */
export type VaultKind = 'request' | 'core' | 'psych' | 'legal' | 'housing';

export type Principal =
  | { principal: 'user'; userId: string; publicKey: Uint8Array }
  | { principal: 'recovery'; publicKey: Uint8Array }
  | { principal: 'receipt'; publicKey: Uint8Array };

/** The person acting, with the private key their session unlocked. */
export type KeyHolder = { userId: string; keys: KeyPair };

export type OpenVault = { vaultId: string; key: Uint8Array };

export async function createVault(
  tx: Queryable,
  kind: VaultKind,
  principals: Principal[],
  grantedBy: string | null,
): Promise<OpenVault> {
  const [row] = await tx.query<{ id: string }>('insert into vaults (kind) values ($1) returning id', [kind]);
  const vault = { vaultId: row!.id, key: newDataKey() };
  for (const principal of principals) await sealTo(tx, vault, principal, grantedBy);
  return vault;
}

async function sealTo(tx: Queryable, vault: OpenVault, principal: Principal, grantedBy: string | null) {
  if (principal.principal === 'user') {
    await tx.query('delete from lost_grants where user_id = $1 and vault_id = $2', [principal.userId, vault.vaultId]);
  }
  await tx.query(
    `insert into vault_keys (vault_id, principal, user_id, sealed_key, granted_by) values ($1, $2, $3, $4, $5)
     on conflict do nothing`,
    [
      vault.vaultId,
      principal.principal,
      principal.principal === 'user' ? principal.userId : null,
      seal(vault.key, principal.publicKey),
      grantedBy,
    ],
  );
}

/** Gives a colleague access: only someone who holds the open vault can seal its key to them. */
export async function grantVault(
  tx: Queryable,
  actorUserId: string,
  vault: OpenVault,
  user: { userId: string; publicKey: Uint8Array },
): Promise<void> {
  await sealTo(tx, vault, { principal: 'user', ...user }, actorUserId);
  await appendAudit(tx, actorUserId, { kind: 'vault.granted', vaultId: vault.vaultId, userId: user.userId });
}

/**
 * Grants a vault opened with the rebuilt recovery key (`beside recover`). No colleague acted, so
 * the grant and its audit entry carry no actor rather than a misleading one.
 */
export async function grantVaultFromRecovery(
  tx: Queryable,
  vault: OpenVault,
  user: { userId: string; publicKey: Uint8Array },
): Promise<void> {
  await sealTo(tx, vault, { principal: 'user', ...user }, null);
  await appendAudit(tx, null, { kind: 'vault.granted', vaultId: vault.vaultId, userId: user.userId });
}

export async function revokeAllGrants(tx: Queryable, actorUserId: string, userId: string): Promise<number> {
  const rows = await tx.query<{ vault_id: string }>(
    "delete from vault_keys where principal = 'user' and user_id = $1 returning vault_id",
    [userId],
  );
  for (const row of rows) await appendAudit(tx, actorUserId, { kind: 'vault.revoked', vaultId: row.vault_id, userId });
  return rows.length;
}

/** Erasure: every sealed copy of the vault's key is deleted, so nothing in it can be opened again. */
export async function destroyVaultKeys(tx: Queryable, vaultId: string): Promise<void> {
  await tx.query('delete from vault_keys where vault_id = $1', [vaultId]);
}

export async function hasGrant(tx: Queryable, vaultId: string, userId: string): Promise<boolean> {
  const rows = await tx.query("select 1 from vault_keys where vault_id = $1 and principal = 'user' and user_id = $2", [vaultId, userId]);
  return rows.length > 0;
}

/**
 * Opens a vault with a staff user's key, writing the decryption to the audit log. Answers null
 * when the user holds no grant, so callers treat it exactly like a missing record.
 */
export async function openVaultAsUser(tx: Queryable, holder: KeyHolder, vaultId: string, purpose: string): Promise<OpenVault | null> {
  const [row] = await tx.query<{ sealed_key: Uint8Array }>(
    "select sealed_key from vault_keys where vault_id = $1 and principal = 'user' and user_id = $2",
    [vaultId, holder.userId],
  );
  if (!row) return null;
  const key = openSealed(row.sealed_key, holder.keys);
  await appendAudit(tx, holder.userId, { kind: 'vault.decrypted', vaultId, purpose });
  return { vaultId, key };
}

/** Opens a vault with a non-user principal (the receipt holder, or the rebuilt recovery key). */
export async function openVaultAs(
  tx: Queryable,
  principal: 'receipt' | 'recovery',
  keys: KeyPair,
  vaultId: string,
  purpose: string,
): Promise<OpenVault | null> {
  const [row] = await tx.query<{ sealed_key: Uint8Array }>(
    'select sealed_key from vault_keys where vault_id = $1 and principal = $2',
    [vaultId, principal],
  );
  if (!row) return null;
  const key = openSealed(row.sealed_key, keys);
  await appendAudit(tx, null, { kind: 'vault.decrypted', vaultId, purpose });
  return { vaultId, key };
}

/**
 * A user's keys were replaced: their grants can no longer be opened, so they are removed, and
 * remembered as lost so that recovery gives back exactly what the user had.
 */
export async function dropGrantsOnKeyReset(tx: Queryable, userId: string): Promise<number> {
  const rows = await tx.query<{ vault_id: string }>(
    `with lost as (delete from vault_keys where principal = 'user' and user_id = $1 returning vault_id)
     insert into lost_grants (user_id, vault_id) select $1, vault_id from lost on conflict do nothing returning vault_id`,
    [userId],
  );
  return rows.length;
}

/** The vaults a user lost at a key reset that the recovery key can open: what recovery gives back. */
export async function recoverableLostGrants(tx: Queryable, userId: string): Promise<string[]> {
  const rows = await tx.query<{ vault_id: string }>(
    `select l.vault_id from lost_grants l
     join vault_keys k on k.vault_id = l.vault_id and k.principal = 'recovery'
     where l.user_id = $1 order by l.lost_at`,
    [userId],
  );
  return rows.map((row) => row.vault_id);
}
