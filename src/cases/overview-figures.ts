import type { Queryable } from '../db/client.ts';
import { NEEDS, type Need } from '../help/needs.ts';
import { LIVE_EVACUATION_STATES } from './tracks.ts';

/** Figures over cases' plain metadata for the coordinators' overview; nothing is decrypted. */

/** Needs still open or in progress on open cases, by kind of need (each kind is a track of help). */
export async function openNeedsByKind(db: Queryable): Promise<{ need: Need; count: number }[]> {
  const rows = await db.query<{ need: Need; count: number }>(
    `select n.need, count(*)::int as count from case_needs n join cases c on c.id = n.case_id
     where n.status in ('open', 'in_progress') and c.status = 'open' group by n.need`,
  );
  const counts = new Map(rows.map((row) => [row.need, row.count]));
  return NEEDS.map((need) => ({ need, count: counts.get(need) ?? 0 }));
}

// Written out, so the planner uses the partial index case_tracks_live_evacuation.
const LIVE = LIVE_EVACUATION_STATES.map((state) => `'${state}'`).join(', ');

/** Live evacuations, and those overdue for contact with the person. */
export async function emergencies(db: Queryable, now: Date): Promise<{ live: number; overdue: number }> {
  const [row] = await db.query<{ live: number; overdue: number }>(
    `select count(*)::int as live,
            count(*) filter (where coalesce(last_contact_at, opened_at) + make_interval(hours => contact_interval_hours) < $1::timestamptz)::int as overdue
     from case_tracks where track = 'evacuation' and state in (${LIVE})`,
    [now],
  );
  return row ?? { live: 0, overdue: 0 };
}
