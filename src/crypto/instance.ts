import type { Queryable } from '../db/client.ts';
import { randomBytes, sha256 } from './primitives.ts';

/** What the whole installation shares: the receipt lookup salt and the recovery public key. */
export type InstanceKeys = { receiptSalt: Uint8Array; recoveryPublicKey: Uint8Array | null };

export async function ensureInstance(tx: Queryable): Promise<void> {
  await tx.query('insert into instance (id, receipt_salt) values (1, $1) on conflict (id) do nothing', [randomBytes(16)]);
}

export async function instanceKeys(tx: Queryable): Promise<InstanceKeys> {
  await ensureInstance(tx);
  const [row] = await tx.query<{ receipt_salt: Uint8Array; recovery_public_key: Uint8Array | null }>(
    'select receipt_salt, recovery_public_key from instance where id = 1',
  );
  return { receiptSalt: row!.receipt_salt, recoveryPublicKey: row!.recovery_public_key };
}

export async function setRecoveryKey(tx: Queryable, publicKey: Uint8Array, threshold: number, shareCount: number) {
  await tx.query(
    'update instance set recovery_public_key = $1, recovery_threshold = $2, recovery_share_count = $3 where id = 1',
    [publicKey, threshold, shareCount],
  );
}

/** Stores the hash of a one-time setup token; the token itself is printed once and never stored. */
export async function setSetupToken(tx: Queryable, token: string | null): Promise<void> {
  await ensureInstance(tx);
  await tx.query('update instance set setup_token_hash = $1 where id = 1', [token ? sha256(token) : null]);
}

export async function setupTokenHash(tx: Queryable): Promise<Uint8Array | null> {
  await ensureInstance(tx);
  const [row] = await tx.query<{ setup_token_hash: Uint8Array | null }>('select setup_token_hash from instance where id = 1');
  return row?.setup_token_hash ?? null;
}
