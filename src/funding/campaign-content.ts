import { z } from 'zod';
import type { Role } from '../auth/roles.ts';
import { isCalendarDate } from '../i18n/days.ts';
import { LANGUAGES, type Lang } from '../i18n/lang.ts';
import { parseEuros } from './money.ts';
import { PURPOSES, type Purpose } from './purposes.ts';

/**
 * What editors keep on the campaign page, and the one schema per form that checks it. Everything
 * here is shown to the public in three languages, so every text exists in each of them.
 */

/** Who edits the campaign: editors only. An administrator is not one unless also given the role. */
export const CAMPAIGN_EDITORS: readonly Role[] = ['editor'];

/** Lengths in characters, as PostgreSQL counts them (0020_campaign.sql holds the same limits). */
export const LIMITS = { story: 10_000, purposeText: 500, name: 200, role: 200, quote: 1_000, title: 200, body: 5_000 } as const;

/** The largest goal an editor may set, in cents (ten million euros). */
export const MAX_GOAL_CENTS = 1_000_000_000n;

export type PerLanguage = Record<Lang, string>;

const characters = (text: string) => [...text].length;

/**
 * Plain text with paragraphs: line breaks as one character, no control characters but the line
 * break and tab, and no direction overrides (they would let a text pose as another on the page).
 */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

function text(max: number, required: boolean) {
  // A field left out is taken as left empty, as a browser sends an empty field.
  return z
    .string()
    .max(max * 4)
    .default('')
    .transform((value) => value.replace(/\r\n?/g, '\n').normalize('NFC').trim())
    .refine((value) => !UNSAFE.test(value))
    .refine((value) => characters(value) <= max && (!required || value.length > 0));
}

/** Amounts in euros as an editor types them ("10000", "10 000", "2.500,50"), kept as cents. */
const goal = z
  .string()
  .max(40)
  .default('')
  .transform((value, ctx) => {
    const cents = value.trim() === '' ? 0n : parseEuros(value);
    if (cents === null || cents < 0n || cents > MAX_GOAL_CENTS) {
      ctx.addIssue({ code: 'custom', message: 'goal' });
      return z.NEVER;
    }
    return cents;
  });

const day = z.string().refine(isCalendarDate);

/** Field names of a text in every language: story_ru, story_en, story_nl. */
export const fieldsOf = (name: string) => LANGUAGES.map((lang) => `${name}_${lang}`);

function perLanguage(name: string, max: number, required: boolean) {
  return Object.fromEntries(LANGUAGES.map((lang) => [`${name}_${lang}`, text(max, required)]));
}

/** Picks name_ru, name_en, name_nl out of a checked form. */
export function languagesOf(form: Record<string, unknown>, name: string): PerLanguage {
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, String(form[`${name}_${lang}`] ?? '')])) as PerLanguage;
}

export const campaignForm = z
  .object({ goal, starts_on: day, ends_on: day, ...perLanguage('story', LIMITS.story, false) })
  .refine((form) => form.ends_on >= form.starts_on, {
    path: ['ends_on'],
    // Said even when another field is refused too, as long as both days are days.
    when: ({ value }) => {
      const days = value as { starts_on?: unknown; ends_on?: unknown };
      return day.safeParse(days.starts_on).success && day.safeParse(days.ends_on).success;
    },
  });

export type CampaignInput = { goalCents: bigint; startsOn: string; endsOn: string; story: PerLanguage };

export function campaignInput(form: z.infer<typeof campaignForm>): CampaignInput {
  return { goalCents: form.goal, startsOn: form.starts_on, endsOn: form.ends_on, story: languagesOf(form, 'story') };
}

/** One form for every purpose: goal_shelter, text_shelter_ru, … */
export const purposesForm = z.object(
  Object.fromEntries(PURPOSES.flatMap((purpose) => [[`goal_${purpose}`, goal], ...Object.entries(perLanguage(`text_${purpose}`, LIMITS.purposeText, false))])),
);

export type PurposeInput = { purpose: Purpose; goalCents: bigint; text: PerLanguage };

export function purposeInputs(form: Record<string, unknown>): PurposeInput[] {
  return PURPOSES.map((purpose) => ({ purpose, goalCents: form[`goal_${purpose}`] as bigint, text: languagesOf(form, `text_${purpose}`) }));
}

export const supporterForm = z.object({
  ...perLanguage('name', LIMITS.name, true),
  ...perLanguage('role', LIMITS.role, false),
  ...perLanguage('quote', LIMITS.quote, false),
});

export type SupporterInput = { name: PerLanguage; role: PerLanguage; quote: PerLanguage };

export function supporterInput(form: Record<string, unknown>): SupporterInput {
  return { name: languagesOf(form, 'name'), role: languagesOf(form, 'role'), quote: languagesOf(form, 'quote') };
}

export const updateForm = z.object({
  dated: day,
  ...perLanguage('title', LIMITS.title, true),
  ...perLanguage('body', LIMITS.body, true),
});

export type UpdateInput = { dated: string; title: PerLanguage; body: PerLanguage };

export function updateInput(form: Record<string, unknown> & { dated: string }): UpdateInput {
  return { dated: form.dated, title: languagesOf(form, 'title'), body: languagesOf(form, 'body') };
}

/** Paragraphs of a plain text: split at blank lines; a single line break stays inside its paragraph. */
export function paragraphsOf(value: string): string[][] {
  return value
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split('\n').map((line) => line.trim()))
    .filter((lines) => lines.some(Boolean));
}
