import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { shredVault } from '../crypto/vaults.ts';
import { deleteFilesIn } from '../files/store.ts';
import { eraseRequestRecord } from '../help/person-access.ts';
import { recordErasure, type ErasureCause } from '../help/erasures.ts';
// Every sealed field of a case's vaults is declared in these modules: loaded here, so that
// shredding knows them all whichever part of Beside loaded first.
import '../help/content.ts';
import '../directory/content.ts';
import './content.ts';
import './tracks-content.ts';
import './documents.ts';
import './break-glass.ts';

export type { ErasureCause };

/**
 * Erases a case (crypto-shredding): every vault of the case (its four parts, the evacuation
 * logistics, break-glass reasons, and its requests' conversations) is shredded, then every row of
 * the case is deleted, its documents' stored files with them. Only the fact that it existed
 * remains: a row in `erasures` with its id, the day it was created and when it was erased.
 * The one erasure, for the person's wish, retention and a restore of an older backup. Needs no
 * key: destroying is allowed to whoever the caller authorised. False when there is no such case.
 */
export async function eraseCaseRecords(tx: Queryable, actorUserId: string | null, caseId: string, cause: ErasureCause): Promise<boolean> {
  const [row] = await tx.query<{ created_at: Date }>('select created_at from cases where id = $1 for update', [caseId]);
  if (!row) return false;
  const requests = await tx.query<{ id: string; created_at: Date }>('select id, created_at from help_requests where case_id = $1 order by id for update', [caseId]);
  const requestIds = requests.map((request) => request.id);
  const vaultIds = await vaultsOfCase(tx, caseId);
  const files = await tx.query<{ file_id: string }>('select file_id from case_documents where case_id = $1', [caseId]);
  // Ids in pending jobs' payloads (a check-in, an alert round, break-glass expiry): none may run on.
  const related = await tx.query<{ id: string }>(
    `select id::text as id from urgent_alerts where request_id = any($1::uuid[])
     union all select id::text from break_glass_requests where case_id = $2`,
    [requestIds, caseId],
  );
  for (const vaultId of vaultIds) await shredVault(tx, actorUserId, vaultId);
  await tx.query(
    `delete from jobs where status = 'pending' and exists (select 1 from jsonb_each_text(payload) e where e.value = any($1::text[]))`,
    [[caseId, ...requestIds, ...related.map((r) => r.id)]],
  );
  await tx.query('delete from help_requests where case_id = $1', [caseId]);
  await tx.query('delete from cases where id = $1', [caseId]);
  await deleteFilesIn(tx, files.map((file) => file.file_id));
  await tx.query('delete from vaults where id = any($1::uuid[])', [vaultIds]);
  await recordErasure(tx, caseId, 'case', row.created_at, cause);
  // Its requests too: a backup from before they joined the case would otherwise bring them back.
  for (const request of requests) await recordErasure(tx, request.id, 'request', request.created_at, cause);
  await appendAudit(tx, actorUserId, { kind: 'case.erased', caseId, cause, vaults: vaultIds.length });
  return true;
}

/** Erases a request that never became a case (retention, restore): only its dates remain. */
export async function eraseLoneRequest(tx: Queryable, requestId: string, cause: ErasureCause): Promise<boolean> {
  const [row] = await tx.query<{ vault_id: string; created_at: Date }>(
    "select vault_id, created_at from help_requests where id = $1 and case_id is null and status <> 'erased' for update",
    [requestId],
  );
  if (!row) return false;
  await eraseRequestRecord(tx, null, requestId, row.vault_id, cause);
  await appendAudit(tx, null, { kind: 'request.expired', requestId });
  return true;
}

/** Every vault that holds something of the case, in one fixed order (ids), for locking. */
async function vaultsOfCase(tx: Queryable, caseId: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `select distinct id from (
       select unnest(array[core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id]) as id from cases where id = $1
       union all select logistics_vault_id from case_tracks where case_id = $1 and logistics_vault_id is not null
       union all select vault_id from break_glass_requests where case_id = $1
       union all select vault_id from help_requests where case_id = $1
       union all select vault_id from case_notes where case_id = $1
       union all select vault_id from case_documents where case_id = $1
       union all select vault_id from case_referrals where case_id = $1
       union all select id from vaults where owner_table = 'cases' and owner_id = $2
     ) v order by id`,
    [caseId, caseId],
  );
  return rows.map((row) => row.id);
}

export type ErasedEntry = { id: string; subject: 'case' | 'request'; createdOn: string };

/** Everything erased (ids and dates only), for a restore of an older backup to erase again. */
export async function erasedIds(tx: Queryable): Promise<ErasedEntry[]> {
  return tx.query<ErasedEntry>(
    `select id, subject, to_char(created_on, 'YYYY-MM-DD') as "createdOn" from erasures order by erased_at, id`,
  );
}

/**
 * After a restore: erases again whatever the list names that the restored backup still holds,
 * and records every listed erasure, so a later backup carries them too. Answers how many it erased.
 */
export async function reapplyErasures(tx: Queryable, erased: ErasedEntry[]): Promise<number> {
  let count = 0;
  for (const { id, subject, createdOn } of erased) {
    const done = subject === 'case' ? await eraseCaseRecords(tx, null, id, 'restore') : await eraseLoneRequest(tx, id, 'restore');
    if (done) count++;
    await tx.query("insert into erasures (id, subject, created_on, cause) values ($1, $2, $3::date, 'restore') on conflict (id) do nothing", [id, subject, createdOn]);
  }
  return count;
}
