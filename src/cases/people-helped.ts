import type { Queryable } from '../db/client.ts';
import { TRACKS, TRACK_STATES, type Track } from './tracks.ts';

/**
 * The states in which a service track says help reached the person: a safe arrival, clothes
 * handed out, sessions under way, a lawyer on the case, a roof outside the asylum centre. A
 * track that was only requested, or ended without help ("could not leave", "closed"), is not
 * counted. The one rule for the public count of people helped (the transparency page asks it).
 */
export const HELPED_STATES: { [T in Track]: readonly (typeof TRACK_STATES)[T][number][] } = {
  evacuation: ['arrived'],
  clothing: ['handed_out'],
  psych: ['in_sessions', 'paused'],
  legal: ['lawyer_assigned', 'in_procedure'],
  shelter: ['temporary', 'placed'],
};

/**
 * How many cases each kind of help reached now: plain metadata only, nothing decrypted, no case
 * named. A case has at most one track of a kind (unique in the database), so a case is a person.
 * The caller publishes aggregates and must hide small counts (a count under 5 could point at
 * someone).
 */
export async function countPeopleHelped(db: Queryable): Promise<Map<Track, number>> {
  const pairs = TRACKS.flatMap((track) => HELPED_STATES[track].map((state) => `${track}:${state}`));
  const rows = await db.query<{ track: Track; count: number }>(
    `select track, count(distinct case_id)::int as count from case_tracks
      where track || ':' || state = any($1::text[]) group by track`,
    [pairs],
  );
  const counts = new Map<Track, number>(TRACKS.map((track) => [track, 0]));
  for (const row of rows) counts.set(row.track, row.count);
  return counts;
}
