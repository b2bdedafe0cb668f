import type { Queryable } from '../db/client.ts';
import { addDays, todayIn } from '../i18n/days.ts';
import type { Purpose } from './purposes.ts';
import type { Provider } from './payment-config.ts';
import { openReturn, returnKeys, TOKEN, type ReturnContent } from './online-gift-tokens.ts';

/**
 * What the donor's way back from the provider shows. The redirect itself proves nothing (anyone
 * can open the address, and a donor can come back without paying): only the provider's webhook,
 * once booked, turns 'waiting' into 'received'. The gift code and a monthly gift's manage link are
 * opened with the token in the address and shown until the day after the gift was booked; after
 * that the page no longer shows them (the address may sit in a browser's history).
 */
export type ReturnView = {
  provider: Provider;
  amountCents: bigint;
  purpose: Purpose;
  monthly: boolean;
} & ({ state: 'waiting' | 'failed' } | { state: 'received'; shown: ReturnContent | null });

type ReturnRow = {
  method: Provider;
  state: 'pledged' | 'received';
  provider_state: 'open' | 'paid' | 'failed';
  amount_cents: bigint;
  purpose: Purpose;
  frequency: 'once' | 'monthly';
  received_on: string | null;
  return_box: Uint8Array | null;
};

export const SHOWN_DAYS = 1;

/** The gift this return token belongs to, as its page shows it, or null (a malformed or unknown token alike). */
export async function readReturn(db: Queryable, token: string, today = todayIn()): Promise<ReturnView | null> {
  if (!TOKEN.test(token)) return null;
  const keys = returnKeys(token);
  const [row] = await db.query<ReturnRow>(
    'select method, state, provider_state, amount_cents, purpose, frequency, received_on, return_box from gifts where return_fingerprint = $1',
    [keys.fingerprint],
  );
  if (!row) return null;
  const facts = { provider: row.method, amountCents: row.amount_cents, purpose: row.purpose, monthly: row.frequency === 'monthly' };
  if (row.state !== 'received') return { ...facts, state: row.provider_state === 'failed' ? 'failed' : 'waiting' };
  const current = row.received_on !== null && addDays(row.received_on, SHOWN_DAYS) >= today;
  return { ...facts, state: 'received', shown: current && row.return_box ? openReturn(keys, row.return_box) : null };
}
