import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyAudit } from '../../src/audit/log.ts';
import { checkLedger } from '../../src/funding/ledger.ts';
import { countRows, initialiseInstance, startTestApp, type TestApp } from '../support/app.ts';
import type { MollieStandin } from '../support/mollie-standin.ts';
import type { StripeStandin } from '../support/stripe-standin.ts';
import { BANK } from './give-support.ts';
import { balance, countBySource, deliverMollie, deliverStripe, giveOnline, startStandins } from './pay-support.ts';

describe('test/funding/webhook-concurrency.test.ts', () => {
  /**
   * Providers deliver a webhook again when an answer is slow, and several of their servers may
   * deliver at once: 25 deliveries of one payment at the same moment book it once (the gift's or
   * the monthly gift's row lock, then the ledger's unique source ref), and a monthly gift's first
   * payment makes one subscription. On PostgreSQL (TEST_DATABASE_URL) the deliveries really run
   * side by side on a pool of connections; on the embedded database they queue on its one.
   */
  const N = 25;
  let t: TestApp;
  let standins: Awaited<ReturnType<typeof startStandins>>;
  let mollie: MollieStandin;
  let stripe: StripeStandin;

  before(async () => {
    standins = await startStandins();
    ({ mollie, stripe } = standins);
    // Mollie is offered; Stripe keeps answering its webhooks (a move from one to the other).
    t = await startTestApp({ ...BANK, ...mollie.env(), ...stripe.env(), PAYMENT_PROVIDER: 'mollie' });
    await initialiseInstance(t.db);
  });

  after(async () => {
    await t?.close();
    await standins?.close();
  });

  const times = <T>(n: number, make: () => Promise<T>) => Array.from({ length: n }, make);

  test(`${N} deliveries at once of a one-off payment, of a first payment and of a month of a monthly gift book each once`, async () => {
    await giveOnline(t, 'nl', { amount: '21', purpose: 'shelter' });
    const once = [...mollie.payments.values()].at(-1)!;
    await giveOnline(t, 'nl', { amount: '22', purpose: 'clothing', frequency: 'monthly' });
    const first = [...mollie.payments.values()].at(-1)!;
    mollie.pay(once.id);
    mollie.pay(first.id);

    const answers = await Promise.all([...times(N, () => deliverMollie(t, once.id)), ...times(N, () => deliverMollie(t, first.id))]);
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    assert.equal(await countBySource(t.db, `mollie:${once.id}`), 1);
    assert.equal(await countBySource(t.db, `mollie:${first.id}`), 1);
    const subscriptions = [...mollie.subscriptions.values()].filter((s) => s.customerId === first.customerId);
    assert.equal(subscriptions.length, 1, 'one subscription at Mollie');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'monthly.subscribed'"), 1);

    const month = mollie.chargeSubscription(subscriptions[0]!.id);
    const renewals = await Promise.all(times(N, () => deliverMollie(t, month)));
    assert.deepEqual(new Set(renewals.map((answer) => answer.status)), new Set([200]));
    assert.equal(await countBySource(t.db, `mollie:${month}`), 1);
    assert.equal(await countRows(t.db, 'gifts', "frequency = 'monthly' and state = 'received'"), 2);
    assert.equal(await balance(t.db, 'income:gifts:shelter'), -2100n);
    assert.equal(await balance(t.db, 'income:gifts:clothing'), -4400n);
    assert.equal(await balance(t.db, 'assets:mollie'), 6500n);
  });

  test(`${N} deliveries at once of one signed Stripe event, and of its refund, book each once`, async () => {
    // A gift started while Stripe was the one offered (another process of the same installation),
    // its events delivered to this one, which offers Mollie now.
    const stripeApp = await startTestApp({ ...BANK, ...stripe.env() }, { db: t.db });
    await giveOnline(stripeApp, 'en', { amount: '33', purpose: 'legal' });
    const session = [...stripe.sessions.keys()].at(-1)!;
    const [completed] = stripe.complete(session);
    const delivery = stripe.signed(completed!);
    const answers = await Promise.all(times(N, () => deliverStripe(t, delivery)));
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    assert.equal(await countBySource(t.db, `stripe:${session}`), 1);
    assert.equal(await countRows(t.db, 'ledger_transactions', "kind = 'fee'"), 1, 'the fee once too');

    const intent = String(stripe.sessions.get(session)!.payment_intent);
    const { event, refundId } = stripe.refund(intent, 1300);
    const refunded = stripe.signed(event);
    await Promise.all(times(N, () => deliverStripe(t, refunded)));
    assert.equal(await countBySource(t.db, `stripe:${refundId}`), 1);
    assert.equal(await balance(t.db, 'income:gifts:legal'), -2000n);

    const verdict = await checkLedger(t.db);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual((await verifyAudit(t.db)).problems, []);
  });
});
