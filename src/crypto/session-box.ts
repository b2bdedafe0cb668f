import { decryptBytes, encryptBytes, publicKeyOf, sessionKey, type KeyPair } from './primitives.ts';

/**
 * What a session row keeps encrypted with a secret that lives only in its cookie: the user's
 * private key, and a TOTP secret during enrolment.
 */
const place = (idHash: Uint8Array, field: string) => ({ table: 'sessions', row: Buffer.from(idHash).toString('hex'), field });

export function sealForSession(cookieSecret: Uint8Array, idHash: Uint8Array, field: 'key' | 'totp', value: Uint8Array): Uint8Array {
  return encryptBytes(sessionKey(cookieSecret), value, place(idHash, field));
}

/** Throws when the cookie's secret is not the one the row was sealed with (a forged cookie). */
export function openForSession(cookieSecret: Uint8Array, idHash: Uint8Array, field: 'key' | 'totp', box: Uint8Array): Uint8Array {
  return decryptBytes(sessionKey(cookieSecret), box, place(idHash, field));
}

export function keyPairOf(privateKey: Uint8Array): KeyPair {
  return { publicKey: publicKeyOf(privateKey), privateKey };
}
