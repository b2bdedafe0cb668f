import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { todayIn } from '../i18n/days.ts';
import type { Purpose } from './purposes.ts';
import type { Provider } from './payment-config.ts';
import { manageTokenHash, TOKEN } from './online-gift-tokens.ts';

/**
 * Monthly gifts: the arrangement at the provider (a Mollie subscription on the donor's mandate,
 * a Stripe subscription), found by the provider's ids from webhooks and by the donor's manage
 * token from the manage page. What the page shows is the amount, the purpose and the state.
 */
export type MonthlyState = 'starting' | 'active' | 'cancelled';

export type MonthlyGift = {
  id: string;
  provider: Provider;
  state: MonthlyState;
  amountCents: bigint;
  purpose: Purpose;
  startedOn: string;
  cancelledOn: string | null;
  /** Gifts it brought in so far (booked), the first month included. */
  monthsPaid: number;
};

type MonthlyRow = {
  id: string;
  provider: Provider;
  state: MonthlyState;
  amount_cents: bigint;
  purpose: Purpose;
  started_on: string;
  cancelled_on: string | null;
  months_paid: bigint;
};

/** The monthly gift this manage token opens, or null (a malformed, unknown or someone else's token alike). */
export async function findMonthlyByToken(db: Queryable, token: string): Promise<MonthlyGift | null> {
  if (!TOKEN.test(token)) return null;
  const [row] = await db.query<MonthlyRow>(
    `select m.id, m.provider, m.state, m.amount_cents, m.purpose, m.started_on, m.cancelled_on,
            (select count(*) from gifts g where g.monthly_gift_id = m.id and g.state = 'received')::int8 as months_paid
       from monthly_gifts m where m.manage_token_hash = $1`,
    [manageTokenHash(token)],
  );
  if (!row) return null;
  return {
    id: row.id,
    provider: row.provider,
    state: row.state,
    amountCents: row.amount_cents,
    purpose: row.purpose,
    startedOn: row.started_on,
    cancelledOn: row.cancelled_on,
    monthsPaid: Number(row.months_paid),
  };
}

/**
 * Keeps the subscription the provider made for a monthly gift (idempotent: a second delivery finds
 * it kept). Answers true when the donor cancelled before the subscription existed: the caller
 * then cancels it at the provider, once, so no later month is taken.
 */
export async function storeSubscription(db: Db, provider: Provider, monthlyGiftId: string, subscriptionRef: string, customerRef: string | null): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ state: MonthlyState; subscription_ref: string | null }>(
      'select state, subscription_ref from monthly_gifts where id = $1 and provider = $2 for update',
      [monthlyGiftId, provider],
    );
    if (!row || (row.subscription_ref !== null && row.subscription_ref !== subscriptionRef)) return false;
    if (row.subscription_ref === null) {
      await tx.query(
        `update monthly_gifts set subscription_ref = $2, customer_ref = coalesce(customer_ref, $3),
                state = case when state = 'starting' then 'active' else state end
          where id = $1`,
        [monthlyGiftId, subscriptionRef, customerRef],
      );
      await appendAudit(tx, null, { kind: 'monthly.subscribed', monthlyGiftId, provider });
      return row.state === 'cancelled';
    }
    return false;
  });
}

/** Records a cancellation, once: by the donor's link, or by the provider (a mandate revoked, payments that kept failing). */
export async function recordCancellation(tx: Queryable, monthlyGiftId: string, by: 'donor' | 'provider'): Promise<boolean> {
  const rows = await tx.query(
    "update monthly_gifts set state = 'cancelled', cancelled_on = $2, cancelled_by = $3 where id = $1 and state <> 'cancelled' returning id",
    [monthlyGiftId, todayIn(), by],
  );
  if (rows.length > 0) await appendAudit(tx, null, { kind: 'monthly.cancelled', monthlyGiftId, by });
  return rows.length > 0;
}

/** The provider ended a subscription on its side: the monthly gift shows as cancelled. */
export async function endMonthlyByProvider(db: Db, provider: Provider, subscriptionRef: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>('select id from monthly_gifts where provider = $1 and subscription_ref = $2 for update', [provider, subscriptionRef]);
    if (row) await recordCancellation(tx, row.id, 'provider');
  });
}
