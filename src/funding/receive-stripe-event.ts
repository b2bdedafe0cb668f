import type Stripe from 'stripe';
import type { Db } from '../db/client.ts';
import type { StripeSettings } from './payment-config.ts';
import { stripeClient } from './provider-clients.ts';
import { bookOnlineGift } from './book-online-gift.ts';
import { bookMonthlyPayment } from './book-renewal.ts';
import { bookGiftReversal, undoGiftReversal } from './book-gift-reversal.ts';
import { centsOfInteger, dayOf, markPaymentFailed, metadataId } from './online-payment-state.ts';
import { fetchStripeFee } from './stripe-fees.ts';
import { endMonthlyByProvider, storeSubscription } from './monthly-gifts.ts';
import { cancelStripeSubscription } from './cancel-monthly-gift.ts';
import { idOf } from './stripe-delivery.ts';

/**
 * A Stripe event whose signature and timestamp the route checked (constructEvent with the raw
 * body). Stripe sends the object as it is: amounts, ids and the metadata we set at checkout.
 * Every booking is idempotent by its Stripe id, so a replayed or retried event changes nothing.
 * Events of other types are acknowledged and ignored. The event comes as the payment booker kept
 * it (stripe-delivery.ts): read only fields that storedStripeEvent keeps, and keep any new one there.
 */
export async function receiveStripeEvent(db: Db, settings: StripeSettings, event: Stripe.Event): Promise<void> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return receiveSession(db, settings, event.data.object);
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      await markPaymentFailed(db, 'stripe', event.data.object.id, metadataId(event.data.object.metadata, 'giftId'));
      return;
    case 'invoice.paid':
      return receiveInvoice(db, settings, event.data.object);
    case 'charge.refunded':
      return receiveRefunds(db, settings, event.data.object);
    case 'charge.dispute.created':
    case 'charge.dispute.closed':
      return receiveDispute(db, event.data.object, event.type);
    case 'customer.subscription.deleted':
      await endMonthlyByProvider(db, 'stripe', event.data.object.id);
      return;
    default:
      return;
  }
}

/**
 * Payment mode: the gift is booked with Stripe's fee, in one transaction; the fee is asked of
 * Stripe first (outside any transaction), and only while the gift waits, so a repeated delivery
 * costs one lookup. Subscription mode: the subscription is stored; invoice.paid books.
 */
async function receiveSession(db: Db, settings: StripeSettings, session: Stripe.Checkout.Session): Promise<void> {
  if (session.mode === 'subscription') {
    const monthlyGiftId = metadataId(session.metadata, 'monthlyGiftId');
    const subscription = idOf(session.subscription);
    if (monthlyGiftId && subscription && (await storeSubscription(db, 'stripe', monthlyGiftId, subscription, idOf(session.customer)))) {
      await cancelStripeSubscription(settings, subscription);
    }
    return;
  }
  if (session.mode !== 'payment' || session.payment_status !== 'paid') return;
  const amountCents = centsOfInteger(session.amount_total);
  const giftIdHint = metadataId(session.metadata, 'giftId');
  if (amountCents === null || !(await giftWaits(db, session.id, giftIdHint))) return;
  const paymentRef = idOf(session.payment_intent);
  await bookOnlineGift(db, {
    provider: 'stripe',
    paymentId: session.id,
    giftIdHint,
    amountCents,
    currency: session.currency ?? '',
    paidOn: dayOf(session.created),
    sourceRef: `stripe:${session.id}`,
    paymentRef,
    fee: paymentRef ? await fetchStripeFee(settings, paymentRef) : null,
  });
}

/** Whether a gift of ours waits for this session (a cheap look before asking Stripe anything). */
async function giftWaits(db: Db, sessionId: string, giftIdHint: string | null): Promise<boolean> {
  const rows = await db.query(
    "select 1 from gifts where method = 'stripe' and state = 'pledged' and (provider_payment_id = $1 or (provider_payment_id is null and id::text = $2))",
    [sessionId, giftIdHint ?? ''],
  );
  return rows.length > 0;
}

