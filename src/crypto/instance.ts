import type { Queryable } from '../db/client.ts';
import { randomBytes, sameBytes } from './primitives.ts';
import { legacySecretCheck, secretCheck } from './instance-secret.ts';
import { RECOVERY_REF, trustNewKey, type Principal } from './principals.ts';

/**
 * What the whole installation shares: the receipt lookup salt and the recovery key as a
 * principal (its public half with the tag it was given at init; checked before every seal).
 */
export type InstanceKeys = { receiptSalt: Uint8Array; recoveryPublicKey: Uint8Array | null; recovery: Principal | null };

export async function ensureInstance(tx: Queryable): Promise<void> {
  await tx.query('insert into instance (id, receipt_salt) values (1, $1) on conflict (id) do nothing', [randomBytes(16)]);
}

export async function instanceKeys(tx: Queryable): Promise<InstanceKeys> {
  await ensureInstance(tx);
  const [row] = await tx.query<{ receipt_salt: Uint8Array; recovery_public_key: Uint8Array | null; recovery_key_tag: Uint8Array | null }>(
    'select receipt_salt, recovery_public_key, recovery_key_tag from instance where id = 1',
  );
  const publicKey = row!.recovery_public_key;
  const recovery = publicKey ? { kind: 'recovery', ref: RECOVERY_REF, publicKey, tag: row!.recovery_key_tag ?? new Uint8Array(0) } : null;
  return { receiptSalt: row!.receipt_salt, recoveryPublicKey: publicKey, recovery };
}

export async function setRecoveryKey(tx: Queryable, publicKey: Uint8Array, threshold: number, shareCount: number) {
  const { tag } = trustNewKey('recovery', RECOVERY_REF, publicKey);
  await tx.query(
    'update instance set recovery_public_key = $1, recovery_threshold = $2, recovery_share_count = $3, recovery_key_tag = $4 where id = 1',
    [publicKey, threshold, shareCount, tag],
  );
}

/** `untagged`: the right secret, recorded by a Beside from before entitlement tags (instance-setup.ts). */
export type SecretCheck = 'matches' | 'untagged' | 'unset' | 'differs';

/** Whether this process holds the secret the database was set up with. */
export async function compareInstanceSecret(tx: Queryable): Promise<SecretCheck> {
  await ensureInstance(tx);
  const [row] = await tx.query<{ secret_check: Uint8Array | null }>('select secret_check from instance where id = 1');
  if (!row?.secret_check) return 'unset';
  if (row.secret_check.length !== 32) return 'differs';
  if (sameBytes(row.secret_check, secretCheck())) return 'matches';
  return sameBytes(row.secret_check, legacySecretCheck()) ? 'untagged' : 'differs';
}

/** Records the secret in use (as a check value, never the secret) and tags the recovery key with it. */
export async function adoptInstanceSecret(tx: Queryable): Promise<void> {
  await ensureInstance(tx);
  await tx.query('update instance set secret_check = $1 where id = 1', [secretCheck()]);
  const [row] = await tx.query<{ recovery_public_key: Uint8Array | null }>('select recovery_public_key from instance where id = 1');
  if (row?.recovery_public_key) {
    await tx.query('update instance set recovery_key_tag = $1 where id = 1', [trustNewKey('recovery', RECOVERY_REF, row.recovery_public_key).tag]);
  }
}

/** Records that the installation's entitlements now carry tags: the newer check, nothing else re-tagged. */
export async function recordEntitlementTags(tx: Queryable): Promise<void> {
  await tx.query('update instance set secret_check = $1 where id = 1', [secretCheck()]);
}
