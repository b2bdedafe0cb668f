import { decryptBytes, deriveKey, encryptBytes, randomBytes } from './primitives.ts';

/** A file sealed with a passphrase (backups): salt ‖ XChaCha20-Poly1305, key from argon2id. */
const SALT_BYTES = 16;
const PLACE = { table: 'backup', row: 'file', field: 'v1' };

export async function sealWithPassphrase(passphrase: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(passphrase, salt);
  try {
    return Buffer.concat([salt, encryptBytes(key, plaintext, PLACE)]);
  } finally {
    key.fill(0);
  }
}

/** Throws when the passphrase is wrong or a byte was changed. */
export async function openWithPassphrase(passphrase: string, sealed: Uint8Array): Promise<Uint8Array> {
  const key = await deriveKey(passphrase, sealed.subarray(0, SALT_BYTES));
  try {
    return decryptBytes(key, sealed.subarray(SALT_BYTES), PLACE);
  } finally {
    key.fill(0);
  }
}
