import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bookDueDeliveries, paymentDeliveriesSettled, startPaymentBooker } from '../../src/funding/payment-booker.ts';
import { finishDelivery, MAX_WAITING, recordDelivery, takeDueDeliveries } from '../../src/funding/payment-deliveries.ts';
import { assertNotShows, assertShows, countRows, createStaff, initialiseInstance, loggedIn, startTestApp, type TestApp } from '../support/app.ts';
import { MollieStandin } from '../support/mollie-standin.ts';
import type { StripeStandin } from '../support/stripe-standin.ts';
import { dumpDatabase } from '../support/db.ts';
import { openServer } from '../../src/db/client.ts';
import { BANK } from './give-support.ts';
import { balance, countBySource, giveOnline, startStandins } from './pay-support.ts';

describe('test/funding/payment-deliveries.test.ts', () => {
  /**
   * A webhook keeps what it was told and answers; the payment booker books it after. What must
   * hold: nothing kept is lost (a crash, a provider that is down, a second delivery while the
   * first is handled), nothing is booked twice, and what is kept of a Stripe event names no donor.
   */
  let t: TestApp;
  let standins: Awaited<ReturnType<typeof startStandins>>;
  let mollie: MollieStandin;
  let stripe: StripeStandin;

  before(async () => {
    standins = await startStandins();
    ({ mollie, stripe } = standins);
    t = await startTestApp({ ...BANK, ...mollie.env(), ...stripe.env(), PAYMENT_PROVIDER: 'mollie' });
    await initialiseInstance(t.db);
  });

  after(async () => {
    await t?.close();
    await standins?.close();
  });

  /** Posts a webhook as the provider does, without waiting for the booker. */
  const postMollie = (id: string) =>
    t.app.request('/api/mollie/webhook', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: MollieStandin.webhookBody(id) });
  const postStripe = (delivery: { body: string; signature: string }) =>
    t.app.request('/api/stripe/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': delivery.signature }, body: delivery.body });

  async function paidMolliePayment(euros: string): Promise<string> {
    await giveOnline(t, 'en', { amount: euros, purpose: 'shelter' });
    const payment = [...mollie.payments.values()].at(-1)!;
    mollie.pay(payment.id);
    return payment.id;
  }

  test('a kept Stripe event holds no name, e-mail, phone or address of the donor, though Stripe sent them', async () => {
    const stripeApp = await startTestApp({ ...BANK, ...stripe.env() }, { db: t.db });
    await giveOnline(stripeApp, 'en', { amount: '12', purpose: 'legal' });
    const session = [...stripe.sessions.keys()].at(-1)!;
    const [completed] = stripe.complete(session);
    const delivery = stripe.signed(completed!);
    // The canary: the delivery really carries who paid.
    assert.ok(delivery.body.includes('zelimkhan.donor@example.org') && delivery.body.includes('Oudegracht'));
    stripe.down = true; // the fee cannot be asked: the event stays kept
    try {
      assert.equal((await postStripe(delivery)).status, 200);
      await paymentDeliveriesSettled(t.db);
    } finally {
      stripe.down = false;
    }
    assert.equal(await countRows(t.db, 'payment_deliveries', "provider = 'stripe'"), 1);
    const [kept] = await t.db.query<{ event: string }>("select event::text as event from payment_deliveries where provider = 'stripe'");
    assert.match(kept!.event, new RegExp(session), 'the event is kept');
    const dump = await dumpDatabase(t.db);
    for (const secret of ['zelimkhan.donor@example.org', 'Дононов', '+31612345678', 'Oudegracht', '3511AA']) assert.ok(!dump.includes(secret), `${secret} is not in the database`);

    assert.equal(await bookDueDeliveries(t.db, t.config, new Date(Date.now() + 2 * 60_000)), 1);
    assert.equal(await countBySource(t.db, `stripe:${session}`), 1);
    assert.equal(await countRows(t.db, 'payment_deliveries'), 0);
  });

  test('a delivery kept by a process that stopped before booking it is booked when Beside starts again', async () => {
    const id = await paidMolliePayment('41');
    // As the webhook left it: kept, committed, never handled (and one whose booker died holding it).
    await recordDelivery(t.db, { provider: 'mollie', ref: id, event: null });
    const held = await paidMolliePayment('42');
    await recordDelivery(t.db, { provider: 'mollie', ref: held, event: null });
    await t.db.query("update payment_deliveries set claimed_until = now() - interval '1 second', attempts = 1 where ref = $1", [held]);
    assert.equal(await countBySource(t.db, `mollie:${id}`), 0);

    const booker = startPaymentBooker({ db: t.db, config: t.config });
    await paymentDeliveriesSettled(t.db);
    await booker.stop();
    assert.equal(await countBySource(t.db, `mollie:${id}`), 1);
    assert.equal(await countBySource(t.db, `mollie:${held}`), 1);
    assert.equal(await countRows(t.db, 'payment_deliveries'), 0);
  });

  test('a delivery that arrives while the booker handles the same payment is handled once more, and books once', async () => {
    const id = await paidMolliePayment('43');
    await recordDelivery(t.db, { provider: 'mollie', ref: id, event: null });
    const [taken] = await takeDueDeliveries(t.db, new Date(), 10, ['mollie']);
    assert.equal(taken?.ref, id);
    // Mollie tells of a change (a refund) while the booker is still at work on the first news.
    await recordDelivery(t.db, { provider: 'mollie', ref: id, event: null });
    await finishDelivery(t.db, taken!.id);
    assert.equal(await countRows(t.db, 'payment_deliveries', 'claimed_until is null'), 1, 'still there, and free to take');
    assert.equal(await bookDueDeliveries(t.db, t.config), 1);
    assert.equal(await countBySource(t.db, `mollie:${id}`), 1);
    assert.equal(await countRows(t.db, 'payment_deliveries'), 0);
  });

  test('a burst of deliveries is answered at once and booked once each; repeats fold into one', async () => {
    const ids = [] as string[];
    for (const euros of ['51', '52', '53']) ids.push(await paidMolliePayment(euros));
    const before = await balance(t.db, 'assets:mollie');
    const answers = await Promise.all([...ids, ...ids, ...ids].map(postMollie));
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    await paymentDeliveriesSettled(t.db);
    for (const id of ids) assert.equal(await countBySource(t.db, `mollie:${id}`), 1);
    assert.equal(await balance(t.db, 'assets:mollie'), before + 15_600n);
    assert.equal(await countRows(t.db, 'payment_deliveries'), 0);
  });

  test('after days of failures a delivery is given up and audited; a new delivery from the provider brings it back', async () => {
    const id = await paidMolliePayment('44');
    mollie.down = true;
    try {
      await recordDelivery(t.db, { provider: 'mollie', ref: id, event: null });
      await t.db.query('update payment_deliveries set attempts = 59 where ref = $1', [id]);
      assert.equal(await bookDueDeliveries(t.db, t.config), 1);
      assert.equal(await countRows(t.db, 'payment_deliveries', 'gave_up_at is not null'), 1);
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'payment.delivery_given_up'"), 1);
      assert.equal(await bookDueDeliveries(t.db, t.config, new Date(Date.now() + 7 * 24 * 3600_000)), 0, 'no longer tried');
    } finally {
      mollie.down = false;
    }
    assert.equal((await postMollie(id)).status, 200);
    await paymentDeliveriesSettled(t.db);
    assert.equal(await countBySource(t.db, `mollie:${id}`), 1);
    assert.equal(await countRows(t.db, 'payment_deliveries'), 0);
  });

  test('the treasurer sees given-up notifications and tries them again with one button; nobody else may', async () => {
    const id = await paidMolliePayment('46');
    await recordDelivery(t.db, { provider: 'mollie', ref: id, event: null });
    await t.db.query("update payment_deliveries set gave_up_at = now(), attempts = 60, last_error = 'ApiError' where ref = $1", [id]);
    const treasurer = await loggedIn(t, await createStaff(t.db, { login: 'deliveries-treasurer', roles: ['treasurer'] }));
    const coordinator = await loggedIn(t, await createStaff(t.db, { login: 'deliveries-coordinator', roles: ['coordinator'] }));
    assertShows(await treasurer.get('/staff/funding'), '1 payment notification was given up after days of failed attempts.');

    assert.equal((await coordinator.staffPost('/staff/funding/deliveries/retry')).status, 404);
    assert.equal(await countRows(t.db, 'payment_deliveries', 'gave_up_at is not null'), 1, 'another role changed nothing');

    assert.equal((await treasurer.staffPost('/staff/funding/deliveries/retry')).location, '/staff/funding');
    await paymentDeliveriesSettled(t.db);
    assert.equal(await countBySource(t.db, `mollie:${id}`), 1);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'payment.deliveries_retried'"), 1);
    assertNotShows(await treasurer.get('/staff/funding'), 'given up');
  });

  test(`past ${MAX_WAITING} waiting deliveries a new one is refused with 503 (the provider delivers it again later), and taken again after`, async () => {
    const id = await paidMolliePayment('45');
    // A flood of made-up ids, not yet asked about (due only tomorrow).
    await t.db.query(
      `insert into payment_deliveries (provider, ref, received_at, next_try_at)
       select 'mollie', 'tr_flood' || n, now(), now() + interval '1 day' from generate_series(1, $1::int) as n`,
      [MAX_WAITING],
    );
    try {
      assert.equal((await postMollie(id)).status, 503);
      assert.equal(await countRows(t.db, 'payment_deliveries', 'ref = $1', [id]), 0);
    } finally {
      await t.db.query("delete from payment_deliveries where ref like 'tr_flood%'");
    }
    assert.equal((await postMollie(id)).status, 200);
    await paymentDeliveriesSettled(t.db);
    assert.equal(await countBySource(t.db, `mollie:${id}`), 1);
  });

  test('two Beside processes booking the same deliveries at once book each gift once', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, async () => {
    // A second pool on the same database: another process of the installation, with a booker of its own.
    const [row] = await t.db.query<{ name: string }>('select current_database() as name');
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${row!.name}`;
    const other = await openServer(url.href);
    try {
      const ids = [] as string[];
      for (let i = 0; i < 12; i++) ids.push(await paidMolliePayment(String(60 + i)));
      for (const id of ids) await recordDelivery(t.db, { provider: 'mollie', ref: id, event: null });
      const before = await balance(t.db, 'assets:mollie');
      const drain = async (db: typeof t.db) => {
        while ((await bookDueDeliveries(db, t.config)) > 0);
      };
      await Promise.all([drain(t.db), drain(other), drain(t.db), drain(other)]);
      for (const id of ids) assert.equal(await countBySource(t.db, `mollie:${id}`), 1);
      assert.equal(await balance(t.db, 'assets:mollie'), before + 78_600n, 'exactly what was paid: €60 + €61 + … + €71');
      assert.equal(await countRows(t.db, 'payment_deliveries'), 0);
      assert.equal(mollie.requests.filter((request) => ids.some((id) => request === `GET /v2/payments/${id}`)).length, 12, 'each payment asked about once');
    } finally {
      await other.close();
    }
  });

  test('what no provider of this installation sends is not kept: an id that is not a payment, an event Beside ignores', async () => {
    assert.equal((await postMollie('not-a-payment')).status, 200);
    const ignored = stripe.signed(stripe.event('customer.created', { id: 'cus_ignored', object: 'customer', email: 'someone@example.org' }));
    assert.equal((await postStripe(ignored)).status, 200);
    await paymentDeliveriesSettled(t.db);
    assert.equal(await countRows(t.db, 'payment_deliveries'), 0);
    assert.equal(await countRows(t.db, 'ledger_transactions', "source_ref like 'stripe:cus_%'"), 0);
  });
});
