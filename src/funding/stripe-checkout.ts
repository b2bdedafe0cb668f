import type { Lang } from '../i18n/lang.ts';
import type { StripeSettings } from './payment-config.ts';
import { stripeClient } from './provider-clients.ts';
import type { CheckoutRequest, StartedCheckout } from './mollie-checkout.ts';

/**
 * Stripe's side of starting a gift: a Checkout session, in payment mode for a one-off gift and in
 * subscription mode (a monthly price made inline) for a monthly one. The gift's ids travel as
 * metadata on the session, its payment intent or its subscription, so every later event can name
 * its gift even before this process has stored Stripe's ids.
 */
export async function startStripeCheckout(settings: StripeSettings, request: CheckoutRequest): Promise<StartedCheckout> {
  const stripe = stripeClient(settings);
  const ids = { giftId: request.giftId, ...(request.monthlyGiftId ? { monthlyGiftId: request.monthlyGiftId } : {}) };
  const unitAmount = Number(request.amountCents);
  if (!Number.isSafeInteger(unitAmount)) throw new Error('startStripeCheckout: amount out of range.');
  const session = await stripe.checkout.sessions.create({
    mode: request.monthlyGiftId ? 'subscription' : 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: 'eur',
          unit_amount: unitAmount,
          product_data: { name: request.description },
          ...(request.monthlyGiftId ? { recurring: { interval: 'month' as const } } : {}),
        },
      },
    ],
    success_url: request.returnUrl,
    cancel_url: request.cancelUrl,
    client_reference_id: request.giftId,
    locale: LOCALES[request.lang],
    metadata: ids,
    ...(request.monthlyGiftId ? { subscription_data: { metadata: ids } } : { payment_intent_data: { metadata: ids } }),
  });
  if (!session.url) throw new Error('startStripeCheckout: Stripe gave no checkout address.');
  return { paymentId: session.id, checkoutUrl: session.url, customerRef: null };
}

const LOCALES: Record<Lang, 'en' | 'nl' | 'ru'> = { en: 'en', nl: 'nl', ru: 'ru' };
