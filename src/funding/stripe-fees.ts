import type { StripeSettings } from './payment-config.ts';
import { stripeClient } from './provider-clients.ts';
import type { NewLedgerTransaction } from './ledger.ts';
import { centsOfInteger, dayOf } from './online-payment-state.ts';

/** A provider's fee on one payment, as the books take it. */
export type ProviderFee = { sourceRef: string; cents: bigint; occurredOn: string };

/**
 * Stripe's fee on a payment, from the balance transaction of the payment's charge (Stripe writes
 * it when the charge succeeds, so a paid Checkout or invoice has it). Null when there is none to
 * book: no charge yet, a fee of nothing, or a balance in another currency than the books'.
 */
export async function fetchStripeFee(settings: StripeSettings, paymentIntentId: string): Promise<ProviderFee | null> {
  const intent = await stripeClient(settings).paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] });
  const charge = intent.latest_charge;
  if (!charge || typeof charge === 'string') return null;
  const balance = charge.balance_transaction;
  if (!balance || typeof balance === 'string' || balance.currency.toLowerCase() !== 'eur') return null;
  const cents = centsOfInteger(balance.fee);
  if (cents === null || cents <= 0n) return null;
  return { sourceRef: `stripe:${balance.id}`, cents, occurredOn: dayOf(balance.created) };
}

/** The fee as one 'fee' transaction: expenses:fees:stripe debited, assets:stripe credited, once by the balance transaction's id. */
export function feeTransaction(fee: ProviderFee): NewLedgerTransaction {
  return {
    kind: 'fee',
    occurredOn: fee.occurredOn,
    description: 'Stripe fee',
    sourceRef: fee.sourceRef,
    entries: [
      { account: 'expenses:fees:stripe', amountCents: fee.cents },
      { account: 'assets:stripe', amountCents: -fee.cents },
    ],
    actorUserId: null,
  };
}
