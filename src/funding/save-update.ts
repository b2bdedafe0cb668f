import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { UpdateInput } from './campaign-content.ts';
import { touchCampaign } from './save-campaign.ts';

/** A short news post, kept unpublished until an editor publishes it. */
export async function addUpdate(db: Db, editorId: string, input: UpdateInput): Promise<string> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const id = randomUUID();
    await tx.query(
      `insert into campaign_updates (id, dated, title_ru, title_en, title_nl, body_ru, body_en, body_nl, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, ...fields(input), editorId],
    );
    await appendAudit(tx, editorId, { kind: 'campaign.update_saved', updateId: id, change: 'added' });
    return id;
  });
}

/** Changes an update's date and texts, published or not; false when there is no such update. */
export async function editUpdate(db: Db, editorId: string, id: string, input: UpdateInput): Promise<boolean> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const changed = await tx.query(
      `update campaign_updates set dated = $2, title_ru = $3, title_en = $4, title_nl = $5, body_ru = $6, body_en = $7, body_nl = $8, updated_at = now()
        where id = $1 returning id`,
      [id, ...fields(input)],
    );
    if (changed.length === 0) return false;
    await appendAudit(tx, editorId, { kind: 'campaign.update_saved', updateId: id, change: 'changed' });
    return true;
  });
}

/** Shows or hides an update on the home page. Publishing one already published changes nothing but answers true. */
export async function publishUpdate(db: Db, editorId: string, id: string, published: boolean): Promise<boolean> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const [row] = await tx.query<{ published: boolean }>('select published from campaign_updates where id = $1 for update', [id]);
    if (!row) return false;
    if (row.published === published) return true;
    await tx.query('update campaign_updates set published = $2, updated_at = now() where id = $1', [id, published]);
    await appendAudit(tx, editorId, { kind: 'campaign.update_saved', updateId: id, change: published ? 'published' : 'unpublished' });
    return true;
  });
}

const fields = (input: UpdateInput) => [input.dated, input.title.ru, input.title.en, input.title.nl, input.body.ru, input.body.en, input.body.nl];
