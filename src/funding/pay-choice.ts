import type { Giving } from '../config.ts';
import type { Translate } from '../i18n/index.ts';
import type { Frequency } from './start-online-gift.ts';

/** How the donor pays: by bank transfer (once), or online through the configured provider, once or monthly. */
export type PayChoice = { way: 'transfer' } | { way: 'online'; frequency: Frequency };

export type ParsedPayChoice = { ok: true; choice: PayChoice } | { ok: false; errors: Partial<Record<'way' | 'frequency', string>> };

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The Give form's 'way' and 'frequency' fields, next to what parseGiveForm checks. Without a
 * provider there is nothing to choose: a bank transfer, once. With a provider but no bank account
 * every gift is paid online. A monthly gift is paid online only.
 */
export function parsePayChoice(values: Partial<Record<string, string | string[]>>, giving: Giving, t: Translate): ParsedPayChoice {
  if (!giving.online) return { ok: true, choice: { way: 'transfer' } };
  const frequency = one(values.frequency) ?? 'once';
  const way = giving.bank ? one(values.way) : 'online';
  const errors: Partial<Record<'way' | 'frequency', string>> = {};
  if (frequency !== 'once' && frequency !== 'monthly') errors.frequency = t('pay.error.frequency');
  if (way !== 'online' && way !== 'transfer') errors.way = t('pay.error.way');
  else if (way === 'transfer' && frequency === 'monthly') errors.way = t('pay.error.monthlyTransfer');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, choice: way === 'transfer' ? { way } : { way: 'online', frequency: frequency as Frequency } };
}
