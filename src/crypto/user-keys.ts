import { decryptBytes, deriveStaffKey, encryptBytes, formatKdf, generateKeyPair, openSealed, parseKdf, randomBytes, seal, STAFF_KDF, type KeyPair } from './primitives.ts';
import { inKeyDerivationQueue } from './kdf-queue.ts';

/**
 * A staff member's key pair. The private half is stored encrypted with a key derived from their
 * password (argon2id at the staff cost). Opening it is also the login's password check: Beside
 * keeps no other hash of the password, so a stolen database gives no cheaper way to test guesses.
 */
export type StoredUserKeys = { publicKey: Uint8Array; privateKeyBox: Uint8Array; keySalt: Uint8Array; kdf: string };

const privateKeyPlace = (userId: string) => ({ table: 'users', row: userId, field: 'private_key' });

export async function newUserKeys(userId: string, password: string): Promise<StoredUserKeys> {
  const keys = generateKeyPair();
  const keySalt = randomBytes(16);
  const key = await deriveStaffKey(password, keySalt, STAFF_KDF);
  try {
    return { publicKey: keys.publicKey, privateKeyBox: encryptBytes(key, keys.privateKey, privateKeyPlace(userId)), keySalt, kdf: formatKdf(STAFF_KDF) };
  } finally {
    key.fill(0);
    keys.privateKey.fill(0);
  }
}

/**
 * Opens the private key with the password; throws when the password or the stored box is wrong.
 * Logins are open to anyone, so the derivation waits in the bounded queue (kdf-queue.ts).
 */
export async function openUserKeys(userId: string, password: string, stored: StoredUserKeys): Promise<KeyPair> {
  const kdf = parseKdf(stored.kdf);
  const key = await inKeyDerivationQueue(() => deriveStaffKey(password, stored.keySalt, kdf));
  try {
    return { publicKey: stored.publicKey, privateKey: decryptBytes(key, stored.privateKeyBox, privateKeyPlace(userId)) };
  } finally {
    key.fill(0);
  }
}

/**
 * The derivation a login costs, spent for a login that names nobody, so the time of the answer
 * does not tell whether an account exists. It waits in the queue like a real one.
 */
export async function spendUserKeyDerivation(password: string): Promise<void> {
  const key = await inKeyDerivationQueue(() => deriveStaffKey(password, randomBytes(16), STAFF_KDF));
  key.fill(0);
}

/** Something only the user can read again after their password opened their key (their TOTP secret). */
export function sealToOwnKey(publicKey: Uint8Array, text: string): Uint8Array {
  return seal(new TextEncoder().encode(text), publicKey);
}

export function openOwnSealed(keys: KeyPair, box: Uint8Array): string {
  return new TextDecoder().decode(openSealed(box, keys));
}
