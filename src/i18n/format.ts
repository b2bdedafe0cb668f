import type { Lang } from './lang.ts';

type PluralForms = { one: string; few?: string; many?: string; other: string };

/** Picks the plural form Intl knows for the language (Russian has one, few and many). */
const pluralRules = new Map<Lang, Intl.PluralRules>();

export function plural(lang: Lang, count: number, forms: PluralForms): string {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  const category = rules.select(count) as keyof PluralForms;
  return (forms[category] ?? forms.other).replace('#', new Intl.NumberFormat(lang).format(count));
}

const dateTimeFormats = new Map<Lang, Intl.DateTimeFormat>();

/** Dates in the association's time zone; one formatter per language, since building one is slow. */
export function formatDateTime(lang: Lang, date: Date): string {
  let format = dateTimeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });
    dateTimeFormats.set(lang, format);
  }
  return format.format(date);
}
