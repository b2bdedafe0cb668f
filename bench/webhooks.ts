/**
 * Benchmark of gifts recorded from payment webhooks on a PostgreSQL server. Prints figures; asserts nothing.
 *
 *   npm run bench:webhooks   (= tsx bench/webhooks.ts; BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432)
 *
 * In a fresh database on the server (dropped at the end), Beside's app listens on loopback with the
 * app's pg pool (10 connections, as openServer makes it) and the official SDKs point at the
 * stand-ins of test/support (Mollie over https, Stripe over http). For each provider
 * (BENCH_PROVIDERS, default "mollie,stripe"), ROUNDS rounds of:
 *
 * 1. 150 one-off gifts started through startOnlineGift (the Give page's operation: the gift row,
 *    then the provider's checkout through its SDK), then paid at the stand-in;
 * 2. 200 webhook deliveries fired at once over HTTP: each of the 150 payments once, and 50 of
 *    them a second time (a provider retrying). Mollie: a form naming the payment; Stripe:
 *    checkout.session.completed signed with the endpoint's secret. The webhook keeps the delivery
 *    (payment_deliveries) and answers; the payment booker then books it: for Mollie it fetches the
 *    payment from the stand-in, for Stripe the payment's fee.
 *
 * First SEQUENTIAL (20) deliveries one at a time, for what one costs when nothing queues. Then the
 * floor: the same 200 deliveries sent to a bare node:http server that reads each body and answers
 * at once (what HTTP on loopback costs on this machine, whatever the app does).
 * Figures per round: p50/p99 of a delivery as the sender sees it (from sending it to its answer,
 * which comes once the delivery is committed; target p99 ≤ 50 ms) and inside the app (from the
 * request handed to the app to its response), the time until the booker has booked the round's
 * last gift, and gifts recorded per second (the round's gifts / that time). Then a final check over
 * the whole run: gifts lost (a paid payment with no ledger transaction), double-booked (more than
 * one), deliveries still waiting or given up, balances against what was paid, and checkLedger's
 * problems.
 *
 * The deliveries are sent from a worker thread; the app, the booker and the stand-ins share this
 * process's event loop, and everything shares the machine's cores with PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admin, quantile, serverUrl } from './bench-server.ts';

const DB_NAME = `beside_bench_webhooks_${process.pid}`;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PROVIDERS = (process.env.BENCH_PROVIDERS ?? 'mollie,stripe').split(',').map((p) => p.trim()) as ('mollie' | 'stripe')[];
const DISTINCT = 150;
const REPEATED = 50;
const TARGET_P99_MS = 50;
const SEQUENTIAL = 20;

type Delivery = { url: string; headers: Record<string, string>; body: string };

/**
 * The provider's side: a worker thread that posts a list of deliveries all at once and answers
 * each one's time and status, so the sending does not queue on the app's own event loop.
 */
