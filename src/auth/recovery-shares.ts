import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { openSharesForCookie, sealSharesForCookie } from '../crypto/session-box.ts';
import { hashToken, randomBytes } from '../crypto/tokens.ts';
import { parseCookie } from './sessions.ts';

/** The shares as the page that shows them needs them: with their rule and their date. */
export type RecoveryShares = { shares: string[]; threshold: number; createdAt: Date };

/**
 * How long the shares stay after the setup form, unless confirmed sooner: long enough to find a
 * printer, short enough that a forgotten browser does not keep them.
 */
export const SHARES_KEPT_MS = 60 * 60 * 1000;

const kept = z.object({
  shares: z.array(z.string().max(100)).min(2).max(20),
  threshold: z.number().int().min(1).max(20),
  createdAt: z.string().datetime(),
});

/**
 * Keeps the shares until they are confirmed or expire, so that a reload or Back shows them again.
 * They are sealed with a random secret that lives only in the answer, the cookie's value
 * ("id.secret", never stored): the database alone holds no share, as with sessions.
 */
export async function keepShares(tx: Queryable, recovery: RecoveryShares, now = new Date()): Promise<string> {
  await forgetExpiredShares(tx, now);
  const id = randomBytes(32);
  const secret = randomBytes(32);
  const idHash = hashToken(id);
  const box = sealSharesForCookie(secret, idHash, { ...recovery, createdAt: recovery.createdAt.toISOString() });
  await tx.query('insert into shown_recovery_shares (id_hash, shares_box, expires_at) values ($1, $2, $3)', [
    idHash,
    box,
    new Date(now.getTime() + SHARES_KEPT_MS),
  ]);
  return `${Buffer.from(id).toString('base64url')}.${Buffer.from(secret).toString('base64url')}`;
}

/** The shares a cookie keeps; null when it is missing, tampered with, confirmed or expired. */
export async function keptShares(tx: Queryable, cookie: string | undefined, now = new Date()): Promise<RecoveryShares | null> {
  await forgetExpiredShares(tx, now);
  const parsed = cookie ? parseCookie(cookie) : null;
  if (!parsed) return null;
  const [row] = await tx.query<{ shares_box: Uint8Array }>('select shares_box from shown_recovery_shares where id_hash = $1', [parsed.idHash]);
  if (!row) return null;
  let opened: unknown;
  try {
    opened = openSharesForCookie(parsed.secret, parsed.idHash, row.shares_box);
  } catch {
    return null; // the right id with a wrong secret: a forged cookie
  }
  const recovery = kept.parse(opened);
  return { shares: recovery.shares, threshold: recovery.threshold, createdAt: new Date(recovery.createdAt) };
}

/** Once confirmed, the shares are deleted; a cookie that names nothing changes nothing. */
export async function forgetShares(tx: Queryable, cookie: string | undefined): Promise<void> {
  const parsed = cookie ? parseCookie(cookie) : null;
  if (parsed) await tx.query('delete from shown_recovery_shares where id_hash = $1', [parsed.idHash]);
}

async function forgetExpiredShares(tx: Queryable, now: Date): Promise<void> {
  await tx.query('delete from shown_recovery_shares where expires_at <= $1', [now]);
}
