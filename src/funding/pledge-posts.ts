import type { Queryable } from '../db/client.ts';
import { submissionKeys, type SubmissionKeys } from '../crypto/submission-keys.ts';
import type { GiveRequest } from './give-form.ts';

/**
 * A Give form posted twice (a reload of the answer, a double tap) makes one pledge. The form
 * carries a random key of its own; the key and what was asked make a fingerprint (keyed with the
 * instance secret), kept a few minutes with the gift code sealed under a key derived from the
 * same post. Whoever posts the same form again sees the same pledge and code; a changed form (an
 * amount typed anew after Back) is a new pledge.
 */
export const REPEAT_WINDOW_MINUTES = 15;

export function pledgeKeys(request: GiveRequest, way: readonly string[] = ['gift-pledge']): SubmissionKeys {
  const post = JSON.stringify([...way, request.key, String(request.amountCents), request.purpose, request.display, request.name, request.email, request.receipt, request.message]);
  return submissionKeys(post.normalize('NFC'), { table: 'gift_submissions', field: 'code_box' });
}

export async function forgetExpiredPledgePosts(db: Queryable): Promise<void> {
  await db.query('delete from gift_submissions where expires_at <= now()');
}

/** The gift and its code of an earlier post of the same form within the window, or null. */
export async function earlierPledge(db: Queryable, keys: SubmissionKeys): Promise<{ giftId: string; code: string } | null> {
  const [row] = await db.query<{ gift_id: string | null; code_box: Uint8Array }>(
    'select gift_id, code_box from gift_submissions where fingerprint = $1 and expires_at > now()',
    [keys.fingerprint],
  );
  const code = row?.gift_id ? keys.openReceipt(row.code_box) : null;
  return row?.gift_id && code ? { giftId: row.gift_id, code } : null;
}

/**
 * Claims the post for this pledge. False when the same post claimed it first: on PostgreSQL a
 * concurrent claim waits on the primary key until the first transaction ends, then finds its row.
 */
export async function claimPledgePost(tx: Queryable, keys: SubmissionKeys, code: string): Promise<boolean> {
  const rows = await tx.query(
    `insert into gift_submissions (fingerprint, code_box, expires_at)
     values ($1, $2, now() + make_interval(mins => $3))
     on conflict (fingerprint) do update set code_box = excluded.code_box, expires_at = excluded.expires_at, gift_id = null
       where gift_submissions.expires_at <= now()
     returning fingerprint`,
    [keys.fingerprint, keys.sealReceipt(code), REPEAT_WINDOW_MINUTES],
  );
  return rows.length === 1;
}

/** Lets the same post start afresh (a provider that could not be reached: nothing was left open). */
export async function releasePledgePost(db: Queryable, keys: SubmissionKeys): Promise<void> {
  await db.query('delete from gift_submissions where fingerprint = $1', [keys.fingerprint]);
}

export async function linkPledgePost(tx: Queryable, keys: SubmissionKeys, giftId: string): Promise<void> {
  await tx.query('update gift_submissions set gift_id = $2 where fingerprint = $1', [keys.fingerprint, giftId]);
}
