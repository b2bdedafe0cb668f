import { donorMailKey, donorTagMac } from './instance-secret.ts';
import { decryptBytes, encryptBytes } from './primitives.ts';

/**
 * What the server itself must read to e-mail a donor (a thank-you, a yearly statement), unlike
 * the donor vault, which only the treasurers open. Encrypted under a key derived from the
 * instance secret, bound to its table, row and field: a stolen database alone reads nothing, and
 * a box moved to another gift or request does not open. Kept only until the e-mail has gone.
 */
export type MailPlace = { table: 'gift_thanks' | 'gift_statement_requests'; row: string };

export function sealForMail(place: MailPlace, text: string): Uint8Array {
  return encryptBytes(donorMailKey(), new TextEncoder().encode(text), { ...place, field: 'box' });
}

/** The text, or null when the box does not open here (changed, moved, or another instance's). */
export function openForMail(place: MailPlace, box: Uint8Array): string | null {
  try {
    return new TextDecoder().decode(decryptBytes(donorMailKey(), box, { ...place, field: 'box' }));
  } catch {
    return null;
  }
}

/** How an address is compared: case and surrounding space do not make another donor. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/**
 * A donor's tag: the same address always gives the same 32 bytes, and without the instance
 * secret nobody can test a guessed address against the tags in a stolen database.
 */
export function donorTag(email: string): Uint8Array {
  return donorTagMac(normaliseEmail(email));
}
