import { MollieApiError } from '@mollie/api-client';
import Stripe from 'stripe';
import type { Db } from '../db/client.ts';
import type { Config } from '../config.ts';
import { mollieClient, stripeClient } from './provider-clients.ts';
import { findMonthlyByToken, recordCancellation } from './monthly-gifts.ts';
import type { MollieSettings, StripeSettings } from './payment-config.ts';

export type CancelOutcome = 'cancelled' | 'already' | 'unknown' | 'unreachable';

type Subscription = { id: string; provider: 'mollie' | 'stripe'; subscription_ref: string | null; customer_ref: string | null };

/**
 * The donor cancels a monthly gift with its manage token. The provider is told first, through its
 * SDK: if it cannot be reached, nothing is recorded and the donor is asked to try again, so the
 * page never says "cancelled" while money is still taken. A subscription the provider already
 * ended counts as cancelled. A monthly gift whose subscription does not exist yet is recorded as
 * cancelled; the subscription is then cancelled as soon as it appears (src/funding/monthly-gifts.ts).
 */
export async function cancelMonthlyGift(db: Db, config: Config, token: string): Promise<CancelOutcome> {
  const monthly = await findMonthlyByToken(db, token);
  if (!monthly) return 'unknown';
  if (monthly.state === 'cancelled') return 'already';
  const [arrangement] = await db.query<Subscription>('select id, provider, subscription_ref, customer_ref from monthly_gifts where id = $1', [monthly.id]);
  if (arrangement?.subscription_ref) {
    try {
      await cancelAtProvider(config, arrangement);
    } catch (error) {
      console.error(`[beside] ${arrangement.provider}: cancelling a monthly gift failed (${(error as Error).name})`);
      return 'unreachable';
    }
  }
  const recorded = await db.transaction(async (tx) => {
    await tx.query('select 1 from monthly_gifts where id = $1 for update', [monthly.id]);
    return recordCancellation(tx, monthly.id, 'donor');
  });
  return recorded ? 'cancelled' : 'already';
}

async function cancelAtProvider(config: Config, arrangement: Subscription): Promise<void> {
  const online = config.giving.online;
  const subscription = arrangement.subscription_ref!;
  if (arrangement.provider === 'mollie') {
    if (!online?.mollie || !arrangement.customer_ref) throw new Error('Mollie is not configured.');
    return cancelMollieSubscription(online.mollie, subscription, arrangement.customer_ref);
  }
  if (!online?.stripe) throw new Error('Stripe is not configured.');
  return cancelStripeSubscription(online.stripe, subscription);
}

/** Cancels at Mollie; one already gone (404/410) or no longer active (422) counts: Mollie takes nothing more either way. */
export async function cancelMollieSubscription(settings: MollieSettings, subscription: string, customerId: string): Promise<void> {
  try {
    await mollieClient(settings).customerSubscriptions.cancel(subscription, { customerId });
  } catch (error) {
    if (!(error instanceof MollieApiError && [404, 410, 422].includes(error.statusCode ?? 0))) throw error;
  }
}

/** Cancels at Stripe; one Stripe no longer has counts. */
export async function cancelStripeSubscription(settings: StripeSettings, subscription: string): Promise<void> {
  try {
    await stripeClient(settings).subscriptions.cancel(subscription);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing')) throw error;
  }
}
