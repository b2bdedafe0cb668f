import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, assertShows, countRows, initialiseInstance, startTestApp, type TestApp } from '../support/app.ts';
import { StripeStandin, stripeFee, type StripeEvent } from '../support/stripe-standin.ts';
import { balance, books, countBySource, deliverStripe, deliverStripeEvent, giveOnline, manageLinkOf, pathOf, returnState, shownCode } from './pay-support.ts';

describe('test/funding/pay-stripe.test.ts', () => {
  /**
   * Gifts through Stripe Checkout, with Stripe alone configured (no bank account): the official
   * SDK against a stand-in of Stripe's API on loopback, events signed as Stripe signs them. Only a
   * delivery whose signature and timestamp verify is read; a valid one books once.
   */
  let t: TestApp;
  let stripe: StripeStandin;

  before(async () => {
    stripe = await StripeStandin.start();
    t = await startTestApp(stripe.env());
    await initialiseInstance(t.db);
  });

  after(async () => {
    await t?.close();
    await stripe?.close();
  });

  const lastSession = () => [...stripe.sessions.values()].at(-1)!;

  async function startGift(fields: Record<string, string>) {
    const started = await giveOnline(t, 'en', fields);
    const session = lastSession();
    assert.equal(started.checkoutUrl, session.url, 'the donor is sent to Stripe Checkout');
    return { ...started, session, back: pathOf(String(session.success_url)) };
  }

  test('with Stripe alone the Give page pays online only, once or monthly', async () => {
    const page = await new Browser(t).get('/en/give');
    assertShows(page, 'Give once or every month, paid online.');
    assert.doesNotMatch(page.html, /name="way"/);
    assert.match(page.html, /name="frequency" value="monthly"/);
  });

  test('a one-off gift: a signed checkout.session.completed books it once, with Stripe’s fee', async () => {
    const { session, browser, back } = await startGift({ amount: '20', purpose: 'clothing' });
    assert.equal(session.mode, 'payment');
    assert.equal(session.amount_total, 2000);
    assert.equal(session.locale, 'en');
    assert.equal(returnState((await browser.get(back)).html), 'waiting');

    const [completed] = stripe.complete(session.id);
    const delivery = stripe.signed(completed!);
    const answer = await deliverStripe(t, delivery);
    assert.equal(answer.status, 200);
    assert.equal(await countBySource(t.db, `stripe:${session.id}`), 1);
    assert.equal(await balance(t.db, 'income:gifts:clothing'), -2000n);
    assert.equal(await balance(t.db, 'expenses:fees:stripe'), BigInt(stripeFee(2000)));
    assert.equal(await balance(t.db, 'assets:stripe'), 2000n - BigInt(stripeFee(2000)));

    const page = await browser.get(back);
    assert.equal(returnState(page.html), 'received');
    assert.ok(shownCode(page.html));

    // The same delivery again, and the same event signed anew (Stripe's retry): nothing changes.
    const booked = await books(t.db);
    assert.equal((await deliverStripe(t, delivery)).status, 200);
    assert.equal((await deliverStripeEvent(t, stripe, completed!)).status, 200);
    assert.deepEqual(await books(t.db), booked);
  });

  test('a bad signature, a changed body, no signature and a stale timestamp: 400, and nothing changes', async () => {
    const { session } = await startGift({ amount: '35' });
    const [completed] = stripe.complete(session.id);
    const before = await books(t.db);
    const wrongSecret = stripe.signed(completed!, { secret: `whsec_${'x'.repeat(32)}` });
    assert.equal((await deliverStripe(t, wrongSecret)).status, 400);
    const good = stripe.signed(completed!);
    const changed = { body: good.body.replace('"amount_total": 3500', '"amount_total": 350'), signature: good.signature };
    assert.notEqual(changed.body, good.body);
    assert.equal((await deliverStripe(t, changed)).status, 400);
    assert.equal((await deliverStripe(t, { body: good.body })).status, 400);
    const stale = stripe.signed(completed!, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    assert.equal((await deliverStripe(t, stale)).status, 400);
    assert.deepEqual(await books(t.db), before);
    // The control: the same event, signed now, is read.
    assert.equal((await deliverStripe(t, stripe.signed(completed!))).status, 200);
    assert.equal(await countBySource(t.db, `stripe:${session.id}`), 1);
  });

  test('an amount that differs from the gift is not booked, and is audited', async () => {
    const { session, browser, back } = await startGift({ amount: '50' });
    const [completed] = stripe.complete(session.id, 500);
    const before = await books(t.db);
    assert.equal((await deliverStripeEvent(t, stripe, completed!)).status, 200);
    assert.deepEqual(await books(t.db), before);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'gift.payment_mismatch'"), 1);
    assert.equal(returnState((await browser.get(back)).html), 'waiting');
  });

  test('an event for a session that is not ours, and an expired session', async () => {
    const before = await books(t.db);
    const foreign = stripe.event('checkout.session.completed', { id: 'cs_test_foreign', object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 1000, currency: 'eur', metadata: {}, payment_intent: null, created: 1 });
    assert.equal((await deliverStripeEvent(t, stripe, foreign)).status, 200);
    assert.equal((await deliverStripeEvent(t, stripe, stripe.event('customer.created', { id: 'cus_x', object: 'customer' }))).status, 200);
    assert.deepEqual(await books(t.db), before);
    const { session, browser, back } = await startGift({ amount: '7' });
    assert.equal((await deliverStripeEvent(t, stripe, stripe.expire(session.id))).status, 200);
    assert.equal(returnState((await browser.get(back)).html), 'failed');
  });

  test('a refund and a dispute reverse the gift once each; a dispute won is undone', async () => {
    const { session } = await startGift({ amount: '80', purpose: 'evacuation' });
    const [completed] = stripe.complete(session.id);
    await deliverStripeEvent(t, stripe, completed!);
    const intent = String(stripe.sessions.get(session.id)!.payment_intent);
    assert.equal(await balance(t.db, 'income:gifts:evacuation'), -8000n);

    const { event: refunded, refundId } = stripe.refund(intent, 3000);
    assert.equal((await deliverStripeEvent(t, stripe, refunded)).status, 200);
    assert.equal((await deliverStripeEvent(t, stripe, refunded)).status, 200);
    assert.equal(await countBySource(t.db, `stripe:${refundId}`), 1);
    assert.equal(await balance(t.db, 'income:gifts:evacuation'), -5000n);

    const disputed = stripe.dispute(intent, 5000);
    await deliverStripeEvent(t, stripe, disputed);
    await deliverStripeEvent(t, stripe, disputed);
    assert.equal(await balance(t.db, 'income:gifts:evacuation'), 0n);
    assert.equal(await countRows(t.db, 'ledger_transactions', "kind = 'chargeback'"), 1);
    await deliverStripeEvent(t, stripe, stripe.closeDispute(disputed, 'won'));
    await deliverStripeEvent(t, stripe, stripe.closeDispute(disputed, 'won'));
    assert.equal(await balance(t.db, 'income:gifts:evacuation'), -5000n);
  });

  test('a monthly gift: Checkout in subscription mode, its invoices booked (in any order), cancelled by the private link', async () => {
    const { session, browser, back } = await startGift({ amount: '15', purpose: 'shelter', frequency: 'monthly' });
    assert.equal(session.mode, 'subscription');
    const events: StripeEvent[] = stripe.complete(session.id);
    assert.deepEqual(events.map((e) => e.type), ['checkout.session.completed', 'invoice.paid']);
    // Stripe does not promise order: the invoice arrives first.
    for (const event of [...events].reverse()) assert.equal((await deliverStripeEvent(t, stripe, event)).status, 200);
    for (const event of events) assert.equal((await deliverStripeEvent(t, stripe, event)).status, 200);
    assert.equal(await balance(t.db, 'income:gifts:shelter'), -1500n);

    const page = await browser.get(back);
    assert.equal(returnState(page.html), 'received');
    assert.ok(shownCode(page.html));
    const link = manageLinkOf(page.html);
    assert.ok(link);
    let manage = await browser.get(pathOf(link));
    assert.match(manage.html, /data-monthly-state="active"/);

    const subscriptionId = String(stripe.sessions.get(session.id)!.subscription);
    const renewal = stripe.renew(subscriptionId);
    assert.equal((await deliverStripeEvent(t, stripe, renewal)).status, 200);
    assert.equal((await deliverStripeEvent(t, stripe, renewal)).status, 200);
    assert.equal(await balance(t.db, 'income:gifts:shelter'), -3000n);
    assert.equal(await countRows(t.db, 'gifts', "method = 'stripe' and frequency = 'monthly' and state = 'received'"), 2);
    manage = await browser.get(pathOf(link));
    assertShows(manage, '2 payments received so far');

    const token = pathOf(link).split('/').at(-1)!;
    const check = /name="check" value="([^"]+)"/.exec(manage.html)![1]!;
    assert.equal((await browser.post('/en/give/monthly/cancel', { token, check })).status, 303);
    assert.equal(stripe.subscriptions.get(subscriptionId)!.status, 'canceled');
    assert.match((await browser.get(pathOf(link))).html, /data-monthly-state="cancelled"/);
    // Stripe then says the subscription ended: already recorded, nothing more.
    const ended = stripe.event('customer.subscription.deleted', stripe.subscriptions.get(subscriptionId)!);
    assert.equal((await deliverStripeEvent(t, stripe, ended)).status, 200);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'monthly.cancelled'"), 1);
  });

  test('a subscription Stripe ends on its side shows as stopped on the manage page', async () => {
    const { session, browser, back } = await startGift({ amount: '9', frequency: 'monthly' });
    for (const event of stripe.complete(session.id)) await deliverStripeEvent(t, stripe, event);
    const link = manageLinkOf((await browser.get(back)).html)!;
    const subscription = stripe.subscriptions.get(String(stripe.sessions.get(session.id)!.subscription))!;
    subscription.status = 'canceled';
    assert.equal((await deliverStripeEvent(t, stripe, stripe.event('customer.subscription.deleted', subscription))).status, 200);
    const manage = await browser.get(pathOf(link));
    assert.match(manage.html, /data-monthly-state="cancelled"/);
    assert.doesNotMatch(manage.html, /name="check"/);
  });
});
