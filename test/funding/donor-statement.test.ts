import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { createMailer } from '../../src/notify/mailer.ts';
import { runDueJobs, type JobDeps } from '../../src/notify/run-jobs.ts';
import { formatRfReference } from '../../src/funding/rf-reference.ts';
import { todayIn } from '../../src/i18n/days.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { Browser, countRows, createStaff, initialiseInstance, loggedIn, startTestApp, textOf, type TestApp } from '../support/app.ts';
import { acceptStandinCertificate, MollieStandin } from '../support/mollie-standin.ts';
import { startSmtp, type TestSmtp } from '../notify/smtp.ts';
import { BANK, give, pledgeOf, statementXml, uploadStatement } from './give-support.ts';
import { deliverMollie, giveOnline } from './pay-support.ts';
import { pdfText } from './pdf-text.ts';

describe('test/funding/donor-statement.test.ts', () => {
  /**
   * A donor asks for the yearly statement of their gifts on the public page: a PDF by e-mail,
   * found by the keyed tag of their address (any case), listing exactly that year's gifts net of
   * refunds, with the association's name, address and RSIN and the giftenaftrek line. Every
   * asker reads the same answer; an unknown address gets no e-mail; the limits hold.
   */
  let t: TestApp;
  let smtp: TestSmtp;
  let mollie: MollieStandin;
  let restoreTls: () => void;
  let deps: JobDeps;
  const year = Number(todayIn().slice(0, 4));
  const A = `Donor.A.${Date.now().toString(36)}@Donors.test`;
  const B = `donor.b.${Date.now().toString(36)}@donors.test`;
  const mailsTo = (email: string) => smtp.received.filter((mail) => mail.to.map((to) => to.toLowerCase()).includes(email.toLowerCase()));
  const run = () => runDueJobs(deps, new Date(Date.now() + 1000));

  /** Gifts by transfer, received on `day` through a statement import: `exact` pays 25.00, `typed` 10.00 (fixture amounts). */
  async function transfers(books: Browser, day: string, exact: Record<string, string>, typed: Record<string, string>) {
    const base = { purpose: 'shelter', way: 'transfer' };
    const pledge = async (preset: string, fields: Record<string, string>) => pledgeOf((await give(t, 'nl', { preset, ...base, ...fields })).page.html);
    const paid = await pledge('2500', exact);
    const text = await pledge('1000', { ...typed, purpose: 'legal' });
    const other = await pledge('5000', { display: 'private' });
    const xml = statementXml({ run: `${day}${Date.now()}`, rfExact: paid.rf, rfWrong: other.rf, rfText: formatRfReference(text.rf) }).replaceAll('2026-03-02', day);
    assert.equal((await uploadStatement(books, xml)).status, 303);
  }

  /** A gift through Mollie with A's address, paid today; `refund` gives part or all of it back. */
  async function mollieGift(amount: string, refund: string) {
    await giveOnline(t, 'en', { amount, purpose: 'general', email: A.toLowerCase() });
    const payment = [...mollie.payments.values()].at(-1)!;
    mollie.pay(payment.id);
    await deliverMollie(t, payment.id);
    mollie.refund(payment.id, refund, 'refunded');
    await deliverMollie(t, payment.id);
  }

  before(async () => {
    restoreTls = acceptStandinCertificate();
    smtp = await startSmtp();
    mollie = await MollieStandin.start();
    t = await startTestApp({
      ...BANK,
      ...mollie.env(),
      SMTP_URL: smtp.url,
      SMTP_FROM: 'gifts@beside.test',
      ORG_NAME: 'Stichting Beside',
      ORG_ADDRESS: 'Kerkstraat 1, 1017 GA Amsterdam',
      ORG_RSIN: '123456782',
    });
    await initialiseInstance(t.db);
    deps = { db: t.db, config: t.config, mailer: createMailer(t.config.smtp) };
    const books = await loggedIn(t, await createStaff(t.db, { login: 'statement-treasurer', roles: ['treasurer'] }));
    await transfers(books, `${year}-01-01`, { display: 'anonymous', email: A }, { display: 'anonymous', email: B });
    await transfers(books, `${year - 1}-12-30`, { display: 'public', name: 'A', email: A.toLowerCase() }, { display: 'private' });
    await mollieGift('60', '10.00');
    await mollieGift('15', '15.00');
    await run();
  });

  after(async () => {
    deps?.mailer?.close();
    await t?.close();
    await mollie?.close();
    await smtp?.close();
    restoreTls?.();
  });

  async function ask(browser: Browser, lang: 'ru' | 'en' | 'nl', email: string, asked: number) {
    const form = await browser.get(`/${lang}/give/statement`);
    assert.equal(form.status, 200);
    assert.match(form.html, new RegExp(`<option value="${asked}"`));
    return browser.post(`/${lang}/give/statement`, { email, year: String(asked) });
  }

  test('a known address gets a PDF listing exactly that year’s gifts, net of refunds, and the total', async () => {
    assert.match((await new Browser(t).get('/nl/give')).html, /href="\/nl\/give\/statement"/, 'the Give page leads there');
    const page = await ask(new Browser(t), 'nl', A.toUpperCase(), year);
    assert.equal(page.status, 200);
    assert.match(page.html, /data-statement-asked/);
    assert.equal(await countRows(t.db, 'gift_statement_requests'), 1);
    const [job] = await t.db.query<{ payload: string }>("select payload::text as payload from jobs where kind = 'gift.statement'");
    assert.doesNotMatch(job!.payload.toLowerCase(), /donor|@/, 'the job names the request, never the address');
    await run();
    const [mail] = mailsTo(A);
    assert.ok(mail, 'the statement arrived');
    const message = await simpleParser(Buffer.from(mail.raw, 'latin1'));
    assert.equal(message.subject, `Uw giften aan Stichting Beside in ${year}`);
    assert.match(message.text ?? '', /2 giften, samen €\s75,00/);
    const [pdf] = message.attachments;
    assert.equal(pdf?.contentType, 'application/pdf');
    assert.equal(pdf?.filename, `giften-${year}.pdf`);
    const text = pdfText(pdf!.content);
    assert.match(text, new RegExp(`Overzicht van giften ${year}`));
    assert.match(text, /Kerkstraat 1, 1017 GA Amsterdam/);
    assert.match(text, /RSIN: 123456782/);
    assert.match(text, /giftenaftrek/);
    const amounts = text.split('\n').filter((line) => /^€\s[\d.]+,\d\d$/.test(line));
    assert.deepEqual(amounts.map((line) => line.replace(/\s/g, ' ')), ['€ 25,00', '€ 50,00', '€ 75,00'], 'this year’s transfer, the Mollie gift less its refund, the total; not last year’s, not the gift refunded in full, not B’s');
    assert.equal(await countRows(t.db, 'gift_statement_requests'), 0, 'the request with its address is gone');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'gift.statement_sent'"), 1);
  });

  test('last year in Russian: Cyrillic renders, only that year’s gift', async () => {
    const before = mailsTo(A).length;
    await ask(new Browser(t), 'ru', A.toLowerCase(), year - 1);
    await run();
    const mails = mailsTo(A);
    assert.equal(mails.length, before + 1);
    const message = await simpleParser(Buffer.from(mails.at(-1)!.raw, 'latin1'));
    assert.match(message.subject ?? '', /Ваши пожертвования Stichting Beside за \d{4} год/);
    const text = pdfText(message.attachments[0]!.content);
    assert.match(text, new RegExp(`Справка о пожертвованиях за ${year - 1} год`));
    assert.match(text, /Безопасное жильё/);
    assert.deepEqual(text.split('\n').filter((line) => /^[\d\s]+,\d\d\s€$/.test(line)).map((line) => line.replace(/\s/g, ' ')), ['25,00 €', '25,00 €']);
  });

  test('an unknown address, or one that gave nothing that year, reads the same page and gets no e-mail', async () => {
    const before = smtp.received.length;
    const sent = await countRows(t.db, 'audit_events', "kind = 'gift.statement_sent'");
    const known = await ask(new Browser(t), 'en', B, year - 1);
    const unknown = await ask(new Browser(t), 'en', `nobody.${Date.now()}@donors.test`, year);
    assert.equal(known.status, unknown.status);
    assert.equal(textOf(known.html), textOf(unknown.html));
    await run();
    assert.equal(smtp.received.length, before);
    assert.equal(await countRows(t.db, 'gift_statement_requests'), 0, 'nothing kept for them once looked at');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'gift.statement_sent'"), sent);
  });

  test('a malformed address or a year not offered is named, and nothing is kept', async () => {
    const browser = new Browser(t);
    const bad = await browser.post('/en/give/statement', { email: 'not-an-address', year: String(year) });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /Type the e-mail address you gave with/);
    const old = await browser.post('/en/give/statement', { email: A, year: String(year - 9) });
    assert.equal(old.status, 400);
    assert.match(old.html, /Choose one of the years offered/);
    assert.equal(await countRows(t.db, 'gift_statement_requests'), 0);
  });

  test('at most three statements a day reach one address, whoever asks; one client address is slowed down', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await ask(new Browser(t), 'en', A, year)).status, 200);
    await run();
    assert.equal(mailsTo(A).length, 3, 'two before, one more, then the address is left alone');

    const flood = new Browser(t);
    for (let i = 0; i < 10; i++) assert.equal((await flood.post('/en/give/statement', { email: `flood${i}@donors.test`, year: String(year) })).status, 200);
    const stopped = await flood.post('/en/give/statement', { email: 'flood-last@donors.test', year: String(year) });
    assert.equal(stopped.status, 429);
  });

  test('the RSIN is checked at start: nine digits that pass the eleven test', () => {
    assert.equal(loadConfig({ ORG_RSIN: '1234.56.782' }).orgRsin, '123456782');
    assert.equal(loadConfig({}).orgRsin, undefined);
    for (const wrong of ['123456789', '12345678', 'NL123456782']) assert.throws(() => loadConfig({ ORG_RSIN: wrong }), (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('ORG_RSIN')));
    assert.throws(() => loadConfig({ ORG_ADDRESS: 'x'.repeat(201) }), ConfigError);
  });

  describe('without SMTP', () => {
    let bare: TestApp;
    before(async () => {
      bare = await startTestApp(BANK);
    });
    after(() => bare?.close());

    test('the page says statements are not available, and a post keeps nothing', async () => {
      for (const lang of ['ru', 'en', 'nl'] as const) {
        const page = await new Browser(bare).get(`/${lang}/give/statement`);
        assert.equal(page.status, 200);
        assert.match(page.html, /data-statement-unavailable/);
        assert.doesNotMatch(page.html, /<form method="post" action="\/\w\w\/give\/statement"/);
      }
      assert.doesNotMatch((await new Browser(bare).get('/en/give')).html, /give\/statement/, 'the Give page offers no statement');
      const posted = await new Browser(bare).post('/en/give/statement', { email: 'x@donors.test', year: String(year) });
      assert.match(posted.html, /data-statement-unavailable/);
      assert.equal(await countRows(bare.db, 'gift_statement_requests'), 0);
    });
  });
});
