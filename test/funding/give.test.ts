import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { isValidRfReference } from '../../src/funding/rf-reference.ts';
import { epcPayload } from '../../src/funding/epc-qr.ts';
import { recentGiftMessages } from '../../src/funding/gift-messages.ts';
import { addDays, todayIn } from '../../src/i18n/days.ts';
import { LANGUAGES } from '../../src/i18n/lang.ts';
import {
  Browser,
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  textOf,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';
import { BANK, BANK_IBAN, give, pledgeOf } from './give-support.ts';

describe('test/funding/give.test.ts', () => {
  /**
   * The Give page as donors use it: a pledge by bank transfer in every language, what is kept of
   * the donor (and what is not), a repeated post, the checks of the form, and the gift code.
   */
  let t: TestApp;
  let instance: Instance;
  let treasurer: StaffUser;
  let editor: StaffUser;

  before(async () => {
    t = await startTestApp(BANK);
    instance = await initialiseInstance(t.db);
    treasurer = await createStaff(t.db, { login: 'give-treasurer', roles: ['treasurer'] });
    editor = await createStaff(t.db, { login: 'give-editor', roles: ['editor'] });
  });

  after(() => t?.close());

  const giftRow = async (rf: string) =>
    (
      await t.db.query<{ id: string; amount_cents: bigint; purpose: string; state: string; donor_vault_id: string | null; donor: Uint8Array | null; pledged_on: string; expires_on: string }>(
        'select id, amount_cents, purpose, state, donor_vault_id, donor, pledged_on, expires_on from gifts where rf_reference = $1',
        [rf],
      )
    )[0];

  describe('configuration', () => {
    test('a wrong IBAN, a name without an account or bounds that leave no room stop the start', () => {
      const problems = (env: Record<string, string>) => {
        try {
          loadConfig(env);
          return [];
        } catch (error) {
          assert.ok(error instanceof ConfigError, 'a ConfigError');
          return error.problems;
        }
      };
      assert.match(problems({ BANK_IBAN: 'NL91ABNA0417164301', BANK_ACCOUNT_NAME: 'X' }).join(), /BANK_IBAN/, 'a check digit off');
      assert.match(problems({ BANK_IBAN: BANK.BANK_IBAN }).join(), /BANK_ACCOUNT_NAME/, 'an account without its holder');
      assert.match(problems({ BANK_ACCOUNT_NAME: 'X' }).join(), /BANK_IBAN/, 'a holder without an account');
      assert.match(problems({ GIFT_MIN_EUROS: '50', GIFT_MAX_EUROS: '50' }).join(), /GIFT_MAX_EUROS/, 'no room between the bounds');
      assert.match(problems({ ...BANK, BANK_BIC: 'NOT A BIC' }).join(), /BANK_BIC/, 'a malformed BIC');
      const giving = loadConfig({ ...BANK, PLEDGE_DAYS: '7' }).giving;
      assert.deepEqual(giving.bank, { iban: BANK_IBAN, name: 'Stichting Beside', bic: 'ABNANL2A' }, 'the account, compact');
      assert.equal(giving.pledgeDays, 7);
      assert.equal(giving.minCents, 500n, 'five euros by default, in cents as bigint');
      assert.equal(giving.maxCents, 1_000_000n);
      assert.equal(loadConfig({}).giving.bank, undefined, 'no bank: giving is not open');
    });

    test('with no bank account the Give page says honestly that giving is not open yet, in every language', async () => {
      const closed = await startTestApp();
      try {
        for (const lang of LANGUAGES) {
          const page = await new Browser(closed).get(`/${lang}/give`);
          assert.equal(page.status, 200, `${lang}: a page, not an error`);
          assert.match(page.html, /<h1>[^<]+<\/h1>/, `${lang}: a heading`);
          assert.doesNotMatch(page.html, /<form method="post" action="\/\w\w\/give"/, `${lang}: no form to fill in`);
        }
        assertShows(await new Browser(closed).get('/en/give'), 'Giving is not open yet');
        assertShows(await new Browser(closed).get('/nl/give'), 'Geven is nog niet mogelijk');
        assertShows(await new Browser(closed).get('/ru/give'), 'Пожертвования пока не принимаются');
        const posted = await new Browser(closed).post('/en/give', { key: 'k'.repeat(43), preset: '2500', purpose: 'general', display: 'anonymous' });
        assertShows(posted, 'Giving is not open yet', 'a post to a closed Give page');
        assert.equal(await countRows(closed.db, 'gifts'), 0, 'nothing pledged');
      } finally {
        await closed.close();
      }
    });
  });

  describe('a pledge by bank transfer', () => {
    const LABELS = {
      en: { iban: 'IBAN', reference: 'Payment reference', code: 'Your gift code', qr: 'QR code for your banking app' },
      ru: { iban: 'IBAN', reference: 'Код платежа', code: 'Ваш код пожертвования', qr: 'QR-код для банковского приложения' },
      nl: { iban: 'IBAN', reference: 'Betalingskenmerk', code: 'Uw giftcode', qr: 'QR-code voor uw bankapp' },
    } as const;

    for (const lang of LANGUAGES) {
      test(`in ${lang}: the account, amount, RF reference, last day, QR code and gift code`, async () => {
        const { page } = await give(t, lang, { preset: '2500', purpose: 'shelter', display: 'anonymous' });
        assert.equal(page.status, 200, textOf(page.html).slice(0, 300));
        const shown = pledgeOf(page.html);
        const labels = LABELS[lang];
        for (const label of Object.values(labels).slice(0, 3)) assertShows(page, label, `${lang} pledge page`);
        const words = textOf(page.html.replace(/<[^>]*>/g, ''));
        assert.ok(words.includes('NL91 ABNA 0417 1643 00'), 'the IBAN in groups');
        assertShows(page, 'Stichting Beside', 'the account holder');
        assert.ok(isValidRfReference(shown.rf), `a valid RF reference: ${shown.rf}`);
        assert.match(words, /RF\d\d \d{4} \d{4} \d{4} \d{4} \d{4}/, 'the reference in groups of four');
        assert.equal((page.html.match(/<span class="phone">\d{4}<\/span>/g) ?? []).length >= 5, true, 'each group kept whole on a narrow screen');
        assert.match(shown.amount, /25/, 'the amount');
        assert.equal(shown.expires, addDays(todayIn(), 14), 'open for PLEDGE_DAYS (14 by default)');
        assert.match(shown.code, /^[0-9A-HJKMNP-TV-Z]{28}$/, 'a 28-character gift code');
        // The QR code: inline SVG from our server, named for screen readers, with a text next to it.
        assert.match(page.html, new RegExp(`<svg role="img" aria-label="${labels.qr}"`), 'the QR code is an image with a name');
        assert.match(page.html, /<figcaption/, 'and a text alternative');
        assert.doesNotMatch(page.html, /<(img|script|link)[^>]+(src|href)="https?:/, 'nothing from another origin');
        const row = await giftRow(shown.rf);
        assert.ok(row, 'the pledge is stored');
        assert.equal(row.amount_cents, 2500n, 'in cents, as bigint');
        assert.equal(row.purpose, 'shelter');
        assert.equal(row.state, 'pledged');
        assert.equal(row.pledged_on, todayIn(), 'a day, not a time');
      });
    }

    test('the QR code carries the EPC payload of this pledge', async () => {
      const { page } = await give(t, 'nl', { amount: '12,50', purpose: 'legal', display: 'anonymous' });
      const shown = pledgeOf(page.html);
      // The payload is what epcPayload makes for the account, amount and reference shown.
      const payload = epcPayload({ name: 'Stichting Beside', iban: BANK_IBAN, bic: 'ABNANL2A', amountCents: 1250n, reference: shown.rf });
      assert.equal(payload.split('\n')[7], 'EUR12.50');
      assert.equal(payload.split('\n')[9], shown.rf);
      assert.equal((await giftRow(shown.rf))?.amount_cents, 1250n, 'a typed amount with a decimal comma');
    });

    test('who gave is sealed to the treasurers and the recovery key; the row keeps no name or e-mail', async () => {
      const name = marker('donor-name');
      const email = `${marker('donor').toLowerCase()}@example.org`;
      const { page } = await give(t, 'en', { preset: '5000', purpose: 'psych', display: 'public', name, email, receipt: 'yes' });
      const shown = pledgeOf(page.html);
      const row = (await giftRow(shown.rf))!;
      assert.ok(row.donor_vault_id && row.donor, 'a donor vault and its sealed field');
      assert.ok(!Buffer.from(row.donor).includes(Buffer.from(name)), 'the name is not in the row as plain text');
      const holders = await t.db.query<{ principal_kind: string; principal_ref: string }>('select principal_kind, principal_ref from vault_keys where vault_id = $1 order by principal_kind, principal_ref', [
        row.donor_vault_id,
      ]);
      assert.deepEqual(holders.map((h) => `${h.principal_kind}:${h.principal_ref}`).sort(), ['recovery:organisation', `user:${treasurer.id}`].sort(), 'the treasurer and the recovery key, nobody else');
      assert.equal(await countRows(t.db, 'vaults', "id = $1 and kind = 'donor'", [row.donor_vault_id]), 1, "a vault of kind 'donor'");

      // The treasurer reads the donor on the gift's page (audited); the list shows no name.
      const books = await loggedIn(t, treasurer);
      const list = await books.get('/staff/funding');
      assert.equal(list.status, 200);
      assertNotShows(list, name, 'the list of pledges');
      const before = await countRows(t.db, 'audit_events', "kind = 'vault.decrypted' and subject_id = $1", [row.donor_vault_id]);
      const gift = await books.get(`/staff/funding/gifts/${row.id}`);
      assert.equal(gift.status, 200);
      assertShows(gift, name, 'the gift page');
      assertShows(gift, email, 'the gift page');
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.decrypted' and subject_id = $1", [row.donor_vault_id]), before + 1, 'the decryption is audited');
      // A colleague in another role cannot reach it: the route does not exist for them.
      const coordinator = await loggedIn(t, instance.admin);
      assert.equal((await coordinator.get(`/staff/funding/gifts/${row.id}`)).status, 404);
    });

    test('fully anonymous keeps only the amount: no vault, no e-mail, no message', async () => {
      const vaults = await countRows(t.db, 'vaults');
      const { page } = await give(t, 'ru', { preset: '1000', purpose: 'clothing', display: 'private' });
      const shown = pledgeOf(page.html);
      const row = (await giftRow(shown.rf))!;
      assert.equal(row.donor_vault_id, null, 'no donor vault');
      assert.equal(row.donor, null, 'nothing sealed');
      assert.equal(await countRows(t.db, 'vaults'), vaults, 'no vault at all was made');
      assert.equal(await countRows(t.db, 'gift_messages', 'gift_id = $1', [row.id]), 0, 'no message');
      // ...and the form said so, before and now: no receipt is possible.
      const refused = await give(t, 'en', { preset: '1000', display: 'private', email: 'someone@example.org', receipt: 'yes', message: 'hello' });
      assert.equal(refused.page.status, 400);
      assertShows(refused.page, 'A fully anonymous gift cannot have a receipt');
      assertShows(refused.page, 'A fully anonymous gift keeps no e-mail address');
      assertShows(refused.page, 'A fully anonymous gift keeps no message');
      const form = await new Browser(t).get('/en/give');
      assertShows(form, 'No receipt is possible then.', 'the Give page says it before');
    });

    test('a reload or a double tap of the same form makes one pledge, shown again with the same code', async () => {
      const fields = { preset: '5000', purpose: 'legal', display: 'anonymous' };
      const first = await give(t, 'nl', fields);
      const shown = pledgeOf(first.page.html);
      const count = await countRows(t.db, 'gifts');
      // A reload posts the same form again; a double tap posts it twice at once.
      const again = () => first.browser.post('/nl/give', { key: first.key, ...fields });
      const [a, b] = await Promise.all([again(), again()]);
      const c = await again();
      assert.equal(await countRows(t.db, 'gifts'), count, 'no second pledge');
      for (const page of [a, b, c]) {
        const repeated = pledgeOf(page.html);
        assert.deepEqual([repeated.rf, repeated.code], [shown.rf, shown.code], 'the same reference and code');
        assertShows(page, 'U had dit formulier al verstuurd', 'the repeat says so');
      }
      assertNotShows(first.page, 'U had dit formulier al verstuurd', 'the first answer');
      // The same page changed (another amount chosen after Back) is a new pledge.
      const changed = await first.browser.post('/nl/give', { key: first.key, ...fields, preset: '2500' });
      assert.notEqual(pledgeOf(changed.html).rf, shown.rf);
      assert.equal(await countRows(t.db, 'gifts'), count + 1);
    });

    test('two posts of a new form at the same moment make one pledge', async () => {
      const browser = new Browser(t);
      const key = (await browser.get('/en/give')).html.match(/name="key" value="([^"]+)"/)![1]!;
      const fields = { key, preset: '10000', purpose: 'general', display: 'anonymous' };
      const count = await countRows(t.db, 'gifts');
      const pages = await Promise.all([browser.post('/en/give', fields), browser.post('/en/give', fields)]);
      assert.equal(await countRows(t.db, 'gifts'), count + 1);
      assert.equal(new Set(pages.map((page) => pledgeOf(page.html).code)).size, 1, 'both show the one code');
    });
  });

  describe('the form refuses what it cannot take, and says so next to the field', () => {
    const cases: { what: string; fields: Record<string, string>; field: string; says: string }[] = [
      { what: 'below the minimum', fields: { amount: '4,99' }, field: 'amount', says: 'The smallest gift we can take here is €5.00' },
      { what: 'above the maximum', fields: { amount: '10000,01' }, field: 'amount', says: 'The largest gift here is €10,000.00' },
      { what: 'a junk amount', fields: { amount: '12abc' }, field: 'amount', says: 'Type the amount in euros' },
      { what: 'a negative amount', fields: { amount: '-25' }, field: 'amount', says: 'Type the amount in euros' },
      { what: 'a preset that is not offered', fields: { preset: '1' }, field: 'amount', says: 'Type the amount in euros' },
      { what: 'no amount at all', fields: { preset: '' }, field: 'amount', says: 'Choose an amount, or type one.' },
      { what: 'a purpose that does not exist', fields: { preset: '2500', purpose: 'weapons' }, field: 'purpose', says: 'Choose what your gift is for.' },
      { what: 'a public name left empty', fields: { preset: '2500', display: 'public' }, field: 'name', says: 'Write the name to show' },
      { what: 'a receipt without an e-mail address', fields: { preset: '2500', receipt: 'yes' }, field: 'email', says: 'A receipt needs your e-mail address.' },
      { what: 'an e-mail address that is not one', fields: { preset: '2500', email: 'not-an-address' }, field: 'email', says: 'This does not look like an e-mail address.' },
      { what: 'a message too long', fields: { preset: '2500', message: 'я'.repeat(501) }, field: 'message', says: 'at most 500 characters' },
    ];
    for (const { what, fields, field, says } of cases) {
      test(what, async () => {
        const before = await countRows(t.db, 'gifts');
        const { page } = await give(t, 'en', fields);
        assert.equal(page.status, 400, `${what}: ${textOf(page.html).slice(0, 200)}`);
        assertShows(page, says, what);
        assert.match(page.html, /<div class="notice" role="alert">/, 'an error summary');
        assert.match(page.html, new RegExp(`<p class="error" id="${field}-error">`), `the message sits next to ${field}`);
        if (field !== 'purpose') assert.match(page.html, new RegExp(`aria-describedby="[^"]*${field}-error`), `${field} names its message`);
        assert.equal(await countRows(t.db, 'gifts'), before, 'nothing pledged');
        // What was typed comes back.
        if (fields.amount) assert.match(page.html, new RegExp(`<input id="amount"[^>]*value="${fields.amount}"`), 'the typed amount is kept');
      });
    }

    test('a 500-character message in any script is taken (characters, not bytes)', async () => {
      const { page } = await give(t, 'ru', { preset: '2500', message: '😀'.repeat(250) + 'я'.repeat(250) });
      assert.equal(page.status, 200, textOf(page.html).slice(0, 200));
    });

    test('a post from another site is refused', async () => {
      const browser = new Browser(t);
      const page = await browser.post('/en/give', { key: 'x'.repeat(43), preset: '2500', purpose: 'general', display: 'anonymous' }, { 'Sec-Fetch-Site': 'cross-site' });
      assert.equal(page.status, 403);
    });
  });

  describe('the gift code', () => {
    test('shows that gift (amount, purpose, state, days), never a name; a wrong code gets the answer an unknown one gets', async () => {
      const name = marker('code-donor');
      const { page } = await give(t, 'en', { preset: '10000', purpose: 'evacuation', display: 'public', name });
      const { code } = pledgeOf(page.html);
      const visitor = new Browser(t);
      const form = await visitor.get('/en/give/gift');
      assert.equal(form.status, 200);
      const spaced = code.toLowerCase().replace(/(.{4})/g, '$1 ');
      const shown = await visitor.post('/en/give/gift', { code: spaced });
      assert.equal(shown.status, 200);
      assert.match(shown.html, /data-gift-state="pledged"/);
      assertShows(shown, 'Emergency evacuation');
      assertShows(shown, '€100.00');
      assertShows(shown, 'Waiting for your transfer.');
      assertNotShows(shown, name, 'the gift code page');
      // Wrong, malformed and empty codes: one answer, the same words and status.
      const wrongCode = (code[0] === '0' ? '1' : '0') + code.slice(1);
      const answers = await Promise.all([wrongCode, 'ABC', '', '0'.repeat(28)].map((typed) => new Browser(t).post('/en/give/gift', { code: typed })));
      for (const answer of answers) {
        assert.equal(answer.status, 404);
        assertShows(answer, 'No gift has this code.');
        assertNotShows(answer, 'Emergency evacuation');
      }
    });

    test('wrong codes are limited per address', async () => {
      const guesser = new Browser(t);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await guesser.post('/en/give/gift', { code: `${i}`.padStart(28, '7') })).status);
      assert.deepEqual(statuses.slice(0, 10), Array(10).fill(404));
      assert.equal(statuses.at(-1), 429, 'then refused');
    });
  });

  describe('public messages wait for an editor', () => {
    test('sealed to the editors; approved it is published with the name shown, rejected it is destroyed', async () => {
      const shownName = marker('shown-name');
      const words = marker('public-words');
      const earlier = (await t.db.query<{ id: string }>('select id from gift_messages')).map((row) => row.id);
      await give(t, 'en', { preset: '2500', display: 'public', name: shownName, message: words });
      const hidden = marker('rejected-words');
      await give(t, 'nl', { preset: '2500', display: 'anonymous', name: marker('private-name'), message: hidden });
      const rows = await t.db.query<{ id: string; vault_id: string; content: Uint8Array }>("select id, vault_id, content from gift_messages where state = 'waiting' and not (id = any($1::uuid[]))", [earlier]);
      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.ok(!Buffer.from(row.content).includes(Buffer.from(words)), 'sealed');
        const holders = await t.db.query<{ k: string }>("select principal_kind || ':' || principal_ref as k from vault_keys where vault_id = $1", [row.vault_id]);
        assert.deepEqual(holders.map((h) => h.k).sort(), ['recovery:organisation', `user:${editor.id}`].sort(), 'the editor and the recovery key');
        assert.equal(await countRows(t.db, 'vaults', "id = $1 and kind = 'gift_message'", [row.vault_id]), 1, 'a gift_message vault');
      }
      assert.deepEqual(await recentGiftMessages(t.db, 5), [], 'nothing public before an editor decides');

      const desk = await loggedIn(t, editor);
      const queue = await desk.get('/staff/gift-messages');
      assert.equal(queue.status, 200);
      assertShows(queue, words);
      assertShows(queue, shownName);
      assertShows(queue, hidden);
      const ids = [...queue.html.matchAll(/data-message="([0-9a-f-]{36})"/g)].map((m) => m[1]!).filter((id) => !earlier.includes(id));
      assert.equal(ids.length, 2);
      // Which one is which: each card shows its own words.
      const cardOf = (words: string) => ids.find((id) => {
        const start = queue.html.indexOf(`data-message="${id}"`);
        const end = queue.html.indexOf('</article>', start);
        return textOf(queue.html.slice(start, end)).includes(words);
      })!;
      const publicMessage = cardOf(words);
      const rejectedMessage = cardOf(hidden);
      assert.ok(publicMessage && rejectedMessage && publicMessage !== rejectedMessage);
      assert.equal((await desk.staffPost(`/staff/gift-messages/${publicMessage}/decide`, { decision: 'approve' })).status, 303);
      assert.equal((await desk.staffPost(`/staff/gift-messages/${rejectedMessage}/decide`, { decision: 'reject' })).status, 303);
      const published = await recentGiftMessages(t.db, 5);
      assert.deepEqual(published.map((p) => [p.name, p.message]), [[shownName, words]], 'the approved message, with the name shown');
      assert.equal(published[0]!.publishedOn, todayIn(), 'a day, no time');
      const decided = rows.map((row) => row.id);
      assert.equal(await countRows(t.db, 'gift_messages', 'id = any($1::uuid[]) and content is null', [decided]), 2, 'both sealed copies destroyed');
      assert.equal(await countRows(t.db, 'vaults', 'id = any($1::uuid[]) and shredded_at is not null', [rows.map((row) => row.vault_id)]), 2, 'their vaults shredded');
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'gift.message_decided'"), 2, 'each decision audited');
      // Decided once: a second decision finds nothing, as for a message that does not exist.
      assert.equal((await desk.staffPost(`/staff/gift-messages/${publicMessage}/decide`, { decision: 'reject' })).status, 404);
      // Nobody else reaches the queue.
      assert.equal((await (await loggedIn(t, treasurer)).get('/staff/gift-messages')).status, 404);
    });
  });
});