/** A paid invoice of a monthly gift: the first month or a later one, with its fee. Its payment intent is kept for refunds. */
async function receiveInvoice(db: Db, settings: StripeSettings, invoice: Stripe.Invoice): Promise<void> {
  const details = invoice.parent?.subscription_details;
  const subscription = idOf(details?.subscription);
  const monthlyGiftId = (subscription && (await monthlyGiftOf(db, subscription))) ?? metadataId(details?.metadata, 'monthlyGiftId');
  const amountCents = centsOfInteger(invoice.amount_paid);
  if (!monthlyGiftId || !invoice.id || amountCents === null) return;
  const sourceRef = `stripe:${invoice.id}`;
  if ((await db.query('select 1 from ledger_transactions where source_ref = $1', [sourceRef])).length === 0) {
    // The invoice's payment intent is listed on the invoice only when asked for.
    const full = await stripeClient(settings).invoices.retrieve(invoice.id, { expand: ['payments'] });
    const paymentRef = idOf(full.payments?.data.find((payment) => payment.payment.payment_intent)?.payment.payment_intent);
    await bookMonthlyPayment(db, {
      provider: 'stripe',
      monthlyGiftId,
      paymentId: invoice.id,
      amountCents,
      currency: invoice.currency,
      paidOn: dayOf(invoice.status_transitions?.paid_at ?? invoice.created),
      sourceRef,
      paymentRef,
      fee: paymentRef ? await fetchStripeFee(settings, paymentRef) : null,
    });
  }
  if (subscription && (await storeSubscription(db, 'stripe', monthlyGiftId, subscription, idOf(invoice.customer)))) {
    await cancelStripeSubscription(settings, subscription);
  }
}

async function monthlyGiftOf(db: Db, subscription: string): Promise<string | null> {
  const [row] = await db.query<{ id: string }>("select id from monthly_gifts where provider = 'stripe' and subscription_ref = $1", [subscription]);
  return row?.id ?? null;
}

/** Every refund of the charge, listed from Stripe (the event's charge no longer carries them), each booked once. */
async function receiveRefunds(db: Db, settings: StripeSettings, charge: Stripe.Charge): Promise<void> {
  const paymentRef = idOf(charge.payment_intent);
  if (!paymentRef) return;
  const refunds = await stripeClient(settings).refunds.list({ charge: charge.id, limit: 100 });
  for (const refund of refunds.data) {
    const cents = centsOfInteger(refund.amount);
    if (cents === null) continue;
    const sourceRef = `stripe:${refund.id}`;
    if (refund.status === 'succeeded' || refund.status === 'pending') {
      await bookGiftReversal(db, { provider: 'stripe', payment: { paymentRef }, kind: 'refund', sourceRef, amountCents: cents, currency: refund.currency, occurredOn: dayOf(refund.created) });
    } else if (refund.status === 'failed' || refund.status === 'canceled') {
      await undoGiftReversal(db, 'stripe', { paymentRef }, sourceRef, dayOf(null));
    }
  }
}

/** A dispute takes the money back when it opens; if the association wins it, the chargeback is undone. */
async function receiveDispute(db: Db, dispute: Stripe.Dispute, type: 'charge.dispute.created' | 'charge.dispute.closed'): Promise<void> {
  const paymentRef = idOf(dispute.payment_intent);
  const cents = centsOfInteger(dispute.amount);
  if (!paymentRef || cents === null) return;
  const sourceRef = `stripe:${dispute.id}`;
  if (type === 'charge.dispute.created') {
    await bookGiftReversal(db, { provider: 'stripe', payment: { paymentRef }, kind: 'chargeback', sourceRef, amountCents: cents, currency: dispute.currency, occurredOn: dayOf(dispute.created) });
  } else if (dispute.status === 'won') {
    await undoGiftReversal(db, 'stripe', { paymentRef }, sourceRef, dayOf(null));
  }
}
