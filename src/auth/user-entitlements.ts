import type { Queryable } from '../db/client.ts';
import { tagUserEntitlement, userEntitlementIsAuthentic, type UserEntitlement } from '../crypto/entitlements.ts';

/**
 * The columns of a user that entitle them (roles, activity, coordinator confirmation) and their
 * tag under the instance secret. Every change to one of them goes through lockEntitlement and
 * retagUser in the same transaction; nothing in SQL alone may grant.
 */
export const ENTITLEMENT_COLUMNS = 'id, roles, active, coordinator_confirmed_by, coordinator_confirmed_at, entitlement_tag';

export type EntitlementRow = {
  id: string;
  roles: string[];
  active: boolean;
  coordinator_confirmed_by: string | null;
  coordinator_confirmed_at: Date | null;
  entitlement_tag: Uint8Array | null;
};

export function entitlementOf(row: Omit<EntitlementRow, 'entitlement_tag'>): UserEntitlement {
  return {
    userId: row.id,
    roles: row.roles,
    active: row.active,
    confirmedBy: row.coordinator_confirmed_by,
    confirmedAt: row.coordinator_confirmed_at === null ? null : new Date(row.coordinator_confirmed_at),
  };
}

export function rowIsEntitled(row: EntitlementRow): boolean {
  return userEntitlementIsAuthentic(entitlementOf(row), row.entitlement_tag);
}

/**
 * Locks a user's row before a change to what entitles them, and says whether its tag verifies
 * now. A change made to a row that fails must not re-tag it: the tag would then vouch for whatever
 * a database writer had put there.
 */
export async function lockEntitlement(tx: Queryable, userId: string): Promise<{ row: EntitlementRow; entitled: boolean } | null> {
  const [row] = await tx.query<EntitlementRow>(`select ${ENTITLEMENT_COLUMNS} from users where id = $1 for update`, [userId]);
  return row ? { row, entitled: rowIsEntitled(row) } : null;
}

/** Tags the row as it is now; only after Beside itself changed a row whose tag verified (lockEntitlement). */
export async function retagUser(tx: Queryable, userId: string): Promise<void> {
  const [row] = await tx.query<EntitlementRow>(`select ${ENTITLEMENT_COLUMNS} from users where id = $1`, [userId]);
  if (row) await tx.query('update users set entitlement_tag = $2 where id = $1', [userId, tagUserEntitlement(entitlementOf(row))]);
}

/**
 * Trust on first use, like untagged keys (users.ts tagUntaggedUserKeys): the rows of an
 * installation from before entitlement tags are tagged as they are, once, when it first runs this
 * version (or first gets its instance secret). That is acceptable because at that moment the
 * operator upgrades a database they trust as it stands: a writer who changed it before the
 * upgrade could already do so, and the audit log's user.coordinator_confirmed and case.assigned
 * entries still tell tampering from Beside's own changes. Only rows without any tag are tagged: a
 * row whose tag does not verify is never re-tagged, then or later.
 */
export async function tagUntaggedUsers(tx: Queryable): Promise<number> {
  const rows = await tx.query<EntitlementRow>(`select ${ENTITLEMENT_COLUMNS} from users where entitlement_tag is null`);
  for (const row of rows) await tx.query('update users set entitlement_tag = $2 where id = $1', [row.id, tagUserEntitlement(entitlementOf(row))]);
  return rows.length;
}

