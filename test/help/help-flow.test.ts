import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { HELP_BODY_BYTES } from '../../src/help/help-form.ts';
import {
  Browser,
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/help/help-flow.test.ts', () => {
  const ru = translator('ru');
  const en = translator('en');
  let t: TestApp;
  let coordinator: Browser;
  let caseworker: StaffUser;

  before(async () => {
    t = await startTestApp();
    const { admin } = await initialiseInstance(t.db);
    caseworker = await createStaff(t.db, { login: 'flowcw', roles: ['caseworker'] });
    coordinator = await loggedIn(t, admin);
  });

  after(() => t?.close());

  const spaced = (receipt: string) => receipt.replace(/-/g, ' ');
  const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

  describe('asking for help', () => {
    test('the bare address chooses the language from the browser', async () => {
      const browser = new Browser(t);
      const russian = await browser.get('/help', { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.8' });
      assert.equal(russian.status, 302);
      assert.equal(russian.location, '/ru/help');
      assert.match(russian.headers.get('vary') ?? '', /accept-language/i);
      assert.equal((await browser.get('/help', { 'Accept-Language': 'nl-BE,nl;q=0.9' })).location, '/nl/help');
      assert.equal((await browser.get('/help/status', { 'Accept-Language': 'en-GB' })).location, '/en/help/status');
      assert.equal((await browser.get('/help')).location, '/ru/help', 'no preference: Russian');
    });

    test('the form speaks Russian under a neutral title', async () => {
      const page = await new Browser(t).get('/ru/help');
      assert.equal(page.status, 200);
      assert.match(page.html, /<html lang="ru">/);
      assert.equal(titleOf(page.html), ru('web.neutralTitle'));
      assertShows(page, ru('help.needs'), 'the form');
      assertShows(page, ru('help.submit'), 'the form');
      assert.equal(titleOf((await new Browser(t).get('/en/help')).html), en('web.neutralTitle'));
    });

    test('without a kind of help: a translated error, what was typed is kept, nothing is stored', async () => {
      const before = await countRows(t.db, 'help_requests');
      const story = 'Меня ищут родственники. <Не знаю>, что делать & куда идти';
      const page = await new Browser(t).post('/ru/help', { danger: 'yes', story, city: 'Назрань', country: 'RU' });
      assert.equal(page.status, 400);
      assertShows(page, ru('help.error.needs'), 'the refused form');
      assertShows(page, ru('web.formErrors'), 'the refused form');
      const textarea = /<textarea[^>]*name="story"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.html)?.[1];
      assert.equal(textarea, story.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      assert.match(page.html, /<input[^>]*name="city"[^>]*value="Назрань"/);
      assert.match(page.html, /<input[^>]*name="danger"[^>]*value="yes"[^>]*checked/);
      assert.match(page.html, /<option value="RU" selected/);
      assert.equal(titleOf(page.html), ru('web.neutralTitle'));
      assert.equal(await countRows(t.db, 'help_requests'), before);
    });

    test('a valid request gives a receipt of 20 digits in five groups, shown once', async () => {
      const { receipt, requestId, page } = await submitHelp(t, 'ru', { needs: ['evacuation', 'psychological'], danger: 'yes', story: 'Мне нужно уехать сегодня' });
      assert.match(receipt, /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/);
      assert.equal(titleOf(page.html), ru('web.neutralTitle'));
      assertShows(page, ru('help.sent.keep'), 'the receipt page');
      assertShows(page, ru('help.sent.urgent'), 'the receipt page of an urgent request');
      const [row] = await t.db.query<{ status: string; urgent: boolean; needs: string[]; language: string }>(
        'select status, urgent, needs, language from help_requests where id = $1',
        [requestId],
      );
      assert.deepEqual(row, { status: 'new', urgent: true, needs: ['evacuation', 'psychological'], language: 'ru' });
    });

    test('a body larger than the longest allowed form is refused before it is read, and nothing is stored', async () => {
      const before = await countRows(t.db, 'help_requests');
      const page = await new Browser(t).post('/ru/help', { needs: 'other', story: 'я'.repeat(Math.ceil(HELP_BODY_BYTES / 6) + 100) });
      assert.equal(page.status, 413);
      assertShows(page, ru('web.error.payload_too_large'), 'the refusal');
      assert.equal(await countRows(t.db, 'help_requests'), before);
    });
  });

  describe('the coordinator\'s inbox', () => {
    test('urgent requests come first, then whoever has waited longest', async () => {
      const calm = await submitHelp(t, 'ru', { needs: ['clothing'], danger: 'no' });
      const later = await submitHelp(t, 'en', { needs: ['clothing'] });
      const urgent = await submitHelp(t, 'ru', { needs: ['clothing'], danger: 'yes' });
      const inbox = await coordinator.get('/staff?need=clothing');
      assert.equal(inbox.status, 200);
      const rows = [...inbox.html.matchAll(/<tr data-request="([0-9a-f-]{36})">([\s\S]*?)<\/tr>/g)].map(([, id, row]) => ({ id, urgent: /class="tag urgent"/.test(row!) }));
      const order = rows.map((row) => row.id);
      assert.ok(order.indexOf(urgent.requestId) < order.indexOf(calm.requestId), 'the urgent request is above the calm one');
      assert.ok(order.indexOf(calm.requestId) < order.indexOf(later.requestId), 'the older request is above the newer one');
      const firstCalm = rows.findIndex((row) => !row.urgent);
      assert.ok(firstCalm > 0 && rows.slice(firstCalm).every((row) => !row.urgent), 'every urgent row is above every other row');
    });
  });

  describe('coming back with the receipt', () => {
    test('the person reads the team\'s reply with the receipt typed with spaces', async () => {
      const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'Нужен юрист' });
      const reply = marker('reply');
      const sent = await coordinator.staffPost(`/staff/requests/${requestId}/reply`, { body: reply });
      assert.equal(sent.status, 303);
      const page = await personPost(new Browser(t), 'ru', { action: 'open', receipt: spaced(receipt) });
      assert.equal(page.status, 200);
      assertShows(page, reply, 'the status page');
      assertShows(page, ru('status.team'), 'the status page');
      assertShows(page, ru('status.state.triage'), 'the status page');
      assert.equal(titleOf(page.html), ru('web.neutralTitle'));
      assert.doesNotMatch(page.html, new RegExp(requestId), 'the request id is not shown to the person');
    });

    test('a wrong receipt gets the same answer as an unknown one', async () => {
      const { receipt } = await submitHelp(t, 'ru', { needs: ['legal'] });
      const wrong = receipt.slice(0, -1) + ((Number(receipt.at(-1)) + 1) % 10);
      const browser = new Browser(t);
      const answers = [];
      for (const typed of [wrong, '0000-0000-0000-0000-0000', '0000 0000 0000 0000 0001', '１２３４-５６７８-９０１２-３４５６-７８９０']) {
        const page = await personPost(browser, 'ru', { action: 'open', receipt: typed });
        assert.equal(page.status, 404, typed);
        assertShows(page, ru('status.notFound'), typed);
        answers.push(page.html.replace(/value="[^"]*"/g, ''));
      }
      assert.equal(new Set(answers).size, 1, 'every miss looks the same');
    });

    test('after 10 wrong receipts from one address, that address is refused', async () => {
      const guesser = new Browser(t);
      for (let guess = 1; guess <= 10; guess++) {
        const page = await personPost(guesser, 'ru', { action: 'open', receipt: `${String(guess).padStart(4, '0')}-0000-0000-0000-0000` });
        assert.equal(page.status, 404, `guess ${guess}`);
      }
      const refused = await personPost(guesser, 'ru', { action: 'open', receipt: '0011-0000-0000-0000-0000' });
      assert.equal(refused.status, 429);
      assertShows(refused, ru('web.error.rate_limited'), 'the refusal');
      // Someone else, from another address, is not affected.
      assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt: '0012-0000-0000-0000-0000' })).status, 404);
    });

    test('after 10 wrong receipts, the address cannot go on guessing: a right receipt is refused too until the window ends', async () => {
      // If a hit still opened after the limit, a guesser would simply go on: every miss answers
      // 429, a hit answers 200, and the limit of 10 misses would limit nothing.
      const { receipt } = await submitHelp(t, 'ru', { needs: ['legal'] });
      const guesser = new Browser(t);
      for (let guess = 1; guess <= 11; guess++) {
        await personPost(guesser, 'ru', { action: 'open', receipt: `${String(guess).padStart(4, '0')}-1111-1111-1111-1111` });
      }
      const hit = await personPost(guesser, 'ru', { action: 'open', receipt });
      assert.equal(hit.status, 429, 'a guess after the limit must not be checked');
      // The person, from their own address, still gets in.
      assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt })).status, 200);
    });

    test('the person writes more and the coordinator sees it', async () => {
      const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['housing'] });
      const person = new Browser(t);
      const words = marker('more');
      const page = await personPost(person, 'ru', { action: 'write', receipt, body: `  ${words}  ` });
      assert.equal(page.status, 200);
      assertShows(page, ru('status.sent'), 'the status page');
      assertShows(page, words, 'the status page');
      const empty = await personPost(person, 'ru', { action: 'write', receipt, body: '   ' });
      assertShows(empty, ru('status.empty'), 'an empty message');
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 1);
      const staffView = await coordinator.get(`/staff/requests/${requestId}`);
      assert.equal(staffView.status, 200);
      assertShows(staffView, words, 'the coordinator\'s request page');
      const [row] = await t.db.query<{ waiting_since: Date | null }>('select waiting_since from help_requests where id = $1', [requestId]);
      assert.ok(row?.waiting_since, 'the request waits for an answer');
    });

    test('hiding the conversation removes it from the person\'s side only', async () => {
      const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['housing'] });
      const person = new Browser(t);
      const mine = marker('mine');
      const theirs = marker('theirs');
      await personPost(person, 'ru', { action: 'write', receipt, body: mine });
      await coordinator.staffPost(`/staff/requests/${requestId}/reply`, { body: theirs });

      const unconfirmed = await personPost(person, 'ru', { action: 'hide', receipt });
      assertShows(unconfirmed, ru('status.confirmMissing'), 'hiding without confirming');
      assertShows(unconfirmed, mine, 'hiding without confirming');

      const hidden = await personPost(person, 'ru', { action: 'hide', receipt, confirm: 'yes' });
      assert.equal(hidden.status, 200);
      assertShows(hidden, ru('status.hidden'), 'the status page');
      assertShows(hidden, ru('status.none', { hours: t.config.replyWithinHours }), 'the status page');
      assertNotShows(hidden, mine, 'the status page after hiding');
      assertNotShows(hidden, theirs, 'the status page after hiding');
      const staffView = await coordinator.get(`/staff/requests/${requestId}`);
      assertShows(staffView, mine, 'the coordinator\'s page');
      assertShows(staffView, theirs, 'the coordinator\'s page');
    });

    test('erasing a request that is not a case removes it, its metadata and its receipt', async () => {
      const story = marker('erase-story');
      const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['clothing'], story, danger: 'yes', country: 'RU' });
      const person = new Browser(t);
      await personPost(person, 'ru', { action: 'write', receipt, body: 'before erasing' });
      const [{ vault_id: vaultId } = { vault_id: '' }] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [requestId]);

      const unconfirmed = await personPost(person, 'ru', { action: 'erase', receipt });
      assertShows(unconfirmed, ru('status.confirmMissing'), 'erasing without confirming');
      assert.equal(await countRows(t.db, 'help_requests', 'id = $1 and content is not null', [requestId]), 1, 'nothing erased yet');

      const erased = await personPost(person, 'ru', { action: 'erase', receipt, confirm: 'yes' });
      assert.equal(erased.status, 200);
      assertShows(erased, ru('status.erased'), 'the answer');
      assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt })).status, 404, 'the receipt no longer works');
      assert.equal(await countRows(t.db, 'erasures', "id = $1 and subject = 'request' and cause = 'person'", [requestId]), 1, 'a tombstone, so an older backup restored erases it again');
      // Only the fact that a request existed, and its dates, remain (for the counts).
      const [row] = await t.db.query<{ content: Uint8Array | null; status: string; urgent: boolean | null; needs: string[] | null; country: string | null; language: string | null; created_at: Date | null }>(
        'select content, status, urgent, needs, country, language, created_at from help_requests where id = $1',
        [requestId],
      );
      assert.deepEqual(
        { ...row, created_at: row?.created_at instanceof Date },
        { content: null, status: 'erased', urgent: null, needs: null, country: null, language: null, created_at: true },
        'the metadata is cleared too',
      );
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 0);
      assert.equal(await countRows(t.db, 'vault_keys', 'vault_id = $1', [vaultId]), 0, 'no key to the vault is left');
      assert.equal(await countRows(t.db, 'vaults', 'id = $1 and shredded_at is not null', [vaultId]), 1, 'the vault is shredded');
      const inbox = await coordinator.get('/staff');
      assert.equal(inbox.status, 200, 'the inbox renders with an erased request in the table');
      assert.ok(!inbox.html.includes(requestId), 'the erased request is not in the queue');
      assert.equal((await coordinator.get(`/staff/requests/${requestId}`)).status, 404, 'the team cannot open it either');
    });

    test('erasing a request that became a case flags it for the team and deletes nothing', async () => {
      const story = marker('case-story');
      const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story });
      const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
      assert.equal(made.status, 303);
      const casePath = made.location!.split('?')[0]!;

      const person = new Browser(t);
      const flagged = await personPost(person, 'ru', { action: 'erase', receipt, confirm: 'yes' });
      assert.equal(flagged.status, 200);
      assertShows(flagged, ru('status.eraseRequested'), 'the answer');
      assert.equal(await countRows(t.db, 'help_requests', 'id = $1 and erasure_requested_at is not null', [requestId]), 1);
      assert.equal(await countRows(t.db, 'cases', 'id = (select case_id from help_requests where id = $1)', [requestId]), 1, 'the case is kept');
      assert.equal(await countRows(t.db, 'help_requests', "id = $1 and status <> 'erased' and needs is not null", [requestId]), 1, 'the request is not erased');
      const again = await personPost(person, 'ru', { action: 'open', receipt });
      assert.equal(again.status, 200, 'the receipt still works');
      assertShows(again, ru('status.eraseRequested'), 'the status page');
      const casePage = await coordinator.get(casePath);
      assert.equal(casePage.status, 200);
      assertShows(casePage, en('cases.erasure'), 'the case page');
      assertShows(casePage, story, 'the case page');
    });
  });
});
