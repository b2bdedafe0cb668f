import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { SupporterInput } from './campaign-content.ts';
import { touchCampaign } from './save-campaign.ts';

/** Adds a supporter at the end of the list. */
export async function addSupporter(db: Db, editorId: string, input: SupporterInput): Promise<string> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const id = randomUUID();
    await tx.query(
      `insert into campaign_supporters (id, position, name_ru, name_en, name_nl, role_ru, role_en, role_nl, quote_ru, quote_en, quote_nl)
       values ($1, (select coalesce(max(position), 0) + 1 from campaign_supporters), $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, ...texts(input)],
    );
    await appendAudit(tx, editorId, { kind: 'campaign.supporter_saved', supporterId: id, change: 'added' });
    return id;
  });
}

/** Changes a supporter's texts; false when there is no such supporter. */
export async function editSupporter(db: Db, editorId: string, id: string, input: SupporterInput): Promise<boolean> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const changed = await tx.query(
      `update campaign_supporters set name_ru = $2, name_en = $3, name_nl = $4, role_ru = $5, role_en = $6, role_nl = $7,
              quote_ru = $8, quote_en = $9, quote_nl = $10, updated_at = now()
        where id = $1 returning id`,
      [id, ...texts(input)],
    );
    if (changed.length === 0) return false;
    await appendAudit(tx, editorId, { kind: 'campaign.supporter_saved', supporterId: id, change: 'changed' });
    return true;
  });
}

/**
 * Swaps a supporter with its neighbour above or below. The first moved up, or the last moved
 * down, stays where it is (true: there is such a supporter). The positions' uniqueness is
 * checked at commit, so the two rows may swap in one statement.
 */
export async function moveSupporter(db: Db, editorId: string, id: string, direction: 'up' | 'down'): Promise<boolean> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const [row] = await tx.query<{ position: number }>('select position from campaign_supporters where id = $1', [id]);
    if (!row) return false;
    const [neighbour] = await tx.query<{ id: string; position: number }>(
      direction === 'up'
        ? 'select id, position from campaign_supporters where position < $1 order by position desc limit 1'
        : 'select id, position from campaign_supporters where position > $1 order by position limit 1',
      [row.position],
    );
    if (!neighbour) return true;
    await tx.query('update campaign_supporters set position = case id when $1 then $2::int else $3::int end where id in ($1, $4)', [
      id,
      neighbour.position,
      row.position,
      neighbour.id,
    ]);
    await appendAudit(tx, editorId, { kind: 'campaign.supporter_saved', supporterId: id, change: 'moved' });
    return true;
  });
}

/** Removes a supporter and their logo from the page and the database. */
export async function removeSupporter(db: Db, editorId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await touchCampaign(tx);
    const removed = await tx.query('delete from campaign_supporters where id = $1 returning id', [id]);
    if (removed.length === 0) return false;
    await appendAudit(tx, editorId, { kind: 'campaign.supporter_saved', supporterId: id, change: 'removed' });
    return true;
  });
}

const texts = (input: SupporterInput) => [
  input.name.ru,
  input.name.en,
  input.name.nl,
  input.role.ru,
  input.role.en,
  input.role.nl,
  input.quote.ru,
  input.quote.en,
  input.quote.nl,
];
