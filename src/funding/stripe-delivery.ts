import type Stripe from 'stripe';

/**
 * What of a verified Stripe event is kept until the payment booker has handled it: the fields
 * receiveStripeEvent reads (ids, amounts, currencies, states, days, our own metadata ids) and
 * nothing else. A Checkout session as Stripe sends it carries the donor's name, e-mail address
 * and country (customer_details); an invoice the customer's e-mail and address; a charge the
 * billing details. Those never reach our database: the fields are picked, never filtered out.
 * Expanded objects are kept as their ids. Events of a type Beside does not act on are not kept
 * at all (null).
 */
export function storedStripeEvent(event: Stripe.Event): StoredStripeEvent | null {
  const kept = keptObject(event);
  return kept && { id: event.id, type: event.type, created: event.created, data: { object: kept } };
}

/** The stored event, read back: the shape of a Stripe.Event with only the fields above present. */
export type StoredStripeEvent = { id: string; type: string; created: number; data: { object: Record<string, unknown> } };

/** Our own ids in metadata; anything else someone put there stays at Stripe. */
const OUR_METADATA = ['giftId', 'monthlyGiftId'] as const;

function keptObject(event: Stripe.Event): Record<string, unknown> | null {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const session = event.data.object;
      return {
        id: session.id,
        mode: session.mode,
        payment_status: session.payment_status,
        amount_total: session.amount_total,
        currency: session.currency,
        created: session.created,
        metadata: ourMetadata(session.metadata),
        subscription: idOf(session.subscription),
        customer: idOf(session.customer),
        payment_intent: idOf(session.payment_intent),
      };
    }
    case 'invoice.paid': {
      const invoice = event.data.object;
      const details = invoice.parent?.subscription_details;
      return {
        id: invoice.id,
        amount_paid: invoice.amount_paid,
        currency: invoice.currency,
        created: invoice.created,
        customer: idOf(invoice.customer),
        status_transitions: { paid_at: invoice.status_transitions?.paid_at ?? null },
        parent: details ? { subscription_details: { subscription: idOf(details.subscription), metadata: ourMetadata(details.metadata) } } : null,
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      return { id: charge.id, payment_intent: idOf(charge.payment_intent) };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      return { id: dispute.id, payment_intent: idOf(dispute.payment_intent), amount: dispute.amount, currency: dispute.currency, created: dispute.created, status: dispute.status };
    }
    case 'customer.subscription.deleted':
      return { id: event.data.object.id };
    default:
      return null;
  }
}

function ourMetadata(metadata: Stripe.Metadata | null | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const key of OUR_METADATA) {
    const value = metadata?.[key];
    if (typeof value === 'string') kept[key] = value;
  }
  return kept;
}

/** A Stripe field that is an id, or the object it names when expanded: the id. */
export const idOf = (value: string | { id: string } | null | undefined): string | null => (typeof value === 'string' ? value : (value?.id ?? null));
