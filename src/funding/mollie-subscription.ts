import type { Db } from '../db/client.ts';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/log.ts';
import type { MollieSettings } from './payment-config.ts';
import { mollieClient } from './provider-clients.ts';
import { decimalEuros } from './money.ts';
import { monthAfter } from './online-payment-state.ts';
import { cancelMollieSubscription } from './cancel-monthly-gift.ts';

type StartingMonthly = { id: string; customer_ref: string | null; amount_cents: bigint; received_on: string };

/**
 * A monthly gift through Mollie: once its first payment is paid (and booked), Mollie holds a
 * mandate on the donor's account, and a subscription on it takes the same amount every month from
 * a month after the first payment. The call carries an idempotency key of the monthly gift, so
 * two deliveries of the first payment's webhook make one subscription at Mollie; the database
 * keeps the first answer. If the donor cancelled meanwhile, the new subscription is cancelled
 * at once: no money is taken against their wish.
 */
export async function ensureMollieSubscription(db: Db, config: Config, settings: MollieSettings, giftId: string, description: string): Promise<void> {
  const [monthly] = await db.query<StartingMonthly>(
    `select m.id, m.customer_ref, m.amount_cents, g.received_on from monthly_gifts m join gifts g on g.monthly_gift_id = m.id
      where g.id = $1 and g.state = 'received' and m.provider = 'mollie' and m.state = 'starting' and m.subscription_ref is null`,
    [giftId],
  );
  if (!monthly?.customer_ref) return;
  const mollie = mollieClient(settings);
  const subscription = await mollie.customerSubscriptions.create({
    customerId: monthly.customer_ref,
    amount: { currency: 'EUR', value: decimalEuros(monthly.amount_cents) },
    interval: '1 month',
    description,
    startDate: monthAfter(monthly.received_on),
    webhookUrl: new URL('/api/mollie/webhook', config.publicUrl).href,
    metadata: { monthlyGiftId: monthly.id },
    idempotencyKey: `beside-monthly-${monthly.id}`,
  });
  const stored = await db.transaction(async (tx) => {
    const rows = await tx.query(
      "update monthly_gifts set subscription_ref = $2, state = 'active' where id = $1 and state = 'starting' and subscription_ref is null returning id",
      [monthly.id, subscription.id],
    );
    if (rows.length > 0) await appendAudit(tx, null, { kind: 'monthly.subscribed', monthlyGiftId: monthly.id, provider: 'mollie' });
    const [now] = await tx.query<{ state: string; subscription_ref: string | null }>('select state, subscription_ref from monthly_gifts where id = $1', [monthly.id]);
    return now;
  });
  if (stored?.state === 'cancelled') await cancelMollieSubscription(settings, subscription.id, monthly.customer_ref);
}
