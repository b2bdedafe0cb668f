import type { Queryable } from '../db/client.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { openCaseAccess, type CaseAccess } from './case-access.ts';
import type { CasePart } from './case-roles.ts';
import { managesTrack, type Track } from './tracks.ts';

/** The parts whose vaults show that someone works on a track: core for all, and psych, legal or housing for their own. */
function partsOfTrack(track: Track): CasePart[] {
  if (track === 'psych') return ['core', 'psych'];
  if (track === 'legal') return ['core', 'legal'];
  if (track === 'shelter') return ['core', 'housing'];
  return ['core'];
}

/**
 * Opens a case, locked, for someone who may work on the track (tracks.ts managesTrack); anyone
 * else gets null, the same answer as for a missing case. The case row is locked before its
 * vaults, as everywhere.
 */
export async function openForTrack(tx: Queryable, holder: KeyHolder, caseId: string, track: Track, purpose: string): Promise<CaseAccess | null> {
  const access = await openCaseAccess(tx, holder, caseId, purpose, partsOfTrack(track), true);
  return access && managesTrack(access.role, track) ? access : null;
}

export type TrackRow = {
  id: string;
  case_id: string;
  track: Track;
  state: string;
  last_contact_at: Date | null;
  contact_interval_hours: number | null;
  logistics_vault_id: string | null;
  plan: Uint8Array | null;
  opened_at: Date;
  updated_at: Date;
};

export const TRACK_COLUMNS = 'id, case_id, track, state, last_contact_at, contact_interval_hours, logistics_vault_id, plan, opened_at, updated_at';

export async function trackRow(tx: Queryable, caseId: string, track: Track, lock = false): Promise<TrackRow | null> {
  const [row] = await tx.query<TrackRow>(`select ${TRACK_COLUMNS} from case_tracks where case_id = $1 and track = $2 ${lock ? 'for update' : ''}`, [caseId, track]);
  return row ?? null;
}
