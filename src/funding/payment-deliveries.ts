import type { Db, Queryable } from '../db/client.ts';
import type { Provider } from './payment-config.ts';
import type { StoredStripeEvent } from './stripe-delivery.ts';

/**
 * The payment providers' notifications waiting to be handled (migration 0028): written when a
 * webhook arrives, taken by the payment booker, deleted once handled.
 */
export type Delivery = { provider: Provider; ref: string; event: StoredStripeEvent | null };
export type TakenDelivery = Delivery & { id: string; attempts: number };

/** Deliveries written in one statement at most (a burst beyond it waits for the next). */
const WRITE_BATCH = 500;

type Waiting = Delivery & { done: () => void; failed: (error: unknown) => void };

/**
 * Writes deliveries the way a busy webhook needs: every delivery that arrives while a write is
 * under way joins the next one, so a burst of 200 costs a handful of statements and commits
 * instead of 200 (group commit). A delivery's promise settles when its row is committed: only
 * then is the provider answered 200. One writer per database handle.
 */
class DeliveryWriter {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  write(delivery: Delivery): Promise<void> {
    return new Promise((done, failed) => {
      this.waiting.push({ ...delivery, done, failed });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, WRITE_BATCH);
        try {
          if ((await countWaiting(this.db, MAX_WAITING)) >= MAX_WAITING) throw new DeliveriesFull();
          await insertDeliveries(this.db, batch, new Date());
          for (const delivery of batch) delivery.done();
        } catch (error) {
          for (const delivery of batch) delivery.failed(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/**
 * Deliveries waiting at most. Mollie's webhook is open (it only names a payment), so ids that are
 * nobody's can be posted faster than the booker asks Mollie about them; past this many, a delivery
 * is refused (503) and the provider delivers it again later, as it does after any failure.
 */
export const MAX_WAITING = 10_000;

export class DeliveriesFull extends Error {
  override name = 'DeliveriesFull';
}

async function countWaiting(db: Db, cap: number): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from (select 1 from payment_deliveries where gave_up_at is null limit $1) as waiting', [cap]);
  return row?.n ?? 0;
}

const writers = new WeakMap<Db, DeliveryWriter>();

/** Keeps a delivery until the booker has handled it; resolves once it is committed. */
export function recordDelivery(db: Db, delivery: Delivery): Promise<void> {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new DeliveryWriter(db)));
  return writer.write(delivery);
}

/**
 * One insert for the batch. A delivery of something already waiting (Mollie names a payment again
 * when its state changes; Stripe retries an event) marks that row to be handled once more, now,
 * even if the booker is handling it at this moment or had given up on it: the booker then reads
 * the newest state. Repeats within the batch are folded first (one statement may not touch a row twice).
 */
async function insertDeliveries(db: Db, batch: readonly Delivery[], now: Date): Promise<void> {
  const unique = new Map(batch.map((delivery) => [`${delivery.provider} ${delivery.ref}`, delivery]));
  const values: unknown[] = [];
  const rows = [...unique.values()].map((delivery, i) => {
    values.push(delivery.provider, delivery.ref, delivery.event && JSON.stringify(delivery.event));
    return `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3}::text::jsonb, $${3 * unique.size + 1}::timestamptz, $${3 * unique.size + 1}::timestamptz)`;
  });
  values.push(now);
  await db.query(
    `insert into payment_deliveries (provider, ref, event, received_at, next_try_at) values ${rows.join(', ')}
     on conflict (provider, ref) do update
       set again = true, next_try_at = excluded.next_try_at, gave_up_at = null, attempts = 0, event = coalesce(excluded.event, payment_deliveries.event)`,
    values,
  );
}

/** How long a booker may hold a delivery before another may take it (far longer than one takes). */
export const CLAIM_MS = 5 * 60_000;

/**
 * Takes up to `limit` deliveries of these providers that are due and that no other booker holds,
 * oldest first. A delivery's `again` mark is cleared as it is taken: a delivery arriving from here
 * on marks it anew.
 */
export async function takeDueDeliveries(db: Queryable, now: Date, limit: number, providers: readonly Provider[]): Promise<TakenDelivery[]> {
  const rows = await db.query<{ id: string; provider: Provider; ref: string; event: string | null; attempts: number }>(
    `update payment_deliveries set claimed_until = $2, again = false, attempts = attempts + 1
      where id in (select id from payment_deliveries
                    where gave_up_at is null and next_try_at <= $1 and (claimed_until is null or claimed_until <= $1) and provider = any($4::text[])
                    order by id limit $3 for update skip locked)
      returning id::text as id, provider, ref, event::text as event, attempts`,
    [now, new Date(now.getTime() + CLAIM_MS), limit, providers],
  );
  return rows
    .map((row) => ({ id: row.id, provider: row.provider, ref: row.ref, attempts: row.attempts, event: row.event === null ? null : (JSON.parse(row.event) as StoredStripeEvent) }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** Handled: gone, unless it was delivered again meanwhile (then it is due again at once). */
export async function finishDelivery(db: Queryable, id: string): Promise<void> {
  const deleted = await db.query('delete from payment_deliveries where id = $1 and not again returning id', [id]);
  if (deleted.length === 0) await db.query('update payment_deliveries set claimed_until = null where id = $1', [id]);
}

/** Failed: tried again at `retryAt`; or given up (kept, no longer tried), unless it was delivered again meanwhile. */
export async function failDelivery(db: Queryable, id: string, error: string, retryAt: Date | null, now: Date): Promise<void> {
  if (retryAt) {
    await db.query('update payment_deliveries set claimed_until = null, last_error = $2, next_try_at = $3 where id = $1', [id, error, retryAt]);
  } else {
    await db.query('update payment_deliveries set claimed_until = null, last_error = $2, gave_up_at = case when again then null else $3::timestamptz end where id = $1', [id, error, now]);
  }
}

/** Deliveries not handled yet (waiting or being handled), those of them that failed at least once, and those given up. */
export async function countDeliveries(db: Queryable): Promise<{ waiting: number; failing: number; givenUp: number }> {
  const [row] = await db.query<{ waiting: number; failing: number; given_up: number }>(
    `select count(*) filter (where gave_up_at is null)::int as waiting,
            count(*) filter (where gave_up_at is null and last_error is not null)::int as failing,
            count(*) filter (where gave_up_at is not null)::int as given_up
       from payment_deliveries`,
  );
  return { waiting: row?.waiting ?? 0, failing: row?.failing ?? 0, givenUp: row?.given_up ?? 0 };
}

/** Gives every given-up delivery another round of attempts from now (the treasurer's "try again"); answers how many. */
export async function retryGivenUp(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query('update payment_deliveries set gave_up_at = null, attempts = 0, next_try_at = $1 where gave_up_at is not null returning id', [now]);
  return rows.length;
}
