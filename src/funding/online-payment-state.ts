import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { todayIn } from '../i18n/days.ts';
import { lockStartedGift } from './book-online-gift.ts';
import type { Provider } from './payment-config.ts';

/**
 * Small rules both providers' webhooks share: amounts as providers write them, the day money
 * moved, and a payment the provider gave up on.
 */

/** Mollie's "25.00" in cents, or null for anything else (no float, no other format is guessed). */
export function centsOfDecimal(value: string): bigint | null {
  const match = /^(\d{1,12})\.(\d{2})$/.exec(value);
  return match ? BigInt(match[1]!) * 100n + BigInt(match[2]!) : null;
}

/** Stripe's integer amounts in cents, or null when it is not a whole, safe number. */
export function centsOfInteger(value: number | null | undefined): bigint | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : null;
}

/** The calendar day (in the association's zone) of a provider's timestamp, or today when it has none. */
export function dayOf(time: string | number | null | undefined): string {
  if (time === null || time === undefined) return todayIn();
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? todayIn() : todayIn(date);
}

/** The same day of the next month ('2026-01-31' → '2026-02-28'): when a monthly gift's second payment falls. */
export function monthAfter(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(date, last))).toISOString().slice(0, 10);
}

/**
 * The provider says a started payment will not be paid (cancelled, expired, refused): the donor's
 * way back then says so instead of waiting. A gift already booked is left as it is.
 */
export async function markPaymentFailed(db: Db, provider: Provider, paymentId: string, giftIdHint: string | null): Promise<boolean> {
  return db.transaction(async (tx) => {
    const gift = await lockStartedGift(tx, provider, paymentId, giftIdHint);
    if (!gift || gift.state !== 'pledged') return false;
    const changed = await tx.query(
      "update gifts set provider_state = 'failed', provider_payment_id = coalesce(provider_payment_id, $2) where id = $1 and provider_state <> 'failed' returning id",
      [gift.id, paymentId],
    );
    if (changed.length === 0) return false;
    await appendAudit(tx, null, { kind: 'gift.payment_failed', giftId: gift.id, provider });
    return true;
  });
}

/** The metadata field a provider echoes back, if it is a string. */
export function metadataOf(metadata: unknown, key: string): string | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const value = (metadata as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

/** One of our ids (a UUID) the provider echoes back in its metadata, or null: anything else names nothing of ours. */
export function metadataId(metadata: unknown, key: string): string | null {
  const value = metadataOf(metadata, key);
  return value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value) ? value : null;
}
