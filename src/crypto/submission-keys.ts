import { submissionMac } from './instance-secret.ts';
import { decryptBytes, encryptBytes } from './primitives.ts';

/**
 * Recognising a help form posted twice (a reload, a double tap) without storing what it says.
 * The form is a static page, so nothing per visit can tell two posts apart: their content does.
 *
 * - `fingerprint`: a keyed hash (instance secret) of the normalised content. The database holds
 *   it for a few minutes; without the secret nobody can test a guess of the content against it.
 * - the receipt of the first post is sealed under a key derived from the same content and the
 *   secret: whoever posts the same content again sees the same code, and nobody else can read it.
 */
export type SubmissionKeys = {
  fingerprint: Uint8Array;
  sealReceipt(receipt: string): Uint8Array;
  /** The sealed receipt, or null when the box does not open (changed, or another content). */
  openReceipt(box: Uint8Array): string | null;
};

/** `where`: the table and column that keep the sealed code (another form than the help form: a gift's pledge). */
export function submissionKeys(normalised: string, where: { table: string; field: string } = { table: 'help_submissions', field: 'receipt_box' }): SubmissionKeys {
  const fingerprint = submissionMac(['fingerprint', normalised]);
  const key = submissionMac(['receipt-key', normalised]);
  const place = { table: where.table, row: Buffer.from(fingerprint).toString('hex'), field: where.field };
  return {
    fingerprint,
    sealReceipt: (receipt) => encryptBytes(key, new TextEncoder().encode(receipt), place),
    openReceipt: (box) => {
      try {
        return new TextDecoder().decode(decryptBytes(key, box, place));
      } catch {
        return null;
      }
    },
  };
}
