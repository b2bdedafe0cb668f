import type { CaseRole } from './case-roles.ts';

/**
 * The service tracks a case can have, each with its own states (kept plain, so lists and
 * dashboards work) and the one rule that says who changes it.
 */
export const TRACK_STATES = {
  evacuation: ['requested', 'planning', 'under_way', 'arrived', 'could_not_leave', 'lost_contact'],
  clothing: ['requested', 'collecting', 'handed_out', 'closed'],
  psych: ['requested', 'referred', 'in_sessions', 'paused', 'closed'],
  legal: ['requested', 'lawyer_assigned', 'in_procedure', 'closed'],
  shelter: ['asylum_centre', 'temporary', 'waiting_for_host', 'placed', 'own_home'],
} as const;

export type Track = keyof typeof TRACK_STATES;
export type TrackState<T extends Track = Track> = (typeof TRACK_STATES)[T][number];
export const TRACKS = Object.keys(TRACK_STATES) as Track[];

/** Every state of every track, for form schemas (the pair is checked by isTrackState and the database). */
export const ALL_TRACK_STATES = [...new Set(Object.values(TRACK_STATES).flat())] as [string, ...string[]];

export function isTrackState(track: Track, state: string): state is TrackState {
  return (TRACK_STATES[track] as readonly string[]).includes(state);
}

/** An evacuation in one of these states is live: it sorts first and its contact is watched. */
export const LIVE_EVACUATION_STATES = ['requested', 'planning', 'under_way', 'lost_contact'] as const;

export function isLiveEvacuation(state: string): boolean {
  return (LIVE_EVACUATION_STATES as readonly string[]).includes(state);
}

/** How often the team must hear from a person being evacuated, unless they set otherwise. */
export const DEFAULT_CONTACT_INTERVAL_HOURS = 24;

/**
 * Who opens a track and changes its state: the caseworker and coordinators on the case for every
 * track, and the psychologist, lawyer or housing coordinator on the case for their own. Routes
 * declare the same roles (tracks-routes.tsx), so a form is never offered to whom a post refuses.
 */
export const TRACK_MANAGERS: Record<Track, readonly CaseRole[]> = {
  evacuation: ['caseworker', 'coordinator'],
  clothing: ['caseworker', 'coordinator'],
  psych: ['caseworker', 'coordinator', 'psychologist'],
  legal: ['caseworker', 'coordinator', 'lawyer'],
  shelter: ['caseworker', 'coordinator', 'housing_coordinator'],
};

export function managesTrack(role: CaseRole, track: Track): boolean {
  return TRACK_MANAGERS[track].includes(role);
}

/** Who reads and writes the evacuation plan (the logistics vault): need-to-know, the caseworker and coordinators. */
export function readsLogistics(role: CaseRole): boolean {
  return role === 'caseworker' || role === 'coordinator';
}

/** Contact is overdue when a live evacuation has not heard from the person for longer than the interval. */
export function contactOverdue(
  evacuation: { state: string; lastContactAt: Date | null; openedAt: Date; intervalHours: number },
  now: Date = new Date(),
): boolean {
  if (!isLiveEvacuation(evacuation.state)) return false;
  const since = evacuation.lastContactAt ?? evacuation.openedAt;
  return now.getTime() - since.getTime() > evacuation.intervalHours * 3600 * 1000;
}

/** SQL: the case (by the named column) has a live evacuation. Used to sort emergencies first. */
export function liveEvacuationSql(caseIdColumn: string): string {
  return `exists (select 1 from case_tracks t where t.case_id = ${caseIdColumn} and t.track = 'evacuation' and t.state in (${LIVE_EVACUATION_STATES.map((s) => `'${s}'`).join(', ')}))`;
}
