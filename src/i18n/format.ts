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

/**
 * Dates in the association's time zone, which the text names ("CET"): a colleague abroad must
 * not read Amsterdam time as their own. One formatter per language, since building one is slow.
 */
export function formatDateTime(lang: Lang, date: Date): string {
  let format = dateTimeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: 'Europe/Amsterdam' });
    dateTimeFormats.set(lang, format);
  }
  return format.format(date);
}

const relativeFormats = new Map<Lang, Intl.RelativeTimeFormat>();

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * How long ago, in the reader's words ("2 hours ago", «2 часа назад»): true in every time zone,
 * for the person, whose zone the server does not know and must not ask.
 */
export function relativeTime(lang: Lang, date: Date, now: Date = new Date()): string {
  let format = relativeFormats.get(lang);
  if (!format) relativeFormats.set(lang, (format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })));
  const seconds = (date.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}
