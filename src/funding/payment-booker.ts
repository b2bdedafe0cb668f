import { setTimeout } from 'node:timers/promises';
import type Stripe from 'stripe';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { backoffMinutes } from '../notify/jobs.ts';
import type { Provider } from './payment-config.ts';
import { failDelivery, finishDelivery, takeDueDeliveries, type TakenDelivery } from './payment-deliveries.ts';
import { receiveMolliePayment } from './receive-mollie-payment.ts';
import { receiveStripeEvent } from './receive-stripe-event.ts';

/**
 * The payment booker: handles the providers' notifications that the webhooks kept
 * (payment-deliveries.ts) — asks Mollie about a payment, books a gift, a refund, a subscription —
 * apart from the webhook's answer. A webhook kicks it; a timer (startPaymentBooker) takes what a
 * crash or a failure left. Any number of Beside processes may run one: a delivery is taken by one
 * booker at a time (skip locked, with a lease), and every booking is idempotent besides.
 * A failure is tried again later (1, 2, 4 … minutes, then hourly) for about two and a half days,
 * then given up: kept in the table, audited, and counted on the treasury page.
 */
const BATCH = 32;
/** Deliveries handled side by side: their bookings queue on the ledger's lock anyway, their calls to the provider need not. */
const PARALLEL = 4;
const GIVE_UP_AFTER = 60;

/**
 * Booking waits for a pause in the deliveries (QUIET_MS without one, at most MAX_WAIT_MS): a burst
 * is answered first, then booked, instead of each answer waiting behind the bookings' work on the
 * same process.
 */
const QUIET_MS = 5;
const MAX_WAIT_MS = 250;

class PaymentBooker {
  private running: Promise<void> | null = null;
  private kicked = false;
  private lastKick = 0;
  private stopped = false;

  constructor(
    private readonly db: Db,
    public config: Config,
  ) {}

  kick(): void {
    if (this.stopped) return;
    this.kicked = true;
    this.lastKick = performance.now();
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.settled();
  }

  private async drain(): Promise<void> {
    try {
      const began = performance.now();
      while (performance.now() - this.lastKick < QUIET_MS && performance.now() - began < MAX_WAIT_MS) await setTimeout(QUIET_MS);
      while (this.kicked && !this.stopped) {
        this.kicked = false;
        while ((await bookDueDeliveries(this.db, this.config)) > 0 && !this.stopped) this.kicked = false;
      }
    } catch (error) {
      console.error(`[beside] payment booker: ${(error as Error).name}`);
    }
  }
}

const bookers = new WeakMap<Db, PaymentBooker>();

function bookerOf(db: Db, config: Config): PaymentBooker {
  let booker = bookers.get(db);
  if (!booker) bookers.set(db, (booker = new PaymentBooker(db, config)));
  booker.config = config;
  return booker;
}

/** Wakes the booker of this database (after a webhook kept a delivery). */
export function kickPaymentBooker(db: Db, config: Config): void {
  bookerOf(db, config).kick();
}

/** Resolves when the booker of this database has nothing more it can do now. */
export async function paymentDeliveriesSettled(db: Db): Promise<void> {
  await bookers.get(db)?.settled();
}

/** The process's booker: takes what is due at start and every `everyMs` (deliveries a crash or a failure left). */
export function startPaymentBooker(deps: { db: Db; config: Config }, everyMs = 60_000): { stop(): Promise<void> } {
  const booker = bookerOf(deps.db, deps.config);
  const timer = setInterval(() => booker.kick(), everyMs);
  timer.unref();
  booker.kick();
  return {
    async stop() {
      clearInterval(timer);
      // A webhook that comes after this (a test's next app on the same database) gets a booker of its own.
      if (bookers.get(deps.db) === booker) bookers.delete(deps.db);
      await booker.stop();
    },
  };
}

/**
 * Handles one batch of the deliveries due at `now` for the providers configured here; answers how
 * many it took. Tests call it with a later `now` to see a failed delivery tried again.
 */
export async function bookDueDeliveries(db: Db, config: Config, now: Date = new Date()): Promise<number> {
  const providers = configuredProviders(config);
  if (providers.length === 0) return 0;
  const taken = await takeDueDeliveries(db, now, BATCH, providers);
  let next = 0;
  const work = async () => {
    while (next < taken.length) await handle(db, config, taken[next++]!, now);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, taken.length) }, work));
  return taken.length;
}

function configuredProviders(config: Config): Provider[] {
  const online = config.giving.online;
  return [...(online?.mollie ? (['mollie'] as const) : []), ...(online?.stripe ? (['stripe'] as const) : [])];
}

async function handle(db: Db, config: Config, delivery: TakenDelivery, now: Date): Promise<void> {
  try {
    await receive(db, config, delivery);
    await finishDelivery(db, delivery.id);
  } catch (error) {
    // The error's name only: a provider's or the database's message may quote what it was sent.
    const code = (error as Error)?.name?.slice(0, 100) || 'Error';
    const givingUp = delivery.attempts >= GIVE_UP_AFTER;
    console.error(`[beside] ${delivery.provider} notification ${delivery.id} failed (${code}, attempt ${delivery.attempts}${givingUp ? ', given up' : ''})`);
    await db.transaction(async (tx) => {
      await failDelivery(tx, delivery.id, code, givingUp ? null : new Date(now.getTime() + backoffMinutes(delivery.attempts) * 60_000), now);
      if (givingUp) await appendAudit(tx, null, { kind: 'payment.delivery_given_up', provider: delivery.provider, deliveryId: delivery.id, attempts: delivery.attempts, error: code });
    });
  }
}

async function receive(db: Db, config: Config, delivery: TakenDelivery): Promise<void> {
  if (delivery.provider === 'mollie') {
    await receiveMolliePayment(db, config, delivery.ref);
    return;
  }
  const settings = config.giving.online?.stripe;
  // The stored event has the shape of Stripe's with only the fields receiveStripeEvent reads (stripe-delivery.ts).
  if (settings && delivery.event) await receiveStripeEvent(db, settings, delivery.event as unknown as Stripe.Event);
}
