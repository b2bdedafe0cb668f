import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';

/**
 * Where alerts reach a coordinator. Users have no e-mail column and need none elsewhere, so
 * the address lives with the one thing that uses it, and each coordinator sets their own: an
 * administrator cannot point a colleague's alerts elsewhere. (A database writer could; the
 * alerts say nothing but "an urgent request is waiting", so that gains them little.)
 */
export const alertAddress = z.email().max(254);

export async function alertAddressOf(db: Queryable, userId: string): Promise<string | null> {
  const [row] = await db.query<{ email: string }>('select email from on_call_addresses where user_id = $1', [userId]);
  return row?.email ?? null;
}

/** Everyone's address by user id, for choosing whom an alert can reach. */
export async function alertAddresses(db: Queryable, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.query<{ user_id: string; email: string }>('select user_id, email from on_call_addresses where user_id = any($1)', [userIds]);
  return new Map(rows.map((row) => [row.user_id, row.email]));
}

/** Sets (or, with null, removes) the signed-in coordinator's own address. */
export async function setAlertAddress(db: Db, userId: string, email: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    if (email === null) await tx.query('delete from on_call_addresses where user_id = $1', [userId]);
    else {
      await tx.query(
        `insert into on_call_addresses (user_id, email, updated_at) values ($1, $2, now())
         on conflict (user_id) do update set email = excluded.email, updated_at = excluded.updated_at`,
        [userId, email],
      );
    }
    await appendAudit(tx, userId, { kind: 'on_call.address_set', userId, removed: email === null });
  });
}
