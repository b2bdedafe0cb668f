import type { Queryable } from '../db/client.ts';
import { hashToken, randomToken, sameBytes } from '../crypto/tokens.ts';

/** How long the one-time setup link works; after that, restarting Beside prints a new one. */
export const SETUP_LINK_HOURS = 24;

/**
 * Stores the hash of a new one-time setup token with its expiry, replacing any earlier one, and
 * answers the token. The token itself is printed once, to the console that started Beside, and
 * is never stored, logged or shown on a page.
 */
export async function newSetupToken(tx: Queryable): Promise<string> {
  const token = randomToken();
  await tx.query(
    `update instance set setup_token_hash = $1, setup_token_expires_at = now() + make_interval(hours => $2::int) where id = 1`,
    [hashToken(token), SETUP_LINK_HOURS],
  );
  return token;
}

/** Once Beside is set up, no setup link works again. */
export async function clearSetupToken(tx: Queryable): Promise<void> {
  await tx.query('update instance set setup_token_hash = null, setup_token_expires_at = null where id = 1');
}

/** Whether the token is the stored one and has not expired (a token stored without an expiry never works). */
export async function setupTokenMatches(tx: Queryable, token: string): Promise<boolean> {
  const [row] = await tx.query<{ setup_token_hash: Uint8Array }>(
    'select setup_token_hash from instance where id = 1 and setup_token_hash is not null and setup_token_expires_at > now()',
  );
  return row !== undefined && sameBytes(row.setup_token_hash, hashToken(token));
}
