import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { createMailer } from '../../src/notify/mailer.ts';
import { runDueJobs, type JobDeps } from '../../src/notify/run-jobs.ts';
import { formatRfReference } from '../../src/funding/rf-reference.ts';
import { Browser, countRows, createStaff, initialiseInstance, loggedIn, startTestApp, type TestApp } from '../support/app.ts';
import { acceptStandinCertificate, MollieStandin } from '../support/mollie-standin.ts';
import { startSmtp, type Received, type TestSmtp } from '../notify/smtp.ts';
import { BANK, give, pledgeOf, statementXml, uploadStatement } from './give-support.ts';
import { deliverMollie, deliverStripe, deliverStripeEvent, giveOnline, manageLinkOf, pathOf } from './pay-support.ts';
import { StripeStandin } from '../support/stripe-standin.ts';
import { dumpDatabase, dumpHolds } from '../support/db.ts';

describe('test/funding/donor-thanks.test.ts', () => {
  /**
   * The donor's thank-you with receipt: queued in the transaction that books the gift, however it
   * arrives (a bank statement, Mollie), sent once through a real SMTP server on loopback in the
   * donor's language, after which the server-readable address is gone. A fully anonymous gift
   * keeps no address anywhere, and no address is ever in the database in plaintext.
   */
  let t: TestApp;
  let smtp: TestSmtp;
  let mollie: MollieStandin;
  let restoreTls: () => void;
  let deps: JobDeps;
  let books: Browser;
  let runs = 0;
  const used: string[] = [];

  before(async () => {
    restoreTls = acceptStandinCertificate();
    smtp = await startSmtp();
    mollie = await MollieStandin.start();
    t = await startTestApp({ ...BANK, ...mollie.env(), SMTP_URL: smtp.url, SMTP_FROM: 'gifts@beside.test', ORG_NAME: 'Stichting Beside' });
    await initialiseInstance(t.db);
    books = await loggedIn(t, await createStaff(t.db, { login: 'thanks-treasurer', roles: ['treasurer'] }));
    deps = { db: t.db, config: t.config, mailer: createMailer(t.config.smtp) };
  });

  after(async () => {
    deps?.mailer?.close();
    await t?.close();
    await mollie?.close();
    await smtp?.close();
    restoreTls?.();
  });

  /** A fresh address per test, remembered for the stolen-database scan. */
  const address = (name: string) => {
    const email = `${name}.${Date.now().toString(36)}${used.length}@donors.test`;
    used.push(email);
    return email;
  };
  const mailsTo = (email: string) => smtp.received.filter((mail) => mail.to.includes(email));
  const parsed = async (mail: Received) => simpleParser(Buffer.from(mail.raw, 'latin1'));
  const run = () => runDueJobs(deps, new Date(Date.now() + 1000));

  /** A pledge by transfer made on the Give page, then paid: the treasurer imports a statement that carries its reference. */
  async function transferPaid(lang: 'ru' | 'en' | 'nl', fields: Record<string, string>) {
    const pledge = pledgeOf((await give(t, lang, { preset: '2500', purpose: 'shelter', way: 'transfer', ...fields })).page.html);
    const other = pledgeOf((await give(t, 'nl', { preset: '5000', purpose: 'psych', display: 'private', way: 'transfer' })).page.html);
    const typed = pledgeOf((await give(t, 'nl', { preset: '1000', purpose: 'legal', display: 'private', way: 'transfer' })).page.html);
    runs += 1;
    const xml = statementXml({ run: `${Date.now()}T${runs}`, rfExact: pledge.rf, rfWrong: other.rf, rfText: formatRfReference(typed.rf) });
    const [gift] = await t.db.query<{ id: string }>('select id from gifts where rf_reference = $1', [pledge.rf]);
    return { pledge, giftId: gift!.id, import: () => uploadStatement(books, xml) };
  }

  test('a transfer matched by a statement import: one thank-you in Russian, with the receipt, then the address is forgotten', async () => {
    const email = address('anya');
    const paid = await transferPaid('ru', { display: 'anonymous', email, receipt: 'yes' });
    assert.equal(await countRows(t.db, 'gift_thanks', 'gift_id = $1', [paid.giftId]), 1, 'kept, encrypted, until the gift arrives');
    await run();
    assert.equal(mailsTo(email).length, 0, 'a pledge is not thanked before the money is there');

    assert.equal((await paid.import()).status, 303);
    assert.equal(await countRows(t.db, 'jobs', "kind = 'gift.thanks' and payload->>'giftId' = $1", [paid.giftId]), 1, 'queued with the booking');
    await run();
    const [mail] = mailsTo(email);
    assert.ok(mail, 'the thank-you arrived');
    const message = await parsed(mail);
    const [booked] = await t.db.query<{ ledger_seq: bigint }>('select ledger_seq from gifts where id = $1', [paid.giftId]);
    assert.match(message.subject ?? '', /Спасибо за ваше пожертвование/);
    assert.ok(message.subject?.includes(`№ ${booked!.ledger_seq}`), 'the receipt number is the ledger’s');
    assert.match(message.text ?? '', /25,00\s€/);
    assert.match(message.text ?? '', /Безопасное жильё/);
    assert.match(message.text ?? '', /2 мар\. 2026/);
    assert.match(message.text ?? '', /Stichting Beside/);
    assert.ok(message.text?.includes('http://beside.test/ru/give/statement'), 'how to ask for a yearly statement');
    assert.doesNotMatch(message.text ?? '', /give\/monthly/, 'a one-off gift has no manage link');
    assert.ok(typeof message.html === 'string' && message.html.includes('<table>'), 'and the same as simple HTML');
    assert.doesNotMatch(message.html as string, /<img|src=/i, 'with no remote images');
    assert.equal(await countRows(t.db, 'gift_thanks', 'gift_id = $1', [paid.giftId]), 0, 'the server-readable copy is gone');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'gift.thanks_sent'"), 1);

    // The same statement imported again books nothing and thanks nobody twice.
    await paid.import();
    await run();
    await run();
    assert.equal(mailsTo(email).length, 1);
  });

  test('a gift without a receipt asked is not thanked; its address gives only a tag', async () => {
    const email = address('piet');
    const paid = await transferPaid('nl', { display: 'anonymous', email });
    await paid.import();
    await run();
    assert.equal(mailsTo(email).length, 0);
    assert.equal(await countRows(t.db, 'gift_thanks', 'gift_id = $1', [paid.giftId]), 0);
    assert.equal(await countRows(t.db, 'gifts', 'id = $1 and donor_tag is not null', [paid.giftId]), 1, 'the tag finds it for a yearly statement');
  });

  test('a Mollie payment: thanked once in English, however often Mollie calls', async () => {
    const email = address('sam');
    await giveOnline(t, 'en', { amount: '40', purpose: 'legal', email, receipt: 'yes' });
    const payment = [...mollie.payments.values()].at(-1)!;
    mollie.pay(payment.id);
    for (let i = 0; i < 3; i++) assert.equal((await deliverMollie(t, payment.id)).status, 200);
    await run();
    await deliverMollie(t, payment.id);
    await run();
    const mails = mailsTo(email);
    assert.equal(mails.length, 1, 'one thank-you');
    const message = await parsed(mails[0]!);
    assert.match(message.subject ?? '', /^Thank you for your gift to Stichting Beside \(receipt \d+\)$/);
    assert.match(message.text ?? '', /€40\.00/);
    assert.match(message.text ?? '', /Legal help|legal/i);
  });

  test('a monthly gift through Mollie: the first payment’s thank-you, in Dutch, carries the manage link that works', async () => {
    const email = address('joost');
    const started = await giveOnline(t, 'nl', { amount: '12', purpose: 'psych', frequency: 'monthly', email, receipt: 'yes' });
    const first = [...mollie.payments.values()].at(-1)!;
    mollie.pay(first.id);
    await deliverMollie(t, first.id);
    await run();
    const [mail] = mailsTo(email);
    assert.ok(mail);
    const message = await parsed(mail);
    assert.match(message.subject ?? '', /^Dank voor uw gift aan Stichting Beside/);
    const link = /http:\/\/beside\.test\/nl\/give\/monthly\/[A-Za-z0-9_-]{43}/.exec(message.text ?? '')?.[0];
    assert.ok(link, 'the manage link is in the e-mail');
    const shown = manageLinkOf((await started.browser.get(pathOf(first.redirectUrl!))).html);
    assert.equal(link, shown, 'the same link as the way back showed');
    const manage = await new Browser(t).get(pathOf(link));
    assert.match(manage.html, /data-monthly-state="active"/);
    assert.equal(await countRows(t.db, 'gift_thanks'), 0, 'every copy sent is gone');

    // The next month is booked without another e-mail.
    const [subscription] = [...mollie.subscriptions.values()].filter((s) => s.customerId === first.customerId);
    const next = mollie.chargeSubscription(subscription!.id);
    await deliverMollie(t, next);
    await run();
    assert.equal(mailsTo(email).length, 1);
    assert.equal(await countRows(t.db, 'gifts', "frequency = 'monthly' and state = 'received' and donor_tag is not null"), 2, 'the later month carries the tag');
  });

  test('a thank-you the mail server keeps refusing is given up in the end, and its address forgotten', async () => {
    const email = address('refused');
    await giveOnline(t, 'en', { amount: '7', email, receipt: 'yes' });
    const payment = [...mollie.payments.values()].at(-1)!;
    mollie.pay(payment.id);
    await deliverMollie(t, payment.id);
    smtp.refuse = true;
    try {
      // Each attempt waits longer (1, 2, 4 … 60 minutes); a day later every attempt has been made.
      for (let hour = 0; hour <= 10; hour++) await runDueJobs(deps, new Date(Date.now() + hour * 3600_000 + 1000));
    } finally {
      smtp.refuse = false;
    }
    assert.equal(await countRows(t.db, 'jobs', "kind = 'gift.thanks' and status = 'failed'"), 1);
    assert.equal(await countRows(t.db, 'gift_thanks'), 0, 'nothing left to read');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'gift.thanks_failed'"), 1);
    await run();
    assert.equal(mailsTo(email).length, 0);
  });

  test('a fully anonymous gift keeps no address, no tag and nothing to send', async () => {
    const before = smtp.received.length;
    const pledge = pledgeOf((await give(t, 'en', { preset: '2500', purpose: 'general', display: 'private', way: 'transfer' })).page.html);
    const [row] = await t.db.query<Record<string, unknown>>('select * from gifts where rf_reference = $1', [pledge.rf]);
    assert.equal(row!.donor_tag, null);
    assert.equal(row!.donor, null);
    assert.equal(await countRows(t.db, 'gift_thanks', 'gift_id = $1', [row!.id]), 0);
    // A crafted post asking for a receipt anyway is refused, and keeps nothing.
    const email = address('crafted');
    const crafted = await give(t, 'en', { preset: '2500', display: 'private', email, receipt: 'yes', way: 'transfer' });
    assert.equal(crafted.page.status, 400);
    assert.ok(!dumpHolds((await dumpDatabase(t.db)).toLowerCase(), email));
    await run();
    assert.equal(smtp.received.length, before);
  });

  test('a stolen database holds no donor’s address in plaintext (the scan finds a planted canary)', async () => {
    // One copy still waits for its gift: encrypted, it is no plaintext either.
    const waiting = address('waiting');
    await give(t, 'nl', { preset: '2500', display: 'anonymous', email: waiting, receipt: 'yes', way: 'transfer' });
    assert.equal(await countRows(t.db, 'gift_thanks'), 1);
    assert.ok(used.length >= 5);
    const canary = `canary.${Date.now()}@donors.test`;
    await t.db.query('create table zz_mail_canary (note text, blob bytea)');
    await t.db.query('insert into zz_mail_canary values ($1, $2)', [canary, Buffer.from(canary.toUpperCase())]);
    const dump = (await dumpDatabase(t.db)).toLowerCase();
    assert.ok(dumpHolds(dump, canary), 'the scan finds text');
    assert.ok(dump.includes(Buffer.from(canary.toUpperCase()).toString('hex').toLowerCase()), 'the scan finds bytes');
    await t.db.query('drop table zz_mail_canary');
    for (const email of used) {
      assert.ok(!dumpHolds(dump, email), `${email} is nowhere in plaintext`);
      assert.ok(!dumpHolds(dump, email.split('@')[0]!), 'not even its local part');
    }
  });

  describe('through Stripe', () => {
    let paid: TestApp;
    let stripe: StripeStandin;
    let stripeDeps: JobDeps;
    before(async () => {
      stripe = await StripeStandin.start();
      paid = await startTestApp({ ...stripe.env(), SMTP_URL: smtp.url, SMTP_FROM: 'gifts@beside.test' });
      await initialiseInstance(paid.db);
      stripeDeps = { db: paid.db, config: paid.config, mailer: createMailer(paid.config.smtp) };
    });
    after(async () => {
      stripeDeps?.mailer?.close();
      await paid?.close();
      await stripe?.close();
    });

    test('a Stripe Checkout payment: thanked once in Russian, a replayed event sends nothing more', async () => {
      const email = address('stripe');
      await giveOnline(paid, 'ru', { amount: '20', purpose: 'clothing', email, receipt: 'yes' });
      const session = [...stripe.sessions.values()].at(-1)!;
      const [completed] = stripe.complete(session.id);
      const delivery = stripe.signed(completed!);
      assert.equal((await deliverStripe(paid, delivery)).status, 200);
      await runDueJobs(stripeDeps, new Date(Date.now() + 1000));
      assert.equal((await deliverStripe(paid, delivery)).status, 200);
      assert.equal((await deliverStripeEvent(paid, stripe, completed!)).status, 200);
      await runDueJobs(stripeDeps, new Date(Date.now() + 1000));
      const mails = mailsTo(email);
      assert.equal(mails.length, 1);
      const message = await parsed(mails[0]!);
      assert.match(message.subject ?? '', /^Спасибо за ваше пожертвование/);
      assert.match(message.text ?? '', /20,00\s€/);
      assert.equal(await countRows(paid.db, 'gift_thanks'), 0);
    });
  });

  describe('without SMTP', () => {
    let bare: TestApp;
    before(async () => {
      bare = await startTestApp(BANK);
      await initialiseInstance(bare.db);
    });
    after(() => bare?.close());

    test('the Give page offers no receipt it cannot send, and a posted one is not kept', async () => {
      const form = await new Browser(bare).get('/en/give');
      assert.doesNotMatch(form.html, /name="receipt"/);
      assert.match(form.html, /cannot send receipts by e-mail yet/);
      const pledge = pledgeOf((await give(bare, 'en', { preset: '2500', display: 'anonymous', email: 'old.page@donors.test', receipt: 'yes' })).page.html);
      const [gift] = await bare.db.query<{ id: string }>('select id from gifts where rf_reference = $1', [pledge.rf]);
      assert.equal(await countRows(bare.db, 'gift_thanks', 'gift_id = $1', [gift!.id]), 0);
      assert.equal(await countRows(bare.db, 'gifts', 'id = $1 and donor_tag is not null', [gift!.id]), 1, 'the address still gives a tag: statements once SMTP is set up');
    });
  });
});
