import type { Lang, Translate } from '../i18n/index.ts';
import { daysUntil } from '../i18n/days.ts';
import { stageName } from './procedure-data.ts';

export function formatCents(lang: Lang, cents: number): string {
  return new Intl.NumberFormat(lang, { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** "3 days left", "due today", "overdue by 2 days", counted in the association's zone. */
export function daysLeftText(t: Translate, due: string, now: Date = new Date()): string {
  const days = daysUntil(due, now);
  if (days > 0) return t('tracks.days.left', { n: days });
  if (days === 0) return t('tracks.days.today');
  return t('tracks.days.overdue', { n: -days });
}

/** The days left as a tag: overdue and today are marked by text and by colour, never colour alone. */
export function DaysLeft({ t, due, done }: { t: Translate; due: string; done?: boolean }) {
  if (done) return null;
  const days = daysUntil(due);
  return (
    <span class={days < 0 ? 'tag urgent' : days <= 2 ? 'tag warn' : 'tag'} data-days-left={days}>
      {daysLeftText(t, due)}
    </span>
  );
}

export function deadlineKindName(t: Translate, lang: Lang, kind: string): string {
  if (kind === 'documents' || kind === 'other') return t(`tracks.kind.${kind}`);
  return stageName(kind, lang) ?? kind;
}
