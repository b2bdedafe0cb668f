import type { Queryable } from '../db/client.ts';
import { rejectEntitlement, tagUserEntitlement } from '../crypto/entitlements.ts';
import { entitlementOf, lockEntitlement, rowIsEntitled, type EntitlementRow } from './user-entitlements.ts';

/**
 * An active coordinator as the coordinators page shows them: who confirmed them, and when. A row
 * whose entitlement tag fails is not a coordinator to Beside, and is not shown as one.
 */
export type CoordinatorStanding = {
  id: string;
  login: string;
  displayName: string;
  createdAt: Date;
  confirmedAt: Date | null;
  /** null for the first administrator, confirmed when Beside was set up */
  confirmedByName: string | null;
};

type Row = EntitlementRow & {
  login: string;
  display_name: string;
  created_at: Date | string;
  confirmed_by_name: string | null;
};

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

export async function activeCoordinators(tx: Queryable): Promise<CoordinatorStanding[]> {
  const rows = await tx.query<Row>(
    `select u.id, u.login, u.display_name, u.created_at, u.roles, u.active, u.coordinator_confirmed_by, u.coordinator_confirmed_at, u.entitlement_tag,
       b.display_name as confirmed_by_name
     from users u left join users b on b.id = u.coordinator_confirmed_by
     where u.active and 'coordinator' = any(u.roles)
     order by u.coordinator_confirmed_at nulls first, u.display_name`,
  );
  return rows.filter(rowIsEntitled).map((row) => ({
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    createdAt: asDate(row.created_at),
    confirmedAt: row.coordinator_confirmed_at === null ? null : asDate(row.coordinator_confirmed_at),
    confirmedByName: row.confirmed_by_name,
  }));
}

/**
 * Marks an active, not yet confirmed coordinator as confirmed, with a new entitlement tag;
 * answers whether a row changed. A row whose tag fails is refused (and audited): confirming it
 * would vouch for a role a database writer gave. `by` is null only for the first administrator
 * at initialisation.
 */
export async function markCoordinatorConfirmed(tx: Queryable, userId: string, by: string | null): Promise<boolean> {
  const locked = await lockEntitlement(tx, userId);
  if (!locked) return false;
  const { row, entitled } = locked;
  if (!row.active || !row.roles.includes('coordinator') || row.coordinator_confirmed_at !== null) return false;
  if (!entitled) {
    await rejectEntitlement(tx, by, { userId });
    return false;
  }
  // Made here, in milliseconds, because the tag covers it.
  const at = new Date();
  const tag = tagUserEntitlement({ ...entitlementOf(row), confirmedBy: by, confirmedAt: at });
  await tx.query('update users set coordinator_confirmed_at = $2, coordinator_confirmed_by = $3, entitlement_tag = $4 where id = $1', [userId, at, by, tag]);
  return true;
}
