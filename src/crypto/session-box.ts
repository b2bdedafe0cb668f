import { decryptBytes, decryptJson, encryptBytes, encryptJson, publicKeyOf, sessionKey, type KeyPair } from './primitives.ts';

/**
 * What a session row keeps encrypted with a secret that lives only in its cookie: the user's
 * private key, and a TOTP secret during enrolment. The recovery shares, kept until the first
 * administrator confirms them, are sealed the same way under a cookie of their own.
 */
const place = (idHash: Uint8Array, field: string) => ({ table: 'sessions', row: Buffer.from(idHash).toString('hex'), field });

export function sealForSession(cookieSecret: Uint8Array, idHash: Uint8Array, field: 'key' | 'totp', value: Uint8Array): Uint8Array {
  return encryptBytes(sessionKey(cookieSecret), value, place(idHash, field));
}

/** Throws when the cookie's secret is not the one the row was sealed with (a forged cookie). */
export function openForSession(cookieSecret: Uint8Array, idHash: Uint8Array, field: 'key' | 'totp', box: Uint8Array): Uint8Array {
  return decryptBytes(sessionKey(cookieSecret), box, place(idHash, field));
}

const sharesPlace = (idHash: Uint8Array) => ({ table: 'shown_recovery_shares', row: Buffer.from(idHash).toString('hex'), field: 'shares_box' });

export function sealSharesForCookie(cookieSecret: Uint8Array, idHash: Uint8Array, value: unknown): Uint8Array {
  return encryptJson(sessionKey(cookieSecret), value, sharesPlace(idHash));
}

/** Throws when the cookie's secret is not the one the row was sealed with. */
export function openSharesForCookie(cookieSecret: Uint8Array, idHash: Uint8Array, box: Uint8Array): unknown {
  return decryptJson(sessionKey(cookieSecret), box, sharesPlace(idHash));
}

export function keyPairOf(privateKey: Uint8Array): KeyPair {
  return { publicKey: publicKeyOf(privateKey), privateKey };
}
