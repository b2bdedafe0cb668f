import type { ZodType } from 'zod';
import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { decryptBytes, encryptBytes, newDataKey, openSealed, seal as sealTo, type KeyPair } from './primitives.ts';
import { checkPrincipal, type Principal, type PrincipalKind } from './principals.ts';
import { associatedData, sealedFields, type Sealed, type SealedField, type SealedPlace } from './sealed.ts';

export type { KeyPair } from './primitives.ts';
export type { Sealed, SealedField, SealedPlace } from './sealed.ts';

/**
 * Vaults: the unit of encryption and access (DESIGN.md). A vault's random data key is sealed to
 * each principal allowed to read it; a row in vault_keys is that access. A vault knows its kind
 * and the row that owns it. Domain code gets a handle that seals and opens fields; the key never
 * leaves this module.
 */
export type VaultKind = 'request' | 'core' | 'psych' | 'legal' | 'housing' | (string & { readonly __vaultKind?: never });

export type VaultOwner = { table: string; id: string };

/** The person acting, with the private key their session unlocked. */
export type KeyHolder = { userId: string; keys: KeyPair };

export type Opened<T> = { ok: true; value: T } | { ok: false };

/** An open vault. Its key stays inside: only seal and open are offered. */
export interface Vault {
  readonly id: string;
  readonly kind: string;
  seal<B extends string>(field: SealedField<B>, place: SealedPlace<B>, value: unknown): Sealed;
  /** Throws when the ciphertext, its place or its bound metadata was changed. */
  open<B extends string>(field: SealedField<B>, place: SealedPlace<B>, box: Uint8Array): unknown;
  /** One broken row answers { ok: false } ("could not be verified"), so a page still renders. */
  tryOpen<B extends string, T>(field: SealedField<B>, place: SealedPlace<B>, box: Uint8Array, schema: ZodType<T>): Opened<T>;
}

const keys = new WeakMap<Vault, Uint8Array>();

function handle(id: string, kind: string, key: Uint8Array): Vault {
  const vault: Vault = {
    id,
    kind,
    seal(field, place, value) {
      return encryptBytes(key, new TextEncoder().encode(JSON.stringify(value)), associatedData(field, place)) as Sealed;
    },
    open(field, place, box) {
      return JSON.parse(new TextDecoder().decode(decryptBytes(key, box, associatedData(field, place))));
    },
    tryOpen(field, place, box, schema) {
      try {
        const parsed = schema.safeParse(vault.open(field, place, box));
        return parsed.success ? { ok: true, value: parsed.data } : { ok: false };
      } catch {
        return { ok: false };
      }
    },
  };
  keys.set(vault, key);
  return vault;
}

function keyOf(vault: Vault): Uint8Array {
  const key = keys.get(vault);
  if (!key) throw new Error('Not an open vault.');
  return key;
}

/** Creates a vault for the row that owns it and seals its key to every principal whose key checks out. */
export async function createVault(
  tx: Queryable,
  kind: VaultKind,
  owner: VaultOwner,
  principals: Principal[],
  actorUserId: string | null,
): Promise<Vault> {
  const [row] = await tx.query<{ id: string }>(
    'insert into vaults (kind, owner_table, owner_id) values ($1, $2, $3) returning id',
    [kind, owner.table, owner.id],
  );
  const vault = handle(row!.id, kind, newDataKey());
  for (const principal of principals) await sealKey(tx, vault, principal, actorUserId);
  return vault;
}

/** Seals the vault's key to one principal; false (and nothing sealed) when its key fails the check. */
async function sealKey(tx: Queryable, vault: Vault, principal: Principal, actorUserId: string | null): Promise<boolean> {
  if (!(await checkPrincipal(tx, principal, actorUserId))) return false;
  if (principal.kind === 'user') {
    await tx.query('delete from lost_grants where user_id = $1 and vault_id = $2', [principal.ref, vault.id]);
  }
  await tx.query(
    `insert into vault_keys (vault_id, principal_kind, principal_ref, public_key, key_tag, sealed_key, granted_by)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (vault_id, principal_kind, principal_ref) do nothing`,
    [vault.id, principal.kind, principal.ref, principal.publicKey, principal.tag, sealTo(keyOf(vault), principal.publicKey), actorUserId],
  );
  return true;
}

/**
 * Gives a principal access: only someone who holds the open vault can seal its key. Audited;
 * answers false when the principal's key fails the instance secret's check.
 */
export async function grantVault(tx: Queryable, actorUserId: string | null, vault: Vault, principal: Principal): Promise<boolean> {
  if (!(await sealKey(tx, vault, principal, actorUserId))) return false;
  await appendAudit(tx, actorUserId, { kind: 'vault.granted', vaultId: vault.id, principalKind: principal.kind, principalRef: principal.ref });
  return true;
}

