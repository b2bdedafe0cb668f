import type { Queryable } from '../db/client.ts';
import type { PerLanguage } from './campaign-content.ts';
import { PURPOSES, type Purpose } from './purposes.ts';

/**
 * The campaign as editors left it, mapped from its rows to what pages show: the public home page
 * (src/funding/campaign-home.ts) and the editors' page read the same thing.
 */
export type CampaignContent = {
  goalCents: bigint;
  startsOn: string | null;
  endsOn: string | null;
  story: PerLanguage;
  purposes: { purpose: Purpose; goalCents: bigint; text: PerLanguage }[];
  supporters: SupporterView[];
  updates: UpdateView[];
};

export type LogoView = { src: string; width: number; height: number };
export type SupporterView = { id: string; name: PerLanguage; role: PerLanguage; quote: PerLanguage; logo: LogoView | null };
export type UpdateView = { id: string; dated: string; published: boolean; title: PerLanguage; body: PerLanguage };

const EMPTY: PerLanguage = { ru: '', en: '', nl: '' };

type Texts<N extends string> = { [K in `${N}_${'ru' | 'en' | 'nl'}`]: string };
const texts = <N extends string>(row: Texts<N>, name: N): PerLanguage => {
  const pick = row as Record<string, string>;
  return { ru: pick[`${name}_ru`] ?? '', en: pick[`${name}_en`] ?? '', nl: pick[`${name}_nl`] ?? '' };
};

/** The address a logo is served from: its tag changes with its bytes, so it may be cached for long. */
export const logoAddress = (id: string, tag: string) => `/campaign/logos/${id}?v=${tag}`;

/** Everything editors keep; `publishedOnly` leaves out updates not (or no longer) published. */
export async function readCampaign(db: Queryable, options: { publishedOnly: boolean; updates: number }): Promise<CampaignContent> {
  const [campaign] = await db.query<{ goal_cents: bigint; starts_on: string | null; ends_on: string | null } & Texts<'story'>>(
    `select goal_cents, starts_on, ends_on, story_ru, story_en, story_nl
       from campaign`,
  );
  const purposeRows = await db.query<{ purpose: Purpose; goal_cents: bigint } & Texts<'text'>>(
    'select purpose, goal_cents, text_ru, text_en, text_nl from campaign_purposes',
  );
  const supporters = await db.query<{ id: string; logo_tag: string | null; logo_width: number | null; logo_height: number | null } & Texts<'name'> & Texts<'role'> & Texts<'quote'>>(
    `select id, name_ru, name_en, name_nl, role_ru, role_en, role_nl, quote_ru, quote_en, quote_nl, logo_tag, logo_width, logo_height
       from campaign_supporters order by position`,
  );
  const updates = await db.query<{ id: string; dated: string; published: boolean } & Texts<'title'> & Texts<'body'>>(
    `select id, dated, published, title_ru, title_en, title_nl, body_ru, body_en, body_nl
       from campaign_updates where published or not $1 order by dated desc, created_at desc limit $2`,
    [options.publishedOnly, options.updates],
  );
  const byPurpose = new Map(purposeRows.map((row) => [row.purpose, row]));
  return {
    goalCents: campaign?.goal_cents ?? 0n,
    startsOn: campaign?.starts_on ?? null,
    endsOn: campaign?.ends_on ?? null,
    story: campaign ? texts(campaign, 'story') : EMPTY,
    purposes: PURPOSES.map((purpose) => {
      const row = byPurpose.get(purpose);
      return { purpose, goalCents: row?.goal_cents ?? 0n, text: row ? texts(row, 'text') : EMPTY };
    }),
    supporters: supporters.map((row) => ({
      id: row.id,
      name: texts(row, 'name'),
      role: texts(row, 'role'),
      quote: texts(row, 'quote'),
      logo: row.logo_tag && row.logo_width && row.logo_height ? { src: logoAddress(row.id, row.logo_tag), width: row.logo_width, height: row.logo_height } : null,
    })),
    updates: updates.map((row) => ({ id: row.id, dated: row.dated, published: row.published, title: texts(row, 'title'), body: texts(row, 'body') })),
  };
}
