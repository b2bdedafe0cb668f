import { randomBytes } from 'node:crypto';

/**
 * ISO 11649 structured creditor references ("RF18 5390 0754 7034"): what a donor who pays by bank
 * transfer puts in the payment, so the bank statement names the pledge it pays.
 *
 * Our references have a body of 20 random decimal digits: "RF" + 2 check digits + 20 digits is 24
 * characters, within the standard's 25, and prints as six groups of four. Digits only, because:
 * - nothing can be misread (no O/0, I/1/l) and a phone's number pad types it;
 * - the mod-97 check then catches every single changed digit and every swap of two neighbouring
 *   digits (with letters, which count as two digits each, some swaps such as "B1"/"1B" slip
 *   through);
 * - 20 digits carry 66 bits: among a million pledges the chance that two ever share a reference is
 *   about 5 in 10⁹. The database's unique constraint still has the last word (draw again).
 */
export const RF_BODY_DIGITS = 20;

const MAX_LENGTH = 25;

/** A new reference in its compact form ("RF…", no spaces). `random` is for tests only. */
export function newRfReference(random: (size: number) => Uint8Array = randomBytes): string {
  let body = '';
  while (body.length < RF_BODY_DIGITS) {
    for (const byte of random(RF_BODY_DIGITS)) {
      // 250 is the largest multiple of 10 below 256: rejecting the rest keeps every digit equally likely.
      if (byte < 250 && body.length < RF_BODY_DIGITS) body += String(byte % 10);
    }
  }
  return `RF${checkDigits(body)}${body}`;
}

/** What a person typed, compact and upper-case ("rf18 5390…" → "RF185390…"), or null if not a valid reference. */
export function normaliseRfReference(text: string): string | null {
  const compact = text.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (!/^RF\d{2}[0-9A-Z]{1,21}$/.test(compact) || compact.length > MAX_LENGTH) return null;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1 ? compact : null;
}

export function isValidRfReference(text: string): boolean {
  return normaliseRfReference(text) !== null;
}

/** Groups of four for print ("RF18 5390 0754 7034"); the last group may be shorter. */
export function formatRfReference(ref: string): string {
  const compact = ref.replace(/\s/g, '').toUpperCase();
  return compact.match(/.{1,4}/g)?.join(' ') ?? '';
}

/**
 * The first valid RF reference inside free text, compact, or null. Donors often type the reference
 * into the description instead of the reference field; banks then report it as unstructured text,
 * with the spaces, dashes or dots the donor used between groups.
 */
export function findRfReference(text: string): string | null {
  for (const match of text.toUpperCase().matchAll(/(?<![A-Z0-9])RF[\s.\-]*\d[\d\s.\-]*\d/g)) {
    const digits = match[0].slice(2).replace(/[\s.\-]/g, '');
    // Our own length first: digits that follow it ("… 7034 2026-03-01") belong to something else.
    // Trying every shorter prefix instead would accept a wrong one about once in 97 tries.
    for (const candidate of new Set([digits.slice(0, RF_BODY_DIGITS + 2), digits])) {
      const reference = normaliseRfReference(`RF${candidate}`);
      if (reference) return reference;
    }
  }
  return null;
}

function checkDigits(body: string): string {
  return String(98 - mod97(`${body}RF00`)).padStart(2, '0');
}

/** ISO 7064 MOD 97-10 over letters-as-numbers (A = 10 … Z = 35), a few digits at a time. */
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const value = Number.parseInt(char, 36);
    remainder = (remainder * (value > 9 ? 100 : 10) + value) % 97;
  }
  return remainder;
}
