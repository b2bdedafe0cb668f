import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, countRows, initialiseInstance, startTestApp, textOf, type Page, type TestApp } from '../support/app.ts';
import type { MollieStandin } from '../support/mollie-standin.ts';
import type { StripeStandin } from '../support/stripe-standin.ts';
import { BANK, formKeyOf } from './give-support.ts';
import { deliverMollie, deliverStripeEvent, pathOf, returnState, startStandins } from './pay-support.ts';

describe('test/funding/pay-repeat.test.ts', () => {
  /**
   * The Give form paid online, posted again with the same form key (a reload of the answer, a
   * double tap of "Give"): one gift, one payment at the provider, and every answer sends the
   * donor to the same checkout, or once the payment has finished, to the gift's own page. Run
   * with the official SDKs against the Mollie and Stripe stand-ins.
   */
  let mollieApp: TestApp;
  let stripeApp: TestApp;
  let standins: Awaited<ReturnType<typeof startStandins>>;
  let mollie: MollieStandin;
  let stripe: StripeStandin;

  before(async () => {
    standins = await startStandins();
    ({ mollie, stripe } = standins);
    mollieApp = await startTestApp({ ...BANK, ...mollie.env() });
    stripeApp = await startTestApp(stripe.env());
    await initialiseInstance(mollieApp.db);
    await initialiseInstance(stripeApp.db);
  });

  after(async () => {
    await mollieApp?.close();
    await stripeApp?.close();
    await standins?.close();
  });

  /** The Give page opened once: its form, ready to post (and post again) as the donor's browser would. */
  async function openGive(t: TestApp, amount: string) {
    const browser = new Browser(t);
    const key = formKeyOf((await browser.get('/en/give')).html);
    assert.ok(key);
    const fields = { key, amount, purpose: 'shelter', display: 'anonymous', way: 'online', frequency: 'once' };
    return { browser, post: () => browser.post('/en/give', fields) };
  }

  function checkoutOf(page: Page): string {
    assert.equal(page.status, 200, textOf(page.html).slice(0, 400));
    const url = /<a class="button" href="([^"]+)" data-checkout/.exec(page.html)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(url, 'a link to the provider');
    return url;
  }

  test('Mollie: the same form posted twice makes one payment; both answers send the donor to the same checkout', async () => {
    const form = await openGive(mollieApp, '17');
    const payments = mollie.payments.size;
    const gifts = await countRows(mollieApp.db, 'gifts');
    const first = checkoutOf(await form.post());
    const second = checkoutOf(await form.post());
    assert.equal(second, first);
    assert.equal(mollie.payments.size, payments + 1, 'one payment at Mollie');
    assert.equal(await countRows(mollieApp.db, 'gifts'), gifts + 1, 'one gift');

    // Paid and booked: the same form posted once more goes to the gift's own page, still no second payment.
    const payment = [...mollie.payments.values()].at(-1)!;
    mollie.pay(payment.id);
    assert.equal((await deliverMollie(mollieApp, payment.id)).status, 200);
    const third = await form.post();
    assert.equal(third.status, 303);
    assert.equal(third.location, pathOf(payment.redirectUrl!));
    assert.equal(returnState((await form.browser.get(third.location!)).html), 'received');
    assert.equal(mollie.payments.size, payments + 1);
  });

  test('Mollie: the same amount in another form (another key) is another gift', async () => {
    const payments = mollie.payments.size;
    const one = checkoutOf(await (await openGive(mollieApp, '18')).post());
    const two = checkoutOf(await (await openGive(mollieApp, '18')).post());
    assert.notEqual(one, two);
    assert.equal(mollie.payments.size, payments + 2);
  });

  test('Mollie: two posts of one form at the same moment make one payment', async () => {
    const form = await openGive(mollieApp, '19');
    const payments = mollie.payments.size;
    const gifts = await countRows(mollieApp.db, 'gifts');
    const [one, two] = await Promise.all([form.post(), form.post()]);
    assert.equal(checkoutOf(one), checkoutOf(two));
    assert.equal(mollie.payments.size, payments + 1);
    assert.equal(await countRows(mollieApp.db, 'gifts'), gifts + 1);
  });

  test('Stripe: the same form posted twice makes one Checkout session; once paid, a repeat goes to the gift’s page', async () => {
    const form = await openGive(stripeApp, '23');
    const sessions = stripe.sessions.size;
    const first = checkoutOf(await form.post());
    const second = checkoutOf(await form.post());
    assert.equal(second, first);
    assert.equal(stripe.sessions.size, sessions + 1, 'one session at Stripe');
    const session = [...stripe.sessions.values()].at(-1)!;
    assert.equal(first, session.url);

    for (const event of stripe.complete(String(session.id))) assert.equal((await deliverStripeEvent(stripeApp, stripe, event)).status, 200);
    const third = await form.post();
    assert.equal(third.status, 303);
    assert.equal(third.location, pathOf(String(session.success_url)));
    assert.equal(returnState((await form.browser.get(third.location!)).html), 'received');
    assert.equal(stripe.sessions.size, sessions + 1);
  });

  test('Stripe: two posts of one form at the same moment make one session', async () => {
    const form = await openGive(stripeApp, '24');
    const sessions = stripe.sessions.size;
    const [one, two, three] = await Promise.all([form.post(), form.post(), form.post()]);
    assert.equal(checkoutOf(one), checkoutOf(two));
    assert.equal(checkoutOf(two), checkoutOf(three));
    assert.equal(stripe.sessions.size, sessions + 1);
  });
});
