import { randomBytes, randomToken, sameBytes, sha256 } from './primitives.ts';

/**
 * Random tokens and their hashes, for links, cookies and lookups that are not sealed data: the
 * database keeps the hash of a token, never the token.
 */
export { randomBytes, randomToken, sameBytes };

export function hashToken(token: string | Uint8Array): Uint8Array {
  return sha256(token);
}
