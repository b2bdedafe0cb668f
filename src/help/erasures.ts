import type { Queryable } from '../db/client.ts';

/** Why something was erased: the person's wish, retention, or a restore erasing again. */
export type ErasureCause = 'person' | 'retention' | 'restore';

/**
 * The one thing an erasure keeps: a tombstone with the id, the day it was created and why it went
 * (table `erasures`). `beside erasures` lists them, so a restore of an older backup erases again.
 */
export async function recordErasure(tx: Queryable, id: string, subject: 'case' | 'request', createdAt: Date, cause: ErasureCause): Promise<void> {
  await tx.query(
    "insert into erasures (id, subject, created_on, cause) values ($1, $2, ($3::timestamptz at time zone 'UTC')::date, $4) on conflict (id) do nothing",
    [id, subject, createdAt, cause],
  );
}
