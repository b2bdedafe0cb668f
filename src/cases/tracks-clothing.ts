import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { openForTrack } from './tracks-access.ts';
import { clothingItemField, type ClothingItem } from './tracks-content.ts';
import { todayIn } from '../i18n/days.ts';

/** A requested item of clothing: what and which size, sealed in the case's core vault. */
export async function addClothingItem(db: Db, holder: KeyHolder, caseId: string, item: ClothingItem): Promise<boolean> {
  return db.transaction(async (tx) => {
    const core = (await openForTrack(tx, holder, caseId, 'clothing', 'clothing'))?.vaults.core;
    if (!core) return false;
    const place = { id: randomUUID(), case_id: caseId, created_by: holder.userId, requested_at: new Date() };
    await tx.query(
      'insert into case_clothing_items (id, case_id, vault_id, details, requested_at, created_by) values ($1, $2, $3, $4, $5, $6)',
      [place.id, caseId, core.id, core.seal(clothingItemField, place, item), place.requested_at, holder.userId],
    );
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'clothing', record: 'item_requested' });
    return true;
  });
}

/**
 * Marks an item handed out today (in the association's zone) at a cost in cents; a second
 * submit keeps the first day and takes the cost given last.
 */
export async function handOutClothing(db: Db, holder: KeyHolder, caseId: string, itemId: string, costCents: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openForTrack(tx, holder, caseId, 'clothing', 'clothing'))?.vaults.core) return false;
    const rows = await tx.query(
      'update case_clothing_items set handed_out_on = coalesce(handed_out_on, $3::date), cost_cents = $4 where id = $1 and case_id = $2 returning 1',
      [itemId, caseId, todayIn(), costCents],
    );
    if (rows.length === 0) return false;
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'clothing', record: 'item_handed_out' });
    return true;
  });
}
