import type { Lang } from './lang.ts';

/**
 * Days left until a due date, counted in the association's time zone: a deadline "tomorrow" must
 * not turn into "today" for a colleague at 1 a.m. in Amsterdam because the server runs in UTC.
 * Dates are calendar days ('YYYY-MM-DD'), never moments.
 */
export const ASSOCIATION_ZONE = 'Europe/Amsterdam';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: ASSOCIATION_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in the association's zone, as 'YYYY-MM-DD'. */
export function todayIn(now: Date = new Date()): string {
  return dayFormat.format(now);
}

const DAY = 24 * 3600 * 1000;

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY;
}

/** Whole days from today (in the association's zone) to the date: negative when it has passed. */
export function daysUntil(due: string, now: Date = new Date()): number {
  return dayNumber(due) - dayNumber(todayIn(now));
}

/** The date `days` after a date, both 'YYYY-MM-DD'. */
export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY).toISOString().slice(0, 10);
}

/** A real calendar date in 'YYYY-MM-DD' (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  // A month 13 is an invalid Date, whose toISOString throws: that is "not a date", not an error.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Calendar days ('YYYY-MM-DD') in the reader's language; a day has no time zone to name. */
const dayFormats = new Map<Lang, Intl.DateTimeFormat>();
export function formatDay(lang: Lang, day: string): string {
  let format = dayFormats.get(lang);
  if (!format) dayFormats.set(lang, (format = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })));
  return format.format(new Date(`${day}T00:00:00Z`));
}
