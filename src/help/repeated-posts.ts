import type { Queryable } from '../db/client.ts';
import type { SubmissionKeys } from '../crypto/submission-keys.ts';

/**
 * How long a help form's post is remembered: long enough for a reload, a double tap or a retry
 * on a bad connection; short, because the first post's receipt is kept (sealed) for that time.
 */
export const REPEAT_WINDOW_MINUTES = 15;

/** Forgets every post older than the window, with its sealed receipt. */
export async function forgetExpiredPosts(db: Queryable): Promise<void> {
  await db.query('delete from help_submissions where expires_at <= now()');
}

/** The receipt of an earlier post of the same content within the window, or null. */
export async function earlierReceipt(db: Queryable, keys: SubmissionKeys): Promise<string | null> {
  const [row] = await db.query<{ receipt_box: Uint8Array }>(
    'select receipt_box from help_submissions where fingerprint = $1 and expires_at > now()',
    [keys.fingerprint],
  );
  return row ? keys.openReceipt(row.receipt_box) : null;
}

/**
 * Claims the content for this post, keeping its receipt sealed. False when another post of the
 * same content claimed it first: on PostgreSQL a concurrent claim waits on the primary key until
 * the first transaction ends, then finds its row. An expired row is taken over.
 */
export async function claimPost(tx: Queryable, keys: SubmissionKeys, receipt: string): Promise<boolean> {
  const rows = await tx.query(
    `insert into help_submissions (fingerprint, receipt_box, expires_at)
     values ($1, $2, now() + make_interval(mins => $3))
     on conflict (fingerprint) do update set receipt_box = excluded.receipt_box, expires_at = excluded.expires_at
       where help_submissions.expires_at <= now()
     returning fingerprint`,
    [keys.fingerprint, keys.sealReceipt(receipt), REPEAT_WINDOW_MINUTES],
  );
  return rows.length === 1;
}

/** Ties the claimed post to the request it made. */
export async function linkPost(tx: Queryable, keys: SubmissionKeys, requestId: string): Promise<void> {
  await tx.query('update help_submissions set request_id = $2 where fingerprint = $1', [keys.fingerprint, requestId]);
}

/** Forgets the post that made a request, when the request is erased. */
export async function forgetPostOf(tx: Queryable, requestId: string): Promise<void> {
  await tx.query('delete from help_submissions where request_id = $1', [requestId]);
}
