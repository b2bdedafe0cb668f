import type { Lang } from '../i18n/lang.ts';

/**
 * Euros for pages and forms. Money is integer cents as bigint everywhere; these two functions are
 * where it meets text, and neither goes through a float.
 */

const formats = new Map<Lang, Intl.NumberFormat>();

/**
 * "€ 1.234,50" (nl), "€1,234.50" (en), "1 234,50 €" (ru). Intl formats a decimal string exactly
 * (Intl.NumberFormat v3, in Node 20), so an amount beyond 2^53 cents keeps every digit.
 */
export function formatEuros(cents: bigint, lang: Lang): string {
  let format = formats.get(lang);
  if (!format) formats.set(lang, (format = new Intl.NumberFormat(lang, { style: 'currency', currency: 'EUR' })));
  // TypeScript's library types take only numbers, but the standard takes a decimal string.
  return (format.format as unknown as (value: string) => string)(decimalEuros(cents));
}

/** Cents as a plain decimal with two places and a leading minus when negative: "-25.00", "0.01". */
export function decimalEuros(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const size = cents < 0n ? -cents : cents;
  return `${sign}${size / 100n}.${String(size % 100n).padStart(2, '0')}`;
}

const MAX_WHOLE_DIGITS = 12;

/**
 * What a donor typed in an amount field, in cents, or null. Accepts "25", "25,50", "25.50",
 * "€ 25", "25 €", "1.234,56", "1,234.56", "1 234,56" and "1.234.567". Refuses negatives, more
 * than two decimals and junk. A single separator followed by exactly three digits ("1.000",
 * "1,000") is refused too: it means a thousand in Dutch and one euro in English, and guessing
 * wrong about money costs a donor a thousandfold; "1000" or "1.000,00" say it plainly.
 */
export function parseEuros(text: string): bigint | null {
  const typed = text
    .normalize('NFKC')
    .trim()
    .replace(/^(?:€|eur)\s*/i, '')
    .replace(/\s*(?:€|eur)$/i, '')
    .replace(/\s/g, ' ');
  if (!/^[0-9][0-9., ]*$/.test(typed)) return null;

  let whole = typed;
  let fraction = '';
  const last = Math.max(typed.lastIndexOf('.'), typed.lastIndexOf(','));
  if (last >= 0) {
    const separator = typed[last] ?? '';
    const tail = typed.slice(last + 1);
    const repeated = typed.slice(0, last).includes(separator);
    if (/^\d{1,2}$/.test(tail) && !repeated) {
      whole = typed.slice(0, last);
      fraction = tail;
    } else if (!(/^\d{3}$/.test(tail) && repeated)) {
      return null;
    }
  }
  // Thousands separators must be one kind, between groups of three.
  if (!/^\d+$/.test(whole) && !/^\d{1,3}([., ])\d{3}(?:\1\d{3})*$/.test(whole)) return null;
  const digits = whole.replace(/[., ]/g, '');
  if (digits.length > MAX_WHOLE_DIGITS) return null;
  return BigInt(digits) * 100n + BigInt(fraction.padEnd(2, '0'));
}
