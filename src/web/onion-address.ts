import { createHash } from 'node:crypto';

/**
 * A v3 onion address as an operator types it ("…56 letters….onion"), checked down to its built-in
 * checksum: a typo would send every Tor Browser user to an address nobody controls, or somebody
 * else does. Answers the address in lower case, or null.
 *
 * The 56 base32 characters carry the service's ed25519 key (32 bytes), a 2-byte checksum and the
 * version (3); the checksum is SHA3-256(".onion checksum" ‖ key ‖ version), first two bytes.
 */
export function parseOnionAddress(text: string): string | null {
  const address = text.trim().toLowerCase();
  const match = /^([a-z2-7]{56})\.onion$/.exec(address);
  if (!match) return null;
  const bytes = base32Decode(match[1]!);
  const key = bytes.subarray(0, 32);
  const checksum = bytes.subarray(32, 34);
  const version = bytes.subarray(34, 35);
  if (version[0] !== 3) return null;
  const expected = createHash('sha3-256').update('.onion checksum').update(key).update(version).digest();
  return expected[0] === checksum[0] && expected[1] === checksum[1] ? address : null;
}

/** RFC 4648 base32 without padding; 56 characters give exactly 35 bytes. */
function base32Decode(text: string): Uint8Array {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    buffer = (buffer << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}
