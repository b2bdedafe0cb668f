import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { openForTrack, trackRow } from './tracks-access.ts';
import { DEFAULT_CONTACT_INTERVAL_HOURS, TRACK_STATES, isTrackState, type Track } from './tracks.ts';

/**
 * Opens a service track on a case in its first state. Opening it twice (a double tap, two
 * colleagues at once) leaves one track. Answers false when the actor may not work on it.
 */
export async function openTrack(db: Db, holder: KeyHolder, caseId: string, track: Track): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openForTrack(tx, holder, caseId, track, 'track'))) return false;
    const rows = await tx.query(
      `insert into case_tracks (id, case_id, track, state, contact_interval_hours, opened_by, opened_at)
       values ($1, $2, $3, $4, $5, $6, now()) on conflict (case_id, track) do nothing returning 1`,
      [randomUUID(), caseId, track, TRACK_STATES[track][0], track === 'evacuation' ? DEFAULT_CONTACT_INTERVAL_HOURS : null, holder.userId],
    );
    if (rows.length > 0) {
      await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
      await appendAudit(tx, holder.userId, { kind: 'case.track_opened', caseId, track });
    }
    return true;
  });
}

/** Moves a track to another of its states; a state of another track, or a track not opened, changes nothing. */
export async function setTrackState(db: Db, holder: KeyHolder, caseId: string, track: Track, state: string): Promise<boolean> {
  if (!isTrackState(track, state)) return false;
  return db.transaction(async (tx) => {
    if (!(await openForTrack(tx, holder, caseId, track, 'track'))) return false;
    const row = await trackRow(tx, caseId, track, true);
    if (!row) return false;
    if (row.state !== state) {
      await tx.query('update case_tracks set state = $2, updated_at = now() where id = $1', [row.id, state]);
      await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
      await appendAudit(tx, holder.userId, { kind: 'case.track_state_changed', caseId, track, from: row.state, to: state });
    }
    return true;
  });
}
