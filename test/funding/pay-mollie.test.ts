import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, assertNotShows, assertShows, countRows, initialiseInstance, startTestApp, type TestApp } from '../support/app.ts';
import { acceptStandinCertificate, MollieStandin } from '../support/mollie-standin.ts';
import { BANK } from './give-support.ts';
import { balance, books, countBySource, deliverMollie, giveOnline, manageLinkOf, pathOf, returnState, shownCode } from './pay-support.ts';
import { monthAfter } from '../../src/funding/online-payment-state.ts';
import { todayIn } from '../../src/i18n/days.ts';
import { giftCodeHash } from '../../src/funding/gift-code.ts';
import { bookDueDeliveries } from '../../src/funding/payment-booker.ts';
import { dumpDatabase } from '../support/db.ts';

describe('test/funding/pay-mollie.test.ts', () => {
  /**
   * Gifts through Mollie, as a donor and Mollie go through them: the official SDK against a
   * stand-in of Mollie's API on loopback, webhooks posted as Mollie posts them. A gift is booked
   * only when Mollie, asked by Beside, says it is paid; every other delivery changes nothing.
   */
  let t: TestApp;
  let mollie: MollieStandin;
  let restoreTls: () => void;

  before(async () => {
    restoreTls = acceptStandinCertificate();
    mollie = await MollieStandin.start();
    t = await startTestApp({ ...BANK, ...mollie.env() });
    await initialiseInstance(t.db);
  });

  after(async () => {
    await t?.close();
    await mollie?.close();
    restoreTls?.();
  });

  const lastPayment = () => [...mollie.payments.values()].at(-1)!;

  /** A one-off gift started through the Give page, and Mollie's payment for it. */
  async function startGift(amount: string, purpose = 'general', lang: 'nl' | 'en' | 'ru' = 'nl') {
    const { checkoutUrl, browser } = await giveOnline(t, lang, { amount, purpose });
    const payment = lastPayment();
    assert.ok(checkoutUrl.startsWith(mollie.url.replace('/v2/', '')), 'the donor is sent to Mollie’s page');
    return { payment, browser, back: pathOf(payment.redirectUrl!) };
  }

  test('the Give page offers paying online next to bank transfer, and monthly gifts', async () => {
    const page = await new Browser(t).get('/nl/give');
    assertShows(page, 'Online: iDEAL, kaart of Bancontact');
    assertShows(page, 'Elke maand');
    assert.match(page.html, /name="way" value="transfer"/);
    assert.match(page.html, /name="frequency" value="monthly"/);
  });

  test('a one-off gift: the way back waits until Mollie’s webhook books it, then shows the code, once in the books', async () => {
    const { payment, browser, back } = await startGift('25,50', 'shelter');
    assert.equal(payment.amount.value, '25.50');
    assert.equal(payment.amount.currency, 'EUR');
    assert.equal(payment.sequenceType, 'oneoff');
    assert.equal(payment.locale, 'nl_NL');
    assert.equal(payment.webhookUrl, 'http://beside.test/api/mollie/webhook');
    assert.equal(payment.method, null, 'Mollie’s page lets the donor choose iDEAL, a card or Bancontact');

    // The donor comes back before paying, or after paying but before Mollie's webhook: no code yet.
    let page = await browser.get(back);
    assert.equal(returnState(page.html), 'waiting');
    assert.equal(shownCode(page.html), null);
    mollie.pay(payment.id);
    page = await browser.get(back);
    assert.equal(returnState(page.html), 'waiting', 'the redirect alone proves nothing');
    assertShows(page, 'We wachten tot Mollie uw betaling bevestigt');

    const before = await books(t.db);
    const delivered = await deliverMollie(t, payment.id);
    assert.equal(delivered.status, 200);
    assert.ok(mollie.requests.includes(`GET /v2/payments/${payment.id}`), 'Beside asked Mollie about the payment');
    assert.equal(await countBySource(t.db, `mollie:${payment.id}`), 1);
    assert.equal((await books(t.db)).transactions.length, before.transactions.length + 1);
    assert.equal(await balance(t.db, 'assets:mollie'), 2550n);
    assert.equal(await balance(t.db, 'income:gifts:shelter'), -2550n);

    page = await browser.get(back);
    assert.equal(returnState(page.html), 'received');
    const code = shownCode(page.html);
    assert.ok(code && code.length === 28, 'the gift code is shown once the gift is booked');
    const state = await browser.post('/nl/give/gift', { code });
    assert.match(state.html, /data-gift-state="received"/);

    // Mollie calls again (a retry, a replay): nothing changes.
    const booked = await books(t.db);
    for (let i = 0; i < 3; i++) assert.equal((await deliverMollie(t, payment.id)).status, 200);
    assert.deepEqual(await books(t.db), booked);
  });

  test('an unknown payment, a payment that is not ours and a malformed id: 200, and nothing changes', async () => {
    const before = await books(t.db);
    const asked = mollie.requests.length;
    assert.equal((await deliverMollie(t, 'tr_unknownToMollie1')).status, 200);
    assert.equal((await deliverMollie(t, mollie.foreignPayment())).status, 200);
    assert.equal((await deliverMollie(t, "tr_1' or 1=1")).status, 200);
    const empty = await t.app.request('/api/mollie/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"tr_x"}' });
    assert.equal(empty.status, 200);
    assert.deepEqual(await books(t.db), before);
    assert.equal(mollie.requests.length, asked + 2, 'only well-formed ids are looked up at Mollie');
  });

  test('an amount or currency that differs from the gift is not booked, and is audited', async () => {
    const { payment, browser, back } = await startGift('40');
    mollie.pay(payment.id);
    mollie.setAmount(payment.id, { currency: 'EUR', value: '4.00' });
    const before = await books(t.db);
    assert.equal((await deliverMollie(t, payment.id)).status, 200);
    mollie.setAmount(payment.id, { currency: 'USD', value: '40.00' });
    assert.equal((await deliverMollie(t, payment.id)).status, 200);
    assert.deepEqual(await books(t.db), before);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'gift.payment_mismatch'"), 2);
    assert.equal(returnState((await browser.get(back)).html), 'waiting');
  });

  test('a payment the donor cancelled: the way back says so, and nothing is booked', async () => {
    const { payment, browser, back } = await startGift('15', 'general', 'en');
    mollie.giveUp(payment.id, 'canceled');
    const before = (await books(t.db)).transactions;
    assert.equal((await deliverMollie(t, payment.id)).status, 200);
    const page = await browser.get(back);
    assert.equal(returnState(page.html), 'failed');
    assertShows(page, 'Mollie tells us the payment did not go through');
    assert.deepEqual((await books(t.db)).transactions, before);
  });

  test('refunds and chargebacks reverse the gift, once each, never beyond it; a failed refund is undone', async () => {
    const { payment } = await startGift('60', 'legal');
    mollie.pay(payment.id);
    await deliverMollie(t, payment.id);
    assert.equal(await balance(t.db, 'income:gifts:legal'), -6000n);

    const refund = mollie.refund(payment.id, '10.00');
    assert.equal((await deliverMollie(t, payment.id)).status, 200);
    assert.equal((await deliverMollie(t, payment.id)).status, 200);
    assert.equal(await countBySource(t.db, `mollie:refund:${refund}`), 1);
    assert.equal(await balance(t.db, 'income:gifts:legal'), -5000n);

    mollie.setRefundStatus(payment.id, refund, 'failed');
    await deliverMollie(t, payment.id);
    await deliverMollie(t, payment.id);
    assert.equal(await balance(t.db, 'income:gifts:legal'), -6000n, 'a refund that failed gave nothing back');
    assert.equal(await countRows(t.db, 'ledger_transactions', "kind = 'reversal'"), 1);

    const chargeback = mollie.chargeback(payment.id, '60.00');
    await deliverMollie(t, payment.id);
    assert.equal(await balance(t.db, 'income:gifts:legal'), 0n);
    // More than the gift brought in is refused.
    mollie.refund(payment.id, '0.01', 'refunded');
    const before = await books(t.db);
    await deliverMollie(t, payment.id);
    assert.deepEqual(await books(t.db), before);
    mollie.reverseChargeback(payment.id, chargeback);
    await deliverMollie(t, payment.id);
    assert.equal(await balance(t.db, 'income:gifts:legal'), -6000n + 1n, 'the chargeback reversed; the small refund then fits');
    assert.equal(await balance(t.db, 'assets:mollie'), -(await balance(t.db, 'income:gifts:shelter')) - (await balance(t.db, 'income:gifts:legal')) - (await balance(t.db, 'income:gifts:general')));
  });

  test('a monthly gift: a first payment, the subscription on its mandate, a later month, and cancelling by the private link', async () => {
    const started = await giveOnline(t, 'ru', { amount: '12', purpose: 'psych', frequency: 'monthly', display: 'private' });
    const first = lastPayment();
    assert.equal(first.sequenceType, 'first');
    assert.ok(first.customerId && mollie.customers.has(first.customerId));
    assert.equal(first.locale, 'en_US', 'Mollie’s page has no Russian');
    const way = pathOf(first.redirectUrl!);

    mollie.pay(first.id);
    assert.equal((await deliverMollie(t, first.id)).status, 200);
    const [subscription] = [...mollie.subscriptions.values()].filter((s) => s.customerId === first.customerId);
    assert.ok(subscription, 'a subscription was made on the mandate');
    assert.equal(subscription.amount.value, '12.00');
    assert.equal(subscription.interval, '1 month');
    assert.equal(subscription.startDate, monthAfter(todayIn()), 'the first payment paid this month');
    // A second delivery of the first payment makes no second subscription.
    await deliverMollie(t, first.id);
    assert.equal([...mollie.subscriptions.values()].filter((s) => s.customerId === first.customerId).length, 1);

    const page = await started.browser.get(way);
    assert.equal(returnState(page.html), 'received');
    const link = manageLinkOf(page.html);
    assert.ok(link, 'the way back shows the manage link');
    let manage = await started.browser.get(pathOf(link));
    assert.match(manage.html, /data-monthly-state="active"/);
    assertShows(manage, 'Пока получен 1 платёж');

    const next = mollie.chargeSubscription(subscription.id);
    assert.equal((await deliverMollie(t, next)).status, 200);
    assert.equal((await deliverMollie(t, next)).status, 200);
    assert.equal(await countBySource(t.db, `mollie:${next}`), 1);
    assert.equal(await balance(t.db, 'income:gifts:psych'), -2400n);
    assert.equal(await countRows(t.db, 'gifts', "frequency = 'monthly' and state = 'received'"), 2);
    manage = await started.browser.get(pathOf(link));
    assertShows(manage, 'Пока получено 2 платежа');
    // A failed month books nothing.
    const failed = mollie.chargeSubscription(subscription.id, 'failed');
    await deliverMollie(t, failed);
    assert.equal(await balance(t.db, 'income:gifts:psych'), -2400n);

    // Cancelling: a forged form is "not found"; the real one stops the subscription at Mollie.
    const token = pathOf(link).split('/').at(-1)!;
    const check = /name="check" value="([^"]+)"/.exec(manage.html)?.[1];
    assert.ok(check);
    const forged = await started.browser.post('/ru/give/monthly/cancel', { token, check: 'x'.repeat(43) });
    assert.equal(forged.status, 404);
    assert.equal(subscription.status, 'active');
    // Mollie unreachable: nothing is recorded, and the donor is asked to try again.
    mollie.down = true;
    try {
      const refused = await started.browser.post('/ru/give/monthly/cancel', { token, check });
      assert.equal(refused.status, 503);
      assert.match(refused.html, /data-monthly-state="active"/);
    } finally {
      mollie.down = false;
    }
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'monthly.cancelled'"), 0);
    const cancelled = await started.browser.post('/ru/give/monthly/cancel', { token, check });
    assert.equal(cancelled.status, 303);
    assert.equal(subscription.status, 'canceled', 'Mollie was told through its API');
    manage = await started.browser.get(pathOf(link));
    assert.match(manage.html, /data-monthly-state="cancelled"/);
    assertNotShows(manage, 'name="check"');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'monthly.cancelled'"), 1);
    // Again: nothing more to do.
    assert.equal((await started.browser.post('/ru/give/monthly/cancel', { token, check })).status, 303);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'monthly.cancelled'"), 1);
  });

  test('the way back and the manage page: an unknown token is "not found", and the code is gone after a day', async () => {
    const browser = new Browser(t);
    assert.equal((await browser.get(`/en/give/return/${'A'.repeat(43)}`)).status, 404);
    assert.equal((await browser.get('/en/give/return/short')).status, 404);
    assert.equal((await browser.get(`/en/give/monthly/${'A'.repeat(43)}`)).status, 404);
    const { payment, back } = await startGift('9');
    mollie.pay(payment.id);
    await deliverMollie(t, payment.id);
    assert.ok(shownCode((await browser.get(back)).html));
    // Two days on (the day of booking moved back, as the clock cannot be).
    await t.db.query('update gifts set received_on = received_on - 2 where provider_payment_id = $1', [payment.id]);
    const later = await browser.get(back);
    assert.equal(returnState(later.html), 'received');
    assert.equal(shownCode(later.html), null, 'two days later the page no longer shows the code');
  });

  test('nothing in the database gives away the gift code, the manage token or the way back (with canaries that prove the scan)', async () => {
    const started = await giveOnline(t, 'en', { amount: '11', purpose: 'general', frequency: 'monthly', display: 'public', name: 'Canary Donor' });
    const first = lastPayment();
    mollie.pay(first.id);
    await deliverMollie(t, first.id);
    const back = pathOf(first.redirectUrl!);
    const page = await started.browser.get(back);
    const code = shownCode(page.html)!;
    const manage = pathOf(manageLinkOf(page.html)!).split('/').at(-1)!;
    const way = back.split('/').at(-1)!;
    assert.ok(code && manage && way);

    const dump = await dumpDatabase(t.db);
    const hex = (text: string | Uint8Array) => Buffer.from(text).toString('hex');
    // The canaries: the scan reads the gifts' plain columns and their bytea columns (as hex).
    assert.ok(dump.includes(first.id), 'the scan sees the payment id');
    assert.ok(dump.includes(hex(giftCodeHash(code))), 'the scan sees bytea columns');
    for (const [what, secret] of [['gift code', code], ['manage token', manage], ['return token', way], ['donor name', 'Canary Donor']] as const) {
      assert.ok(!dump.includes(secret) && !dump.includes(hex(secret)), `the ${what} is not in the database`);
    }
  });

  test('Mollie unreachable: the donor is told, nothing is open; a webhook is kept and Beside asks Mollie again later itself', async () => {
    mollie.down = true;
    try {
      const browser = new Browser(t);
      const form = await browser.get('/en/give');
      const key = /name="key" value="([^"]+)"/.exec(form.html)![1]!;
      const page = await browser.post('/en/give', { key, amount: '30', purpose: 'general', display: 'anonymous', way: 'online', frequency: 'once' });
      assert.equal(page.status, 503);
      assertShows(page, 'We could not reach Mollie. Nothing was paid.');
    } finally {
      mollie.down = false;
    }
    const { payment } = await startGift('31');
    mollie.pay(payment.id);
    mollie.down = true;
    const before = await books(t.db);
    try {
      // Answered 200 (Mollie does not deliver again after that): the delivery is kept instead.
      assert.equal((await deliverMollie(t, payment.id)).status, 200);
    } finally {
      mollie.down = false;
    }
    assert.deepEqual(await books(t.db), before);
    const [kept] = await t.db.query<{ attempts: number; last_error: string }>("select attempts, last_error from payment_deliveries where provider = 'mollie' and ref = $1", [payment.id]);
    assert.deepEqual(kept, { attempts: 1, last_error: 'ApiError' });
    // Not before its time (a minute after the first attempt), then once.
    assert.equal(await bookDueDeliveries(t.db, t.config, new Date()), 0);
    assert.equal(await bookDueDeliveries(t.db, t.config, new Date(Date.now() + 2 * 60_000)), 1);
    assert.equal(await countBySource(t.db, `mollie:${payment.id}`), 1);
    assert.equal(await countRows(t.db, 'payment_deliveries'), 0, 'handled and gone');
  });
});
