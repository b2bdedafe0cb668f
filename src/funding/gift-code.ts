import { hashToken, randomBytes } from '../crypto/tokens.ts';

/**
 * A donor's private gift code: shown once when they pledge, it finds their gift later (its state
 * and purpose, never a name). 28 characters of Crockford's base32 (no I, L, O or U to misread)
 * carry 140 random bits, shown in seven groups of four.
 *
 * Only a SHA-256 hash is stored. A slow key derivation (as for the help receipt, 66 bits) would
 * protect a code someone could guess; with 140 random bits, an attacker holding the database must
 * try about 2^139 hashes to find one code, so a fast hash loses nothing and lets the lookup be a
 * plain unique index.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const GIFT_CODE_LENGTH = 28;

export function newGiftCode(random: (length: number) => Uint8Array = randomBytes): string {
  // 18 bytes = 144 bits; each character takes the next 5 of them.
  let bits = 0n;
  for (const byte of random(18)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < GIFT_CODE_LENGTH; i++) code += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return code;
}

/** The code as typed (any case, spaces or dashes, O for 0, I or L for 1), or null when it cannot be one. */
export function normaliseGiftCode(text: string): string | null {
  const code = text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (code.length !== GIFT_CODE_LENGTH || [...code].some((char) => !ALPHABET.includes(char))) return null;
  return code;
}

/** Groups of four, for reading aloud or writing down. */
export function formatGiftCode(code: string): string[] {
  return code.match(/.{1,4}/g) ?? [];
}

/** What the database keeps of a code; the label keeps it apart from every other token's hash. */
export function giftCodeHash(code: string): Uint8Array {
  return hashToken(`beside/gift-code|${code}`);
}
