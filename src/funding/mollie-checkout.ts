import { Locale, SequenceType } from '@mollie/api-client';
import type { Lang } from '../i18n/lang.ts';
import type { MollieSettings } from './payment-config.ts';
import { mollieClient } from './provider-clients.ts';
import { decimalEuros } from './money.ts';

/**
 * Mollie's side of starting a gift: a payment whose hosted page lets the donor choose iDEAL, a
 * card or Bancontact (no method is named, so Mollie offers those the account has enabled). A
 * monthly gift starts with a 'first' payment on a new customer: paying it gives Mollie the
 * mandate the subscription then charges (src/funding/mollie-subscription.ts). The customer is
 * made without name or e-mail: Mollie learns who pays from the payment itself, and nothing more.
 */
export type CheckoutRequest = {
  giftId: string;
  monthlyGiftId: string | null;
  amountCents: bigint;
  description: string;
  lang: Lang;
  returnUrl: string;
  cancelUrl: string;
  webhookUrl: string;
};

export type StartedCheckout = { paymentId: string; checkoutUrl: string; customerRef: string | null };

// Mollie's hosted page speaks no Russian: a Russian reader gets it in English.
const LOCALES: Record<Lang, Locale> = { en: Locale.en_US, nl: Locale.nl_NL, ru: Locale.en_US };

export async function startMollieCheckout(settings: MollieSettings, request: CheckoutRequest): Promise<StartedCheckout> {
  const mollie = mollieClient(settings);
  const customer = request.monthlyGiftId ? await mollie.customers.create({ metadata: { monthlyGiftId: request.monthlyGiftId } }) : null;
  const payment = await mollie.payments.create({
    amount: { currency: 'EUR', value: decimalEuros(request.amountCents) },
    description: request.description,
    redirectUrl: request.returnUrl,
    cancelUrl: request.cancelUrl,
    webhookUrl: request.webhookUrl,
    locale: LOCALES[request.lang],
    metadata: { giftId: request.giftId },
    ...(customer ? { customerId: customer.id, sequenceType: SequenceType.first } : {}),
  });
  const checkoutUrl = payment.getCheckoutUrl();
  if (!checkoutUrl) throw new Error('startMollieCheckout: Mollie gave no checkout address.');
  return { paymentId: payment.id, checkoutUrl, customerRef: customer?.id ?? null };
}
