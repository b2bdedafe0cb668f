import { z } from 'zod';
import { LANGUAGES } from '../i18n/lang.ts';
import type { Translate } from '../i18n/index.ts';
import { COUNTRIES, NEEDS } from './needs.ts';
import { DURESS_ENDING_DIGITS, receiptDigits } from './receipt.ts';

/**
 * How long each text of the help form may be, in characters as a person counts them (code
 * points, a line break is one). The form says so, and the body limit is sized from it.
 */
export const TEXT_LIMITS = { otherNeed: 500, city: 200, story: 20_000, contact: 500, safeTimes: 500, codeWord: 100 } as const;
/** A message written on the status page. */
export const MESSAGE_LIMIT = 20_000;

/** Browsers send a line break as CR LF; a person sees one character. */
export const normaliseText = (value: string) => value.replace(/\r\n?/g, '\n').trim();
export const characters = (value: string) => [...value].length;

const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : normaliseText(value)))
    .refine((value) => value === undefined || characters(value) <= max)
    .transform((value) => value || undefined);

/** The help form: only one kind of help is required; everything else may stay empty. */
export const helpFormSchema = z.object({
  danger: z.enum(['yes', 'no']).optional(),
  needs: z.array(z.enum(NEEDS)).min(1),
  otherNeed: optionalText(TEXT_LIMITS.otherNeed),
  country: z
    .union([z.enum(COUNTRIES), z.literal('')])
    .optional()
    .transform((value) => value || null),
  city: optionalText(TEXT_LIMITS.city),
  language: z.enum(LANGUAGES),
  story: optionalText(TEXT_LIMITS.story),
  contact: optionalText(TEXT_LIMITS.contact),
  contactShared: z
    .union([z.enum(['no', 'yes', 'unsure']), z.literal('')])
    .optional()
    .transform((value) => value || undefined),
  safeTimes: optionalText(TEXT_LIMITS.safeTimes),
  codeWord: optionalText(TEXT_LIMITS.codeWord),
  // The four digits that end the duress code (src/help/duress.ts); empty: no duress code.
  duressEnding: z
    .string()
    .max(40)
    .optional()
    .transform((value) => receiptDigits(value ?? ''))
    .refine((digits) => digits === '' || digits.length === DURESS_ENDING_DIGITS)
    .transform((digits) => digits || undefined),
});

export type HelpFormFields = keyof z.input<typeof helpFormSchema>;
type TextField = keyof typeof TEXT_LIMITS;

/**
 * The message each field shows when it is refused. A text that is too long says how long it is
 * and how long it may be: the person shortens it on the same page, where it is kept.
 */
export function helpFormMessages(t: Translate, values: Partial<Record<HelpFormFields, unknown>>): Record<HelpFormFields, string> {
  const tooLong = (field: TextField) =>
    t('help.error.tooLong', { count: characters(normaliseText(typeof values[field] === 'string' ? values[field] : '')), max: TEXT_LIMITS[field] });
  return {
    danger: t('help.error.danger'),
    needs: t('help.error.needs'),
    otherNeed: tooLong('otherNeed'),
    country: t('help.error.country'),
    city: tooLong('city'),
    language: t('help.error.language'),
    story: tooLong('story'),
    contact: tooLong('contact'),
    contactShared: t('web.error.bad_request'),
    safeTimes: tooLong('safeTimes'),
    codeWord: tooLong('codeWord'),
    duressEnding: t('help.duress.error', { count: DURESS_ENDING_DIGITS }),
  };
}

/**
 * The largest body a public form may send. URL-encoded, one character takes up to 12 bytes (an
 * emoji: four bytes of UTF-8, each written %XX; a Cyrillic letter takes 6), so the longest form
 * allowed in any script fits, with room for the field names and choices. Other posts keep the
 * small limit of src/web/app.tsx.
 */
const BYTES_PER_CHARACTER = 12;
const FORM_OVERHEAD_BYTES = 4096;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
export const HELP_BODY_BYTES = sum(Object.values(TEXT_LIMITS)) * BYTES_PER_CHARACTER + FORM_OVERHEAD_BYTES;
export const STATUS_BODY_BYTES = MESSAGE_LIMIT * BYTES_PER_CHARACTER + FORM_OVERHEAD_BYTES;
