import type { Lang } from './lang.ts';

type PluralForms = { one: string; few?: string; many?: string; other: string };

/** Picks the plural form Intl knows for the language (Russian has one, few and many). */
export function plural(lang: Lang, count: number, forms: PluralForms): string {
  const category = new Intl.PluralRules(lang).select(count) as keyof PluralForms;
  return (forms[category] ?? forms.other).replace('#', new Intl.NumberFormat(lang).format(count));
}

export function formatDateTime(lang: Lang, date: Date): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(date);
}
