import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { randomBytes } from '../crypto/tokens.ts';
import { amountMatches, postGift, type BookOutcome, type ConfirmedPayment } from './book-online-gift.ts';
import type { Purpose } from './purposes.ts';
import type { Provider } from './payment-config.ts';
import { postTransaction } from './ledger.ts';
import { giftReceived } from './gift-received.ts';
import { feeTransaction } from './stripe-fees.ts';

/**
 * Books a payment of a monthly gift: Mollie's subscription payments (a new tr_… each month) and
 * Stripe's paid invoices (the first one too: Stripe charges the first month through an invoice).
 * The monthly gift's row is locked first, so two deliveries of one payment wait for each other;
 * the ledger's source ref is looked up under that lock. The first payment fills the gift the donor
 * started (whose gift code they hold) when it still waits; every later one is a gift of its own
 * for the same purpose.
 */
export type MonthlyPayment = Omit<ConfirmedPayment, 'giftIdHint'> & { monthlyGiftId: string };

type LockedMonthly = { id: string; provider: Provider; amount_cents: bigint; purpose: Purpose; started_on: string };

export async function bookMonthlyPayment(db: Db, payment: MonthlyPayment): Promise<{ outcome: BookOutcome; giftId: string | null }> {
  return db.transaction(async (tx) => {
    const [monthly] = await tx.query<LockedMonthly>('select id, provider, amount_cents, purpose, started_on from monthly_gifts where id = $1 and provider = $2 for update', [
      payment.monthlyGiftId,
      payment.provider,
    ]);
    if (!monthly) return { outcome: 'unknown', giftId: null };
    if ((await tx.query('select 1 from ledger_transactions where source_ref = $1', [payment.sourceRef])).length > 0) return { outcome: 'duplicate', giftId: null };
    if (!(await amountMatches(tx, payment, monthly.amount_cents, { monthlyGiftId: monthly.id }))) return { outcome: 'mismatch', giftId: null };

    const [waiting] = await tx.query<{ id: string }>(
      "select id from gifts where monthly_gift_id = $1 and state = 'pledged' order by pledged_on, id limit 1 for update",
      [monthly.id],
    );
    const giftId = waiting?.id ?? (await insertRenewal(tx, monthly, payment));
    const seq = await postGift(tx, payment, monthly.purpose);
    if (seq === null) throw new Error('bookMonthlyPayment: a source ref appeared under the monthly gift’s lock.');
    if (payment.fee) await postTransaction(tx, feeTransaction(payment.fee));
    await tx.query(
      `update gifts set state = 'received', received_on = $2, ledger_seq = $3, provider_state = 'paid', payment_ref = coalesce(payment_ref, $4)
        where id = $1`,
      [giftId, payment.paidOn, seq, payment.paymentRef],
    );
    await giftReceived(tx, null, giftId, seq);
    return { outcome: 'booked', giftId };
  });
}

/**
 * A later month's gift. Nobody holds a gift code for it (the donor has the first one's and the
 * manage link), so its code hash is of random bytes no one knows: the column stays unique and
 * no code finds it.
 */
async function insertRenewal(tx: Queryable, monthly: LockedMonthly, payment: MonthlyPayment): Promise<string> {
  const id = randomUUID();
  await tx.query(
    // The donor's tag comes along, so a yearly statement lists every month (src/funding/donor-mail.ts).
    `insert into gifts (id, method, frequency, state, amount_cents, purpose, pledged_on, gift_code_hash, monthly_gift_id, provider_state, provider_payment_id, donor_tag)
     values ($1, $2, 'monthly', 'pledged', $3, $4, $5, $6, $7, 'open', $8,
             (select donor_tag from gifts where monthly_gift_id = $7 and donor_tag is not null order by pledged_on, id limit 1))`,
    [id, monthly.provider, monthly.amount_cents, monthly.purpose, payment.paidOn, randomBytes(32), monthly.id, payment.paymentId],
  );
  return id;
}