export async function revokeGrant(tx: Queryable, actorUserId: string | null, vaultId: string, kind: PrincipalKind, ref: string): Promise<boolean> {
  const rows = await tx.query(
    'delete from vault_keys where vault_id = $1 and principal_kind = $2 and principal_ref = $3 returning 1',
    [vaultId, kind, ref],
  );
  if (rows.length > 0) await appendAudit(tx, actorUserId, { kind: 'vault.revoked', vaultId, principalKind: kind, principalRef: ref });
  return rows.length > 0;
}

/** Every grant a user holds is removed (deactivation). */
export async function revokeAllGrants(tx: Queryable, actorUserId: string, userId: string): Promise<number> {
  const rows = await tx.query<{ vault_id: string }>(
    "delete from vault_keys where principal_kind = 'user' and principal_ref = $1 returning vault_id",
    [userId],
  );
  for (const row of rows) {
    await appendAudit(tx, actorUserId, { kind: 'vault.revoked', vaultId: row.vault_id, principalKind: 'user', principalRef: userId });
  }
  return rows.length;
}

export async function hasGrant(tx: Queryable, vaultId: string, userId: string): Promise<boolean> {
  const rows = await tx.query(
    "select 1 from vault_keys where vault_id = $1 and principal_kind = 'user' and principal_ref = $2",
    [vaultId, userId],
  );
  return rows.length > 0;
}

/** The users who hold each of these vaults, for deciding who must still be granted what. */
export async function userHolders(tx: Queryable, vaultIds: string[]): Promise<Map<string, Set<string>>> {
  const holders = new Map(vaultIds.map((id) => [id, new Set<string>()]));
  if (vaultIds.length === 0) return holders;
  const rows = await tx.query<{ vault_id: string; principal_ref: string }>(
    "select vault_id, principal_ref from vault_keys where vault_id = any($1::uuid[]) and principal_kind = 'user'",
    [vaultIds],
  );
  for (const row of rows) holders.get(row.vault_id)?.add(row.principal_ref);
  return holders;
}

/**
 * Opens a vault with a staff user's key, writing the decryption to the audit log. Answers null
 * when the user holds no grant (or the vault was shredded), so callers treat it exactly like a
 * missing record. The vault row is share-locked until the transaction ends, so a rotation cannot
 * slip between opening and sealing.
 */
export async function openVaultAsUser(tx: Queryable, holder: KeyHolder, vaultId: string, purpose: string): Promise<Vault | null> {
  return openAs(tx, 'user', holder.userId, holder.keys, vaultId, purpose, holder.userId);
}

/** Opens a vault as a principal that is not a staff user: the receipt holder, the rebuilt recovery key. */
export async function openVaultAs(
  tx: Queryable,
  kind: Exclude<PrincipalKind, 'user'>,
  ref: string,
  keyPair: KeyPair,
  vaultId: string,
  purpose: string,
): Promise<Vault | null> {
  return openAs(tx, kind, ref, keyPair, vaultId, purpose, null);
}

async function openAs(
  tx: Queryable,
  kind: PrincipalKind,
  ref: string,
  keyPair: KeyPair,
  vaultId: string,
  purpose: string,
  actorUserId: string | null,
): Promise<Vault | null> {
  const [row] = await tx.query<{ kind: string; sealed_key: Uint8Array }>(
    `select v.kind, k.sealed_key from vaults v
     join vault_keys k on k.vault_id = v.id and k.principal_kind = $2 and k.principal_ref = $3
     where v.id = $1 and v.shredded_at is null for share of v`,
    [vaultId, kind, ref],
  );
  if (!row) return null;
  let key: Uint8Array;
  try {
    key = openSealed(row.sealed_key, keyPair);
  } catch {
    return null; // sealed to another key: a replaced row, or keys reset since
  }
  await appendAudit(tx, actorUserId, { kind: 'vault.decrypted', vaultId, purpose });
  return handle(vaultId, row.kind, key);
}

type FieldRow = Record<string, unknown> & { id: string };

async function rowsOf(tx: Queryable, field: SealedField, vaultId: string): Promise<FieldRow[]> {
  const columns = ['id', field.field, ...field.bound].map((name) => `"${name}"`).join(', ');
  return tx.query<FieldRow>(
    `select ${columns} from "${field.table}" where "${field.vaultColumn}" = $1 and "${field.field}" is not null for update`,
    [vaultId],
  );
}

async function lockVault(tx: Queryable, vaultId: string): Promise<{ kind: string } | null> {
  const [row] = await tx.query<{ kind: string }>('select kind from vaults where id = $1 and shredded_at is null for update', [vaultId]);
  return row ?? null;
}

/**
 * Rotation: every field of the vault is re-encrypted under a new key, and the new key is sealed
 * to the principals `keep` retains (each checked again). Used when someone leaves a high-risk
 * case or a conversation moves to a case team: a key they may have kept opens nothing any more.
 * Answers the new handle; the old one must not be used again.
 */