const SENDER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async (deliveries) => {
  const answers = await Promise.all(deliveries.map(async ({ url, headers, body }) => {
    const sent = performance.now();
    const answer = await fetch(url, { method: 'POST', headers, body });
    await answer.arrayBuffer();
    return { ms: performance.now() - sent, status: answer.status };
  }));
  parentPort.postMessage(answers);
});`;

const load = () => `load ${loadavg().map((n) => n.toFixed(2)).join(' ')}`;

async function main(): Promise<void> {
  await admin(`create database ${DB_NAME}`);
  try {
    for (const provider of PROVIDERS) await run(provider);
  } finally {
    await admin(`drop database if exists ${DB_NAME} with (force)`);
  }
}

async function run(provider: 'mollie' | 'stripe'): Promise<void> {
  const { serve } = await import('@hono/node-server');
  const { openServer } = await import('../src/db/client.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { useInstanceSecret, hasInstanceSecret } = await import('../src/crypto/instance-secret.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createApp } = await import('../src/web/app.tsx');
  const { RateLimiter } = await import('../src/web/rate-limit.ts');
  const { startOnlineGift } = await import('../src/funding/start-online-gift.ts');
  const { accountBalances, checkLedger } = await import('../src/funding/ledger.ts');
  const { paymentDeliveriesSettled } = await import('../src/funding/payment-booker.ts');
  const { countDeliveries } = await import('../src/funding/payment-deliveries.ts');
  const { MollieStandin, acceptStandinCertificate } = await import('../test/support/mollie-standin.ts');
  const { StripeStandin } = await import('../test/support/stripe-standin.ts');
  if (!hasInstanceSecret()) useInstanceSecret(crypto.getRandomValues(new Uint8Array(32)));

  const restoreTls = acceptStandinCertificate();
  const mollie = await MollieStandin.start();
  const stripe = await StripeStandin.start();
  const db = await openServer(serverUrl(DB_NAME));
  await migrate(db);
  // Each provider's run starts from empty books.
  await db.query('truncate ledger_entries, ledger_transactions, ledger_balances, ledger_monthly, ledger_kind_counts, gift_reversals, gifts, monthly_gifts, audit_events, payment_deliveries cascade');
  const env = provider === 'mollie' ? mollie.env() : stripe.env();
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://beside.bench', ...env });
  const app = createApp({ config, db, limits: new RateLimiter() });
  const appTimes: number[] = [];
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    // Each answer's time in the app (from the request handed over to the response made), next to
    // the time the sender sees, which adds HTTP on loopback and the sender's own work.
    const timed = async (request: Request) => {
      const began = performance.now();
      const response = await app.fetch(request);
      appTimes.push(performance.now() - began);
      return response;
    };
    const listening = serve({ fetch: timed, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sender = new Worker(SENDER, { eval: true });
  const fire = (deliveries: Delivery[]) =>
    new Promise<{ ms: number; status: number }[]>((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      sender.once('error', failed);
      sender.once('message', (answers: { ms: number; status: number }[]) => {
        sender.off('error', failed);
        resolve(answers);
      });
      sender.postMessage(deliveries);
    });

  try {
    console.log(`\n${provider}: ${load()}`);
    const paid = new Map<string, bigint>();
    const all: number[] = [];
    const allInApp: number[] = [];
    type Paid = { ref: string; cents: bigint; delivery: Delivery };
    const startPaid = async (count: number, seed: number): Promise<Paid[]> => {
      const payments: Paid[] = [];
      for (let i = 0; i < count; i++) {
        const cents = BigInt(500 + ((seed + i) % 97) * 100);
        const started = await startOnlineGift(db, config, { key: randomBytes(24).toString('base64url'), amountCents: cents, purpose: 'general', display: 'private', name: null, email: null, receipt: false, message: null }, 'once', 'en');
        if (!started.ok) throw new Error('the stand-in refused a checkout');
        if (provider === 'mollie') {
          const payment = [...mollie.payments.values()].at(-1)!;
          mollie.pay(payment.id);
          const body = MollieStandin.webhookBody(payment.id);
          payments.push({ ref: `mollie:${payment.id}`, cents, delivery: { url: `${base}/api/mollie/webhook`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body } });
        } else {
          const session = [...stripe.sessions.keys()].at(-1)!;
          const [event] = stripe.complete(session);
          const { body, signature } = stripe.signed(event!);
          payments.push({ ref: `stripe:${session}`, cents, delivery: { url: `${base}/api/stripe/webhook`, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body } });
        }
      }
      for (const payment of payments) paid.set(payment.ref, payment.cents);
      return payments;
    };

    // One at a time: what a delivery costs when nothing queues before it.
    const alone: number[] = [];
    const booked: number[] = [];
    for (const { delivery } of await startPaid(SEQUENTIAL, 0)) {
      const sent = performance.now();
      const [answer] = await fire([delivery]);
      alone.push(answer!.ms);
      await paymentDeliveriesSettled(db);
      booked.push(performance.now() - sent);
    }
    alone.sort((a, b) => a - b);
    booked.sort((a, b) => a - b);
    console.log(`   one at a time (${SEQUENTIAL}): answered p50 ${quantile(alone, 0.5).toFixed(1)} ms, p99 ${quantile(alone, 0.99).toFixed(1)} ms; booked p50 ${quantile(booked, 0.5).toFixed(1)} ms, p99 ${quantile(booked, 0.99).toFixed(1)} ms   ${load()}`);

    // The floor: a bare node:http server that reads each body and answers at once, sent the same
    // deliveries by the same sender in this run. No app can answer faster over HTTP on this machine.
    const bare = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'));
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
    const floor: number[] = [];
    const sample = await startPaid(DISTINCT, 0);
    for (let round = 1; round <= ROUNDS; round++) {
      const answers = await fire([...sample, ...sample.slice(0, REPEATED)].map(({ delivery }) => ({ ...delivery, url: bareUrl })));
      floor.push(...answers.map((answer) => answer.ms));
    }
    bare.close();
    floor.sort((a, b) => a - b);
    console.log(`   a bare node:http server, the same ${DISTINCT + REPEATED} deliveries at once (${ROUNDS} rounds): answered p50 ${quantile(floor, 0.5).toFixed(1)} ms, p99 ${quantile(floor, 0.99).toFixed(1)} ms   ${load()}`);
    await fire(sample.map(({ delivery }) => delivery));
    await paymentDeliveriesSettled(db);

    for (let round = 1; round <= ROUNDS; round++) {
      const payments = await startPaid(DISTINCT, round * DISTINCT);
      if (round === 1) {
        console.log(`   ${ROUNDS} rounds of ${DISTINCT + REPEATED} concurrent deliveries (${DISTINCT} gifts, ${REPEATED} delivered twice):`);
        console.log(`${'round'.padStart(6)} ${'answered: p50 ms'.padStart(17)} ${'p99 ms'.padStart(8)} ${'in the app: p50'.padStart(16)} ${'p99 ms'.padStart(8)} ${'all booked s'.padStart(13)} ${'gifts/s'.padStart(8)}  answers`);
      }
      const deliveries = [...payments, ...payments.filter((_, i) => i % 3 === 0).slice(0, REPEATED)];
      appTimes.length = 0;
      const t0 = performance.now();
      const answers = await fire(deliveries.map((payment) => payment.delivery));
      await paymentDeliveriesSettled(db);
      const wall = (performance.now() - t0) / 1000;
      const times = answers.map((answer) => answer.ms).sort((a, b) => a - b);
      const inApp = [...appTimes].sort((a, b) => a - b);
      const statuses = new Map<number, number>();
      for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      all.push(...times);
      allInApp.push(...inApp);
      console.log(
        `${String(round).padStart(6)} ${quantile(times, 0.5).toFixed(1).padStart(17)} ${quantile(times, 0.99).toFixed(1).padStart(8)} ${quantile(inApp, 0.5).toFixed(1).padStart(16)} ${quantile(inApp, 0.99).toFixed(1).padStart(8)} ${wall.toFixed(2).padStart(13)} ${(DISTINCT / wall).toFixed(0).padStart(8)}  ${[...statuses].map(([status, n]) => `${n}×${status}`).join(' ')}   ${load()}`,
      );
    }
    all.sort((a, b) => a - b);
    allInApp.sort((a, b) => a - b);
    const p99 = quantile(all, 0.99);
    const p99InApp = quantile(allInApp, 0.99);
    console.log(`   all ${quantile(all, 0.5).toFixed(1).padStart(17)} ${p99.toFixed(1).padStart(8)} ${quantile(allInApp, 0.5).toFixed(1).padStart(16)} ${p99InApp.toFixed(1).padStart(8)}`);
    console.log(
      `   target p99 ≤ ${TARGET_P99_MS} ms: answered ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}, in the app ${p99InApp <= TARGET_P99_MS ? 'met' : 'NOT met'}; answered p99 is ${(p99 / quantile(floor, 0.99)).toFixed(1)}× the bare server's`,
    );

    // The final check: every paid payment booked exactly once, the balances what was paid.
    const counts = new Map((await db.query<{ source_ref: string; n: bigint }>("select source_ref, count(*)::int8 as n from ledger_transactions where kind = 'gift' group by source_ref")).map((r) => [r.source_ref, r.n]));
    const lost = [...paid.keys()].filter((ref) => !counts.has(ref)).length;
    const doubled = [...counts.values()].filter((n) => n > 1n).length;
    const expected = [...paid.values()].reduce((sum, cents) => sum + cents, 0n);
    const balances = await accountBalances(db);
    const raised = -(balances.get('income:gifts:general') ?? 0n);
    const verdict = await checkLedger(db);
    const left = await countDeliveries(db);
    console.log(`   final check: ${paid.size} gifts paid, ${lost} lost, ${doubled} double-booked, ${left.waiting} deliveries waiting, ${left.givenUp} given up; raised ${raised} cents of ${expected} (${raised === expected ? 'exact' : 'WRONG'}); checkLedger: ${verdict.problems.length} problem(s)`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sender.terminate();
    await db.close();
    await mollie.close();
    await stripe.close();
    restoreTls();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
