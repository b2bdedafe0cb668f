import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { CampaignInput, PurposeInput } from './campaign-content.ts';

/**
 * Every edit of the campaign page starts here, in its own transaction: the campaign's one row is
 * made or locked, and its content version moves on. The kept home page asks for that version on
 * every request, so it shows the edit from the moment it commits, in every process; and every
 * edit takes this row's lock first, so campaign edits lock in one order.
 */
export async function touchCampaign(tx: Queryable): Promise<void> {
  await tx.query(
    `insert into campaign (singleton) values (true)
     on conflict (singleton) do update set content_version = campaign.content_version + 1, updated_at = now()`,
  );
}

/** The goal, the days it runs and the story in the three languages; audited without its text. */
export async function saveCampaign(db: Db, editorId: string, input: CampaignInput): Promise<void> {
  await db.transaction(async (tx) => {
    await touchCampaign(tx);
    await tx.query(
      `update campaign set goal_cents = $1::int8, starts_on = $2, ends_on = $3, story_ru = $4, story_en = $5, story_nl = $6`,
      [input.goalCents, input.startsOn, input.endsOn, input.story.ru, input.story.en, input.story.nl],
    );
    await appendAudit(tx, editorId, { kind: 'campaign.edited', part: 'campaign' });
  });
}

/** Each purpose's goal and short text, all in one edit. */
export async function savePurposes(db: Db, editorId: string, inputs: readonly PurposeInput[]): Promise<void> {
  await db.transaction(async (tx) => {
    await touchCampaign(tx);
    for (const input of inputs) {
      await tx.query(
        `insert into campaign_purposes (purpose, goal_cents, text_ru, text_en, text_nl) values ($1, $2::int8, $3, $4, $5)
         on conflict (purpose) do update set goal_cents = excluded.goal_cents, text_ru = excluded.text_ru, text_en = excluded.text_en, text_nl = excluded.text_nl`,
        [input.purpose, input.goalCents, input.text.ru, input.text.en, input.text.nl],
      );
    }
    await appendAudit(tx, editorId, { kind: 'campaign.edited', part: 'purposes' });
  });
}