export async function rotateVault(
  tx: Queryable,
  actorUserId: string | null,
  vault: Vault,
  keep: (principal: { kind: string; ref: string }) => boolean,
  add: Principal[] = [],
): Promise<Vault> {
  if (!(await lockVault(tx, vault.id))) throw new Error('Cannot rotate a shredded or missing vault.');
  const fresh = handle(vault.id, vault.kind, newDataKey());
  let fields = 0;
  for (const field of sealedFields()) {
    for (const row of await rowsOf(tx, field, vault.id)) {
      const place = row as unknown as SealedPlace;
      const value = vault.open(field, place, row[field.field] as Uint8Array);
      await tx.query(`update "${field.table}" set "${field.field}" = $2 where id = $1`, [row.id, fresh.seal(field, place, value)]);
      fields++;
    }
  }
  const holders = await tx.query<{ principal_kind: string; principal_ref: string; public_key: Uint8Array; key_tag: Uint8Array; granted_by: string | null }>(
    'delete from vault_keys where vault_id = $1 returning principal_kind, principal_ref, public_key, key_tag, granted_by',
    [vault.id],
  );
  for (const holder of holders) {
    const principal: Principal = { kind: holder.principal_kind, ref: holder.principal_ref, publicKey: holder.public_key, tag: holder.key_tag };
    if (keep(principal)) await sealKey(tx, fresh, principal, holder.granted_by);
    else await appendAudit(tx, actorUserId, { kind: 'vault.revoked', vaultId: vault.id, principalKind: principal.kind, principalRef: principal.ref });
  }
  for (const principal of add) await grantVault(tx, actorUserId, fresh, principal);
  await tx.query('update vaults set rotated_at = now() where id = $1', [vault.id]);
  await appendAudit(tx, actorUserId, { kind: 'vault.rotated', vaultId: vault.id, fields });
  keys.delete(vault);
  return fresh;
}

/**
 * A vault nobody on the team can open yet, and that protects nothing yet (a case's psychological
 * part before its first psychologist): its key is replaced and sealed to the given principals.
 * Refused (null) as soon as the vault holds a single field: then only a holder can share it.
 */
export async function rekeyEmptyVault(tx: Queryable, actorUserId: string, vaultId: string, principals: Principal[]): Promise<Vault | null> {
  const locked = await lockVault(tx, vaultId);
  if (!locked) return null;
  for (const field of sealedFields()) {
    if ((await rowsOf(tx, field, vaultId)).length > 0) return null;
  }
  await tx.query('delete from vault_keys where vault_id = $1', [vaultId]);
  const fresh = handle(vaultId, locked.kind, newDataKey());
  for (const principal of principals) await grantVault(tx, actorUserId, fresh, principal);
  await appendAudit(tx, actorUserId, { kind: 'vault.rotated', vaultId, fields: 0 });
  return fresh;
}

/**
 * Crypto-shredding: every sealed key of the vault and every ciphertext it protects are destroyed;
 * only the fact that the vault existed (its kind, owner and dates) remains.
 */
export async function shredVault(tx: Queryable, actorUserId: string | null, vaultId: string): Promise<boolean> {
  if (!(await lockVault(tx, vaultId))) return false;
  let fields = 0;
  for (const field of sealedFields()) {
    const sql =
      field.shred === 'delete-row'
        ? `delete from "${field.table}" where "${field.vaultColumn}" = $1 returning 1`
        : `update "${field.table}" set "${field.field}" = null where "${field.vaultColumn}" = $1 and "${field.field}" is not null returning 1`;
    fields += (await tx.query(sql, [vaultId])).length;
  }
  await tx.query('delete from vault_keys where vault_id = $1', [vaultId]);
  await tx.query('delete from lost_grants where vault_id = $1', [vaultId]);
  await tx.query('update vaults set shredded_at = now() where id = $1', [vaultId]);
  await appendAudit(tx, actorUserId, { kind: 'vault.shredded', vaultId, fields });
  return true;
}

/**
 * A user's keys were replaced: their grants can no longer be opened, so they are removed, and
 * remembered as lost so that recovery gives back exactly what the user had.
 */
export async function dropGrantsOnKeyReset(tx: Queryable, userId: string): Promise<number> {
  const rows = await tx.query<{ vault_id: string }>(
    `with lost as (delete from vault_keys where principal_kind = 'user' and principal_ref = $1::text returning vault_id)
     insert into lost_grants (user_id, vault_id) select $1::uuid, vault_id from lost on conflict do nothing returning vault_id`,
    [userId],
  );
  return rows.length;
}

/** The vaults a user lost at a key reset that the recovery key can open: what recovery gives back. */
export async function recoverableLostGrants(tx: Queryable, userId: string): Promise<string[]> {
  const rows = await tx.query<{ vault_id: string }>(
    `select l.vault_id from lost_grants l
     join vault_keys k on k.vault_id = l.vault_id and k.principal_kind = 'recovery'
     where l.user_id = $1 order by l.lost_at`,
    [userId],
  );
  return rows.map((row) => row.vault_id);
}
