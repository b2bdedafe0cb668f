import type { Queryable } from '../db/client.ts';

/** An active coordinator as the coordinators page shows them: who confirmed them, and when. */
export type CoordinatorStanding = {
  id: string;
  login: string;
  displayName: string;
  createdAt: Date;
  confirmedAt: Date | null;
  /** null for the first administrator, confirmed when Beside was set up */
  confirmedByName: string | null;
};

type Row = {
  id: string;
  login: string;
  display_name: string;
  created_at: Date | string;
  coordinator_confirmed_at: Date | string | null;
  confirmed_by_name: string | null;
};

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

export async function activeCoordinators(tx: Queryable): Promise<CoordinatorStanding[]> {
  const rows = await tx.query<Row>(
    `select u.id, u.login, u.display_name, u.created_at, u.coordinator_confirmed_at, b.display_name as confirmed_by_name
     from users u left join users b on b.id = u.coordinator_confirmed_by
     where u.active and 'coordinator' = any(u.roles)
     order by u.coordinator_confirmed_at nulls first, u.display_name`,
  );
  return rows.map((row) => ({
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    createdAt: asDate(row.created_at),
    confirmedAt: row.coordinator_confirmed_at === null ? null : asDate(row.coordinator_confirmed_at),
    confirmedByName: row.confirmed_by_name,
  }));
}

/**
 * Marks an active, not yet confirmed coordinator as confirmed; answers whether a row changed.
 * `by` is null only for the first administrator at initialisation.
 */
export async function markCoordinatorConfirmed(tx: Queryable, userId: string, by: string | null): Promise<boolean> {
  const rows = await tx.query(
    `update users set coordinator_confirmed_at = now(), coordinator_confirmed_by = $2
     where id = $1 and active and 'coordinator' = any(roles) and coordinator_confirmed_at is null returning id`,
    [userId, by],
  );
  return rows.length > 0;
}
