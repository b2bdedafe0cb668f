import { MollieApiError, PaymentEmbed, PaymentStatus, RefundStatus, type Payment } from '@mollie/api-client';
import type { Db } from '../db/client.ts';
import type { Config } from '../config.ts';
import { mollieClient } from './provider-clients.ts';
import { bookOnlineGift } from './book-online-gift.ts';
import { bookMonthlyPayment } from './book-renewal.ts';
import { bookGiftReversal, undoGiftReversal } from './book-gift-reversal.ts';
import { centsOfDecimal, dayOf, markPaymentFailed, metadataId } from './online-payment-state.ts';
import { ensureMollieSubscription } from './mollie-subscription.ts';

/** Mollie's payment ids: tr_ and letters and digits. */
export const MOLLIE_PAYMENT_ID = /^tr_[A-Za-z0-9]{2,64}$/;

/** What Beside did with a webhook: 'unknown' names no payment of ours (Mollie is still answered 200). */
export type MollieReceipt = 'unknown' | 'handled';

// A refund is money on its way back once Mollie has it pending; queued ones may still be
// cancelled, failed and cancelled ones never left.
const REFUND_GONE = new Set<string>([RefundStatus.pending, RefundStatus.processing, RefundStatus.refunded]);
const REFUND_UNDONE = new Set<string>([RefundStatus.failed, RefundStatus.canceled]);
const GAVE_UP = new Set<string>([PaymentStatus.canceled, PaymentStatus.expired, PaymentStatus.failed]);

/**
 * Mollie's webhook names a payment and nothing else; what happened is what Mollie's API says of
 * it now, fetched with the SDK (so a forged call can only make Beside look). Paid: the gift is
 * booked (a subscription payment becomes a new gift of its monthly gift, and a monthly gift's
 * first payment starts its subscription). Given up: the donor's way back says so. Refunds and
 * chargebacks on it are booked (and undone) by their own ids.
 */
export async function receiveMolliePayment(db: Db, config: Config, paymentId: string): Promise<MollieReceipt> {
  const settings = config.giving.online?.mollie;
  if (!settings || !MOLLIE_PAYMENT_ID.test(paymentId)) return 'unknown';
  let payment: Payment;
  try {
    payment = await mollieClient(settings).payments.get(paymentId, { embed: [PaymentEmbed.refunds, PaymentEmbed.chargebacks] });
  } catch (error) {
    if (error instanceof MollieApiError && error.statusCode === 404) return 'unknown';
    throw error;
  }
  const amountCents = centsOfDecimal(payment.amount.value);
  if (amountCents === null) throw new Error('receiveMolliePayment: Mollie sent an amount that is not in cents.');
  const paid = { provider: 'mollie' as const, paymentId: payment.id, amountCents, currency: payment.amount.currency, paidOn: dayOf(payment.paidAt), sourceRef: `mollie:${payment.id}`, paymentRef: null };

  let ours: boolean;
  if (payment.subscriptionId) {
    const monthlyGiftId = await monthlyGiftOf(db, payment.subscriptionId);
    ours = monthlyGiftId !== null;
    if (monthlyGiftId && payment.status === PaymentStatus.paid) await bookMonthlyPayment(db, { ...paid, monthlyGiftId });
  } else {
    const giftIdHint = metadataId(payment.metadata, 'giftId');
    if (payment.status === PaymentStatus.paid) {
      const { outcome, giftId } = await bookOnlineGift(db, { ...paid, giftIdHint });
      ours = outcome !== 'unknown';
      // Booked now or before: a monthly gift's subscription is made if it is still missing (a
      // failure then answers 500, and Mollie's retry comes back here).
      if (giftId && (outcome === 'booked' || outcome === 'duplicate')) await ensureMollieSubscription(db, config, settings, giftId, payment.description);
    } else {
      ours = GAVE_UP.has(payment.status) ? await markPaymentFailed(db, 'mollie', payment.id, giftIdHint) : false;
    }
  }
  await receiveReversals(db, payment);
  return ours ? 'handled' : 'unknown';
}

async function monthlyGiftOf(db: Db, subscriptionId: string): Promise<string | null> {
  const [row] = await db.query<{ id: string }>("select id from monthly_gifts where provider = 'mollie' and subscription_ref = $1", [subscriptionId]);
  return row?.id ?? null;
}

/**
 * Refunds and chargebacks Mollie lists on the payment, each booked once and undone once when
 * Mollie undoes it. What was undone or taken back is settled first, so a refund is measured
 * against what the gift still holds.
 */
async function receiveReversals(db: Db, payment: Payment): Promise<void> {
  const on = { paymentId: payment.id };
  for (const chargeback of payment._embedded?.chargebacks ?? []) {
    const sourceRef = `mollie:chargeback:${chargeback.id}`;
    const cents = centsOfDecimal(chargeback.amount.value);
    if (cents === null) continue;
    await bookGiftReversal(db, { provider: 'mollie', payment: on, kind: 'chargeback', sourceRef, amountCents: cents, currency: chargeback.amount.currency, occurredOn: dayOf(chargeback.createdAt) });
    if (chargeback.reversedAt) await undoGiftReversal(db, 'mollie', on, sourceRef, dayOf(chargeback.reversedAt));
  }
  const refunds = payment._embedded?.refunds ?? [];
  for (const refund of refunds.filter((r) => REFUND_UNDONE.has(r.status))) await undoGiftReversal(db, 'mollie', on, `mollie:refund:${refund.id}`, dayOf(null));
  for (const refund of refunds.filter((r) => REFUND_GONE.has(r.status))) {
    const cents = centsOfDecimal(refund.amount.value);
    if (cents === null) continue;
    await bookGiftReversal(db, { provider: 'mollie', payment: on, kind: 'refund', sourceRef: `mollie:refund:${refund.id}`, amountCents: cents, currency: refund.amount.currency, occurredOn: dayOf(refund.createdAt) });
  }
}
