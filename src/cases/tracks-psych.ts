import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { openCaseAccess } from './case-access.ts';
import { psychSessionField, type PsychSession } from './tracks-content.ts';

/**
 * A psychological session (date, length, form), sealed in the case's psych vault: only the
 * psychologists on the case write or read it — not the caseworker, coordinator or administrator.
 */
export async function logPsychSession(db: Db, holder: KeyHolder, caseId: string, session: PsychSession): Promise<boolean> {
  return db.transaction(async (tx) => {
    const psych = (await openCaseAccess(tx, holder, caseId, 'psych_session', ['psych'], true))?.vaults.psych;
    if (!psych) return false;
    const place = { id: randomUUID(), case_id: caseId, recorded_by: holder.userId, created_at: new Date() };
    await tx.query('insert into case_psych_sessions (id, case_id, vault_id, session, recorded_by, created_at) values ($1, $2, $3, $4, $5, $6)', [
      place.id,
      caseId,
      psych.id,
      psych.seal(psychSessionField, place, session),
      holder.userId,
      place.created_at,
    ]);
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'psych', record: 'session' });
    return true;
  });
}
