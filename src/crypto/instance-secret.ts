import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The instance secret: 256 bits that live outside the database (a file in the data directory
 * with owner-only permissions, or BESIDE_INSTANCE_SECRET). Someone who can write to the database
 * but not read this secret cannot forge what it authenticates: the public keys Beside seals to,
 * what entitles staff (roles, a coordinator's confirmation, a place on a case team), and the
 * audit chain. Every process of one installation must use the same secret.
 */
const SECRET_BYTES = 32;
export const SECRET_FILE = 'instance.key';
export const SECRET_ENV = 'BESIDE_INSTANCE_SECRET';

type Derived = { keyTag: Buffer; entitlement: Buffer; audit: Buffer; check: Buffer; submission: Buffer; donorMail: Buffer; donorTag: Buffer };
let current: Derived | null = null;

function derive(secret: Uint8Array, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), `beside/v2 ${label}`, 32));
}

/** Makes a secret the one this process uses; every check and every audit entry depends on it. */
export function useInstanceSecret(secret: Uint8Array): void {
  if (secret.length !== SECRET_BYTES) throw new Error(`The instance secret must be ${SECRET_BYTES} bytes.`);
  current = {
    keyTag: derive(secret, 'key-tag'),
    entitlement: derive(secret, 'entitlement'),
    audit: derive(secret, 'audit'),
    check: derive(secret, 'check'),
    submission: derive(secret, 'submission'),
    donorMail: derive(secret, 'donor-mail'),
    donorTag: derive(secret, 'donor-tag'),
  };
}

function derived(): Derived {
  if (!current) throw new Error('No instance secret in use: call useInstanceSecret() at start.');
  return current;
}

export function hasInstanceSecret(): boolean {
  return current !== null;
}

/** Parses the secret as written in the file or the environment: base64 or hex of 32 bytes. */
export function parseInstanceSecret(text: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== SECRET_BYTES) throw new Error(`The instance secret must be ${SECRET_BYTES} bytes, written in base64 or hex.`);
  return new Uint8Array(bytes);
}

export function secretFilePath(dataDir: string): string {
  return join(dataDir, SECRET_FILE);
}

/** The configured secret, from the environment or the data directory, or null when there is none yet. */
export function readInstanceSecret(dataDir: string, env: Record<string, string | undefined> = process.env): Uint8Array | null {
  const fromEnv = env[SECRET_ENV];
  if (fromEnv) return parseInstanceSecret(fromEnv);
  const file = secretFilePath(dataDir);
  return existsSync(file) ? parseInstanceSecret(readFileSync(file, 'utf8')) : null;
}

/** Creates the secret file (owner may read and write, nobody else), refusing to replace one. */
export function createInstanceSecretFile(dataDir: string): Uint8Array {
  const file = secretFilePath(dataDir);
  mkdirSync(dirname(file), { recursive: true });
  const secret = new Uint8Array(randomBytes(SECRET_BYTES));
  writeFileSync(file, `${Buffer.from(secret).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

function mac(key: Buffer, parts: readonly (string | Uint8Array)[]): Uint8Array {
  const hmac = createHmac('sha256', key);
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : Buffer.from(part);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length).update(bytes);
  }
  return new Uint8Array(hmac.digest());
}

/** Authenticates a public key as belonging to one principal (kind and reference). */
export function keyTag(kind: string, ref: string, publicKey: Uint8Array): Uint8Array {
  return mac(derived().keyTag, ['principal-key', kind, ref, publicKey]);
}

/** Authenticates what entitles someone to read (src/crypto/entitlements.ts encodes it). */
export function entitlementMac(parts: readonly (string | Uint8Array)[]): Uint8Array {
  return mac(derived().entitlement, ['entitlement', ...parts]);
}

/** A keyed hash for the audit chain: without the secret nobody can recompute it. */
export function auditMac(parts: readonly (string | Uint8Array)[]): Uint8Array {
  return mac(derived().audit, ['audit', ...parts]);
}

/** A keyed hash of a help form's content, to recognise a repeated post (see submission-keys.ts). */
export function submissionMac(parts: readonly (string | Uint8Array)[]): Uint8Array {
  return mac(derived().submission, ['submission', ...parts]);
}

/** A keyed tag of a donor's normalised e-mail address (src/crypto/donor-mail-box.ts). */
export function donorTagMac(normalisedEmail: string): Uint8Array {
  return mac(derived().donorTag, ['donor-tag', normalisedEmail]);
}

/** The key of what the server keeps to e-mail a donor; only src/crypto/donor-mail-box.ts uses it. */
export function donorMailKey(): Uint8Array {
  return new Uint8Array(derived().donorMail);
}

/**
 * A value stored in the database that tells whether a process holds the installation's secret.
 * It also says that the installation's entitlements carry tags: a database that still holds the
 * check of a Beside from before entitlement tags (legacySecretCheck) has its rows tagged once,
 * at the first start of this version (instance-setup.ts), and no later start tags anything.
 */
export function secretCheck(): Uint8Array {
  return mac(derived().check, ['check', 'entitlements-tagged']);
}

/** The check a Beside from before entitlement tags stored. */
export function legacySecretCheck(): Uint8Array {
  return mac(derived().check, ['check']);
}
