import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { postTransaction } from './ledger.ts';
import { giftReceived } from './gift-received.ts';
import { giftAccount, type Purpose } from './purposes.ts';
import type { Provider } from './payment-config.ts';
import { feeTransaction, type ProviderFee } from './stripe-fees.ts';

/**
 * Books a payment a provider confirmed into the gift it pays. The gift's row is locked first (two
 * deliveries of one webhook wait for each other here), then checked: the amount and currency must
 * be the gift's, else nothing is booked and the mismatch is logged and audited. The ledger's
 * source ref (`mollie:tr_…`, `stripe:cs_…`) books it at most once even without the lock.
 * Lock order everywhere: a monthly gift's row, then a gift's row, then the ledger's chain lock
 * (taken by postTransaction, the last write).
 */
export type ConfirmedPayment = {
  provider: Provider;
  /** the id the gift was started with (Mollie tr_…, Stripe cs_…) */
  paymentId: string;
  /** the gift the provider's metadata names, for a confirmation that overtakes our storing of paymentId */
  giftIdHint: string | null;
  amountCents: bigint;
  currency: string;
  /** the day the provider took the money, YYYY-MM-DD */
  paidOn: string;
  sourceRef: string;
  /** Stripe's payment intent, which later charge events name */
  paymentRef: string | null;
  /** the provider's fee on it, booked in the same transaction (Stripe's; Mollie invoices its fees apart) */
  fee?: ProviderFee | null;
};

export type BookOutcome = 'booked' | 'duplicate' | 'mismatch' | 'unknown';

type LockedGift = { id: string; amount_cents: bigint; purpose: Purpose; state: string };

export async function bookOnlineGift(db: Db, payment: ConfirmedPayment): Promise<{ outcome: BookOutcome; giftId: string | null }> {
  return db.transaction(async (tx) => {
    const gift = await lockStartedGift(tx, payment.provider, payment.paymentId, payment.giftIdHint);
    if (!gift) return { outcome: 'unknown', giftId: null };
    if (gift.state === 'received') return { outcome: 'duplicate', giftId: gift.id };
    if (!(await amountMatches(tx, payment, gift.amount_cents, { giftId: gift.id }))) return { outcome: 'mismatch', giftId: gift.id };
    const seq = await postGift(tx, payment, gift.purpose);
    if (seq === null) return { outcome: 'duplicate', giftId: gift.id };
    if (payment.fee) await postTransaction(tx, feeTransaction(payment.fee));
    await tx.query(
      `update gifts set state = 'received', received_on = $2, ledger_seq = $3, provider_state = 'paid',
              provider_payment_id = coalesce(provider_payment_id, $4), payment_ref = coalesce(payment_ref, $5)
        where id = $1`,
      [gift.id, payment.paidOn, seq, payment.paymentId, payment.paymentRef],
    );
    await giftReceived(tx, null, gift.id, seq);
    return { outcome: 'booked', giftId: gift.id };
  });
}

/** The gift started with this payment id (or named by the provider's metadata, before we stored the id), locked. */
export async function lockStartedGift(tx: Queryable, provider: Provider, paymentId: string, giftIdHint: string | null): Promise<LockedGift | null> {
  const [byPayment] = await tx.query<LockedGift>('select id, amount_cents, purpose, state from gifts where provider_payment_id = $1 and method = $2 for update', [paymentId, provider]);
  if (byPayment) return byPayment;
  if (!giftIdHint) return null;
  const [byHint] = await tx.query<LockedGift>('select id, amount_cents, purpose, state from gifts where id = $1 and method = $2 and provider_payment_id is null for update', [giftIdHint, provider]);
  return byHint ?? null;
}

/** Whether the provider took what the gift asked for; a difference is logged and audited, never booked. */
export async function amountMatches(tx: Queryable, payment: Pick<ConfirmedPayment, 'provider' | 'amountCents' | 'currency'>, expected: bigint, subject: { giftId: string } | { monthlyGiftId: string }): Promise<boolean> {
  const what = payment.currency.toUpperCase() !== 'EUR' ? 'currency' : payment.amountCents !== expected ? 'amount' : null;
  if (!what) return true;
  console.error(`[beside] ${payment.provider}: a payment's ${what} differs from its gift's; not booked (${'giftId' in subject ? `gift ${subject.giftId}` : `monthly gift ${subject.monthlyGiftId}`})`);
  await appendAudit(tx, null, { kind: 'gift.payment_mismatch', provider: payment.provider, what, ...subject });
  return false;
}

/** Debits the provider's balance, credits the purpose's income; null when the source ref was booked already. */
export async function postGift(tx: Queryable, payment: Pick<ConfirmedPayment, 'provider' | 'amountCents' | 'paidOn' | 'sourceRef'>, purpose: Purpose): Promise<bigint | null> {
  const posted = await postTransaction(tx, {
    kind: 'gift',
    occurredOn: payment.paidOn,
    description: payment.provider === 'mollie' ? 'Gift through Mollie' : 'Gift through Stripe',
    sourceRef: payment.sourceRef,
    entries: [
      { account: `assets:${payment.provider}`, amountCents: payment.amountCents },
      { account: giftAccount(purpose), amountCents: -payment.amountCents },
    ],
    actorUserId: null,
  });
  return posted.duplicate ? null : posted.seq;
}
