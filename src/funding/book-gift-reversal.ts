import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { postTransaction, reverseTransaction } from './ledger.ts';
import { giftAccount, type Purpose } from './purposes.ts';
import type { Provider } from './payment-config.ts';

/**
 * Refunds and chargebacks of gifts paid online. Each is one ledger transaction (kind 'refund' or
 * 'chargeback': the purpose's income is debited back, the provider's balance credited), booked
 * once by its source ref, under the gift's row lock, and never beyond what the gift brought in
 * (what is still given back counts, what was undone does not). When the provider undoes one (a
 * refund that failed, a chargeback the association won), its transaction is reversed, once.
 */
export type GiftReversal = {
  provider: Provider;
  /** how the provider names the gift's payment: Mollie's tr_… (provider_payment_id), Stripe's pi_… (payment_ref) */
  payment: { paymentId: string } | { paymentRef: string };
  kind: 'refund' | 'chargeback';
  sourceRef: string;
  amountCents: bigint;
  currency: string;
  occurredOn: string;
};

export type ReversalOutcome = 'booked' | 'duplicate' | 'unknown' | 'refused';

type LockedGift = { id: string; purpose: Purpose; amount_cents: bigint; state: string };

async function lockPaidGift(tx: Queryable, provider: Provider, payment: GiftReversal['payment']): Promise<LockedGift | null> {
  const [column, value] = 'paymentId' in payment ? ['provider_payment_id', payment.paymentId] : ['payment_ref', payment.paymentRef];
  const [gift] = await tx.query<LockedGift>(`select id, purpose, amount_cents, state from gifts where ${column} = $1 and method = $2 for update`, [value, provider]);
  return gift ?? null;
}

export async function bookGiftReversal(db: Db, reversal: GiftReversal): Promise<ReversalOutcome> {
  return db.transaction(async (tx) => {
    const gift = await lockPaidGift(tx, reversal.provider, reversal.payment);
    if (!gift || gift.state !== 'received') return 'unknown';
    if ((await tx.query('select 1 from gift_reversals where source_ref = $1', [reversal.sourceRef])).length > 0) return 'duplicate';
    const [given] = await tx.query<{ cents: bigint }>('select coalesce(sum(amount_cents), 0)::int8 as cents from gift_reversals where gift_id = $1 and undone_seq is null', [gift.id]);
    if (reversal.currency.toUpperCase() !== 'EUR' || reversal.amountCents <= 0n || (given?.cents ?? 0n) + reversal.amountCents > gift.amount_cents) {
      console.error(`[beside] ${reversal.provider}: a ${reversal.kind} that passes its gift's amount or currency; not booked (gift ${gift.id})`);
      await appendAudit(tx, null, { kind: 'gift.payment_mismatch', provider: reversal.provider, what: 'amount', giftId: gift.id });
      return 'refused';
    }
    const posted = await postTransaction(tx, {
      kind: reversal.kind,
      occurredOn: reversal.occurredOn,
      description: reversal.kind === 'refund' ? `Refund of a gift through ${providerName(reversal.provider)}` : `Chargeback of a gift through ${providerName(reversal.provider)}`,
      sourceRef: reversal.sourceRef,
      entries: [
        { account: giftAccount(gift.purpose), amountCents: reversal.amountCents },
        { account: `assets:${reversal.provider}`, amountCents: -reversal.amountCents },
      ],
      actorUserId: null,
    });
    if (posted.duplicate) return 'duplicate';
    await tx.query('insert into gift_reversals (source_ref, gift_id, kind, amount_cents, ledger_seq) values ($1, $2, $3, $4, $5)', [
      reversal.sourceRef, gift.id, reversal.kind, reversal.amountCents, posted.seq,
    ]);
    await appendAudit(tx, null, { kind: 'gift.reversal_booked', giftId: gift.id, seq: posted.seq.toString(), cause: reversal.kind });
    return 'booked';
  });
}

/** The provider undid a refund or chargeback booked before: its transaction is reversed, once. False when there is nothing to undo. */
export async function undoGiftReversal(db: Db, provider: Provider, payment: GiftReversal['payment'], sourceRef: string, occurredOn: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const gift = await lockPaidGift(tx, provider, payment);
    if (!gift) return false;
    const [booked] = await tx.query<{ ledger_seq: bigint; kind: 'refund' | 'chargeback' }>(
      'select ledger_seq, kind from gift_reversals where source_ref = $1 and gift_id = $2 and undone_seq is null',
      [sourceRef, gift.id],
    );
    if (!booked) return false;
    const undone = await reverseTransaction(tx, booked.ledger_seq, {
      actorUserId: null,
      occurredOn,
      description: booked.kind === 'refund' ? `Refund through ${providerName(provider)} did not go through` : `Chargeback through ${providerName(provider)} reversed`,
    });
    await tx.query('update gift_reversals set undone_seq = $2 where source_ref = $1', [sourceRef, undone.seq]);
    await appendAudit(tx, null, { kind: 'gift.reversal_undone', giftId: gift.id, seq: undone.seq.toString(), cause: booked.kind });
    return true;
  });
}

const providerName = (provider: Provider) => (provider === 'mollie' ? 'Mollie' : 'Stripe');
