import type { Queryable } from '../db/client.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { combineShares } from '../crypto/recovery.ts';

/** The shares as the page that shows them once needs them: with their rule and their date. */
export type RecoveryShares = { shares: string[]; threshold: number; createdAt: Date };

/**
 * The shares page cannot read the shares back from anywhere (they are never stored), so its
 * confirmation form carries them, and a refused confirmation shows them again. Only shares that
 * rebuild this installation's recovery key are shown: the form cannot be made to display text of
 * someone else's choosing as if it were our recovery key. Every share is checked, not just
 * enough of them: a mistyped or swapped one would otherwise be printed and trusted.
 */
export async function recoverySharesOf(tx: Queryable, shares: string[]): Promise<RecoveryShares | null> {
  const { recoveryPublicKey } = await instanceKeys(tx);
  const [row] = await tx.query<{ threshold: number | null; count: number | null; created_at: Date | null }>(
    'select recovery_threshold as threshold, recovery_share_count as count, coalesce(initialised_at, created_at) as created_at from instance where id = 1',
  );
  if (!recoveryPublicKey || !row?.threshold || !row.count || !row.created_at || shares.length !== row.count) return null;
  // The same share twice would pass the check below in place of a missing one.
  if (new Set(shares.map((share) => share.toLowerCase().replace(/[^0-9a-f]/g, ''))).size !== shares.length) return null;
  const base = shares.slice(0, row.threshold - 1);
  try {
    // The first `threshold` shares rebuild the key; each later one must too, in place of the last.
    for (const share of shares.slice(row.threshold - 1)) (await combineShares([...base, share], recoveryPublicKey)).privateKey.fill(0);
  } catch {
    return null;
  }
  return { shares, threshold: row.threshold, createdAt: row.created_at };
}
