import { createHash, hkdfSync, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import sodium from 'libsodium-wrappers';

// libsodium loads its WebAssembly once; every function below may then be called synchronously.
await sodium.ready;

export type KeyPair = { publicKey: Uint8Array; privateKey: Uint8Array };

/**
 * Only files in src/crypto/ import this module (a test enforces it): domain code gets vault
 * handles, key boxes and tokens from the modules beside it, never a primitive or a raw key.
 */

/** Binds a ciphertext to the place it lives, so it cannot be moved to another row or field. */
export type FieldPlace = { table: string; row: string; field: string };

/** Receipts and lookups: derived on every visit of a frightened person on a cheap phone's server round trip. */
const ARGON2_KEY = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/**
 * Staff private keys: a stolen database must make each password guess expensive. The cost is
 * stored with each key ("argon2id:m=…,t=…,p=1"), so it can be raised later and a key always opens
 * with the cost it was made with: 128 MiB and 8 passes, ≈0.37 s a login on the machines we measured
 * (bench/login.ts). The test runner lowers the cost for new keys (BESIDE_TEST_CHEAP_KDF=1).
 */
export type StaffKdf = { memoryCost: number; timeCost: number };
if (process.env.BESIDE_TEST_CHEAP_KDF === '1' && process.env.NODE_ENV === 'production') {
  throw new Error('BESIDE_TEST_CHEAP_KDF is for the test suite only; unset it in production.');
}
const CHEAP_FOR_TESTS = process.env.BESIDE_TEST_CHEAP_KDF === '1';
export const STAFF_KDF: StaffKdf = CHEAP_FOR_TESTS ? { memoryCost: 8192, timeCost: 1 } : { memoryCost: 131072, timeCost: 8 };

export function formatKdf(kdf: StaffKdf): string {
  return `argon2id:m=${kdf.memoryCost},t=${kdf.timeCost},p=1`;
}

export function parseKdf(text: string): StaffKdf {
  const match = /^argon2id:m=(\d+),t=(\d+),p=1$/.exec(text);
  if (!match) throw new Error('Unknown key derivation parameters.');
  const kdf = { memoryCost: Number(match[1]), timeCost: Number(match[2]) };
  if (kdf.memoryCost < 8192 || kdf.timeCost < 1) throw new Error('Key derivation parameters below the minimum.');
  return kdf;
}

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length));
}

/** A URL-safe random token of 256 bits, for links and session cookies. */
export function randomToken(): string {
  return nodeRandomBytes(32).toString('base64url');
}

export function sha256(data: string | Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newDataKey(): Uint8Array {
  return sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
}

function placeBytes(place: FieldPlace | Uint8Array): Uint8Array {
  if (place instanceof Uint8Array) return place;
  return new TextEncoder().encode(`beside/v1|${place.table}|${place.row}|${place.field}`);
}

/** XChaCha20-Poly1305 with the field's place as associated data; returns nonce ‖ ciphertext. */
export function encryptBytes(key: Uint8Array, plaintext: Uint8Array, place: FieldPlace | Uint8Array): Uint8Array {
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, placeBytes(place), null, nonce, key);
  const out = new Uint8Array(nonce.length + sealed.length);
  out.set(nonce);
  out.set(sealed, nonce.length);
  return out;
}

/** Throws when the key is wrong or the ciphertext was changed or moved. */
export function decryptBytes(key: Uint8Array, box: Uint8Array, place: FieldPlace | Uint8Array): Uint8Array {
  const size = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, box.subarray(size), placeBytes(place), box.subarray(0, size), key);
}

export function encryptJson(key: Uint8Array, value: unknown, place: FieldPlace): Uint8Array {
  return encryptBytes(key, new TextEncoder().encode(JSON.stringify(value)), place);
}

export function decryptJson(key: Uint8Array, box: Uint8Array, place: FieldPlace): unknown {
  return JSON.parse(new TextDecoder().decode(decryptBytes(key, box, place)));
}

export function generateKeyPair(): KeyPair {
  const pair = sodium.crypto_box_keypair();
  return { publicKey: pair.publicKey, privateKey: pair.privateKey };
}

export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  const pair = sodium.crypto_box_seed_keypair(seed);
  return { publicKey: pair.publicKey, privateKey: pair.privateKey };
}

export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return sodium.crypto_scalarmult_base(privateKey);
}

/** Anonymous public-key encryption (X25519 sealed box): only the holder of the private key opens it. */
export function seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sodium.crypto_box_seal(message, publicKey);
}

export function openSealed(sealed: Uint8Array, keys: KeyPair): Uint8Array {
  return sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.privateKey);
}

/** A 256-bit key from a password or receipt with argon2id, so a stolen database gives no fast guessing. */
export async function deriveKey(secret: string, salt: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await hashRaw(secret, { ...ARGON2_KEY, salt: Buffer.from(salt) }));
}

/** The key that opens a staff member's private key, from their password: the expensive cost. */
export async function deriveStaffKey(password: string, salt: Uint8Array, kdf: StaffKdf): Promise<Uint8Array> {
  return new Uint8Array(await hashRaw(password, { ...kdf, parallelism: 1, outputLen: 32, salt: Buffer.from(salt) }));
}

/** A key for one session's encrypted row, from the 256-bit secret that lives only in its cookie. */
export function sessionKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), 'beside/v1 session', 32));
}
