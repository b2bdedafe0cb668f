import { z } from 'zod';
import { LANGUAGES } from '../i18n/lang.ts';
import type { Translate } from '../i18n/index.ts';
import { COUNTRIES, NEEDS } from './needs.ts';

const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((value) => value?.trim() || undefined);

/** The help form: only one kind of help is required; everything else may stay empty. */
export const helpFormSchema = z.object({
  danger: z.enum(['yes', 'no']).optional(),
  needs: z.array(z.enum(NEEDS)).min(1),
  otherNeed: optionalText(500),
  country: z
    .union([z.enum(COUNTRIES), z.literal('')])
    .optional()
    .transform((value) => value || null),
  city: optionalText(200),
  language: z.enum(LANGUAGES),
  story: optionalText(20_000),
  contact: optionalText(500),
  contactShared: z
    .union([z.enum(['no', 'yes', 'unsure']), z.literal('')])
    .optional()
    .transform((value) => value || undefined),
  safeTimes: optionalText(500),
  codeWord: optionalText(100),
});

export type HelpFormFields = keyof z.input<typeof helpFormSchema>;

export function helpFormMessages(t: Translate): Record<HelpFormFields, string> {
  const tooLong = t('help.error.tooLong');
  return {
    danger: t('help.error.danger'),
    needs: t('help.error.needs'),
    otherNeed: tooLong,
    country: t('help.error.country'),
    city: tooLong,
    language: t('help.error.language'),
    story: tooLong,
    contact: tooLong,
    contactShared: t('web.error.bad_request'),
    safeTimes: tooLong,
    codeWord: tooLong,
  };
}
