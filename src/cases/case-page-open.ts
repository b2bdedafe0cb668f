import type { Db } from '../db/client.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { referralsOfCase, type Referral } from '../directory/refer-case.ts';
import { openCaseAccess } from './case-access.ts';
import { readCaseFile, type CaseFile } from './case-file.ts';
import { readTracks, type TracksFile } from './tracks-file.ts';
import { readDocuments, type DocumentItem } from './documents.ts';
import { logisticsNeedsRotation } from './tracks-evacuation.ts';

/** What the case page shows from the case's vaults; each section gets its part. */
export type CasePageFile = {
  file: CaseFile;
  tracks: TracksFile;
  documents: DocumentItem[];
  /** null: the viewer does not read the core, where referrals are sealed */
  referrals: Referral[] | null;
};

/**
 * Opens a case for its page: every part the viewer holds is opened once, in one transaction, and
 * the case file, tracks, documents and referrals are all read with those handles, so one view
 * writes one `vault.decrypted` entry per vault (the audit log says what was read, not how the
 * page was built). Null for anyone not on the team, exactly like a missing case.
 */
export async function openCasePage(db: Db, holder: KeyHolder, caseId: string): Promise<CasePageFile | null> {
  return db.transaction(async (tx) => {
    // A read only locks the case when it must take a departed colleague's key to the plan away.
    const lock = await logisticsNeedsRotation(tx, caseId);
    const access = await openCaseAccess(tx, holder, caseId, 'read', undefined, lock);
    if (!access) return null;
    return {
      file: await readCaseFile(tx, holder, access),
      tracks: await readTracks(tx, holder, access, lock),
      documents: await readDocuments(tx, access),
      referrals: access.vaults.core ? await referralsOfCase(tx, caseId, access.vaults.core) : null,
    };
  });
}
