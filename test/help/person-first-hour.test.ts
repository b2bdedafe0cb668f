/**
 * The first hour of a person asking for help (issue 6): long Russian stories, a reload or a
 * double tap, codes typed with slips, times and what to do when in danger. Through HTTP, as a
 * person's browser sends it; run also with TEST_DATABASE_URL for the concurrent posts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { relativeTime, translator, formatDateTime } from '../../src/i18n/index.ts';
import { HELP_BODY_BYTES, TEXT_LIMITS } from '../../src/help/help-form.ts';
import {
  Browser,
  assertNotShows,
  assertShows,
  countRows,
  initialiseInstance,
  loggedIn,
  personPost,
  receiptOf,
  startTestApp,
  submitHelp,
  textOf,
  type TestApp,
} from '../support/app.ts';

describe('test/help/person-first-hour.test.ts', () => {
  const ru = translator('ru');
  const en = translator('en');
  let t: TestApp;
  let coordinator: Browser;

  before(async () => {
    t = await startTestApp();
    const { admin } = await initialiseInstance(t.db);
    coordinator = await loggedIn(t, admin);
  });

  after(() => t?.close());

  /** A Russian story of exactly n characters, lines ending in LF as a person counts them. */
  function russianStory(n: number): string {
    const line = 'Меня ищут родственники, я прячусь у знакомых в Грозном.\n';
    return [...line.repeat(Math.ceil(n / line.length))].slice(0, n - 1).join('') + '.';
  }

  /** As a browser sends a textarea: every line break as CR LF. */
  const sent = (text: string) => text.replace(/\n/g, '\r\n');

  /** What a reader sees of a page: its text without the markup. */
  const visible = (html: string) => textOf(html.replace(/<[^>]*>/g, ''));

  const storyOf = (html: string) => textOf(/<textarea[^>]*name="story"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '').replace(/\r\n/g, '\n');

  describe('long stories', () => {
    test('the form says how long a story may be', async () => {
      const page = await new Browser(t).get('/ru/help');
      assertShows(page, ru('help.limit', { max: TEXT_LIMITS.story }), 'the help form');
      assertShows(page, 'Максимум — 20\u00a0000 символов.', 'the help form, in Russian numbers');
    });

    test('a 13,000-character Russian story is received whole', async () => {
      const story = russianStory(13_000);
      assert.ok(new URLSearchParams({ story: sent(story) }).toString().length > 64 * 1024, 'the story is larger than the old body limit');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['evacuation'], story: sent(story) });
      const page = await coordinator.get(`/staff/requests/${requestId}`);
      assert.equal(page.status, 200, 'the coordinator opens the request');
      assertShows(page, story.slice(-200), 'the request page, to the end of the story');
    });

    test('the longest allowed form in the widest script (emoji in every field) is received', async () => {
      const emoji = (n: number) => '😀'.repeat(n);
      const fields = Object.fromEntries(Object.entries(TEXT_LIMITS).map(([name, max]) => [name, emoji(max)]));
      const body = new URLSearchParams({ needs: 'other', ...fields }).toString();
      assert.ok(body.length > 250_000 && body.length <= HELP_BODY_BYTES, `the form is ${body.length} bytes`);
      const page = await new Browser(t).post('/en/help', { needs: ['other'], ...fields });
      assert.equal(page.status, 200, 'received');
      assert.ok(receiptOf(page.html), 'with a receipt');
    });

    test('a story over the limit comes back whole, with how long it is and may be; nothing is stored', async () => {
      const before = await countRows(t.db, 'help_requests');
      const story = russianStory(20_512);
      const page = await new Browser(t).post('/ru/help', { needs: ['legal'], danger: 'yes', story: sent(story) });
      assert.equal(page.status, 400, 'refused');
      const message = ru('help.error.tooLong', { count: 20_512, max: TEXT_LIMITS.story });
      assertShows(page, message, 'the refusal');
      assert.match(message, /20\u00a0512 символов.*20\u00a0000/, 'both numbers, written the Russian way');
      assert.equal(storyOf(page.html), story, 'every character of the story is in the form again');
      assert.match(page.html, /<input[^>]*name="danger"[^>]*value="yes"[^>]*checked/, 'and every choice');
      assert.equal(await countRows(t.db, 'help_requests'), before);
    });

    test('the status page keeps a message that is too long, and says so', async () => {
      const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'коротко' });
      const body = 'ж'.repeat(20_001);
      const page = await personPost(new Browser(t), 'ru', { action: 'write', receipt, body });
      assert.equal(page.status, 200);
      assertShows(page, ru('help.error.tooLong', { count: 20_001, max: 20_000 }), 'the status page');
      assert.ok(page.html.includes(body), 'the message is in the form again');
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 0, 'nothing was sent');
    });

    test('past the hourly limit from one address the form comes back with the story, never an empty error page', async () => {
      const person = new Browser(t);
      for (let n = 0; n < 10; n += 1) await submitHelp(person, 'ru', { needs: ['legal'], story: `обращение номер ${n}` });
      const before = await countRows(t.db, 'help_requests');
      const story = 'Это одиннадцатое обращение, его нельзя потерять.';
      const page = await person.post('/ru/help', { needs: ['legal'], danger: 'yes', story });
      assert.equal(page.status, 429, 'refused for now');
      assertShows(page, ru('help.error.keptTyped'), 'says the text is kept');
      assert.equal(storyOf(page.html), story, 'the story is in the form again');
      assert.match(page.html, /<input[^>]*name="danger"[^>]*value="yes"[^>]*checked/, 'and the choice');
      assert.equal(await countRows(t.db, 'help_requests'), before, 'nothing was stored');
    });

    test('other posts keep the small body limit', async () => {
      const page = await new Browser(t).post('/staff/login', { login: 'x', password: 'я'.repeat(20_000) });
      assert.equal(page.status, 413);
    });
  });

  describe('a reload or a double tap', () => {
    const fields = { needs: ['housing', 'legal'] as const, danger: 'yes' as const, country: 'GE', story: 'Я в Тбилиси, мне негде жить.' };

    test('posting the same form again shows the same code and makes no second request', async () => {
      const person = new Browser(t);
      const first = await submitHelp(person, 'ru', { ...fields, needs: [...fields.needs] });
      const before = await countRows(t.db, 'help_requests');
      const again = await person.post('/ru/help', { ...fields, needs: [...fields.needs] });
      assert.equal(again.status, 200);
      assert.equal(receiptOf(again.html), first.receipt, 'the same code');
      assertShows(again, ru('help.sent.repeated'), 'the second answer');
      assertNotShows(first.page, ru('help.sent.repeated'), 'the first answer');
      assert.equal(await countRows(t.db, 'help_requests'), before, 'no second request');
    });

    test('the same words from someone else are a request of their own', async () => {
      const one = await submitHelp(new Browser(t), 'ru', { needs: ['clothing'], story: 'Нужна куртка.' });
      const other = await submitHelp(new Browser(t), 'ru', { needs: ['clothing'], story: 'Нужна куртка.' });
      assert.notEqual(one.receipt, other.receipt);
    });

    test('a form of choices alone is never taken for a repeat, even from one address (a shared mobile address, one Tor circuit)', async () => {
      const shared = new Browser(t);
      const before = await countRows(t.db, 'help_requests');
      const one = await submitHelp(shared, 'ru', { needs: ['clothing'], danger: 'no' });
      const other = await submitHelp(shared, 'ru', { needs: ['clothing'], danger: 'no' });
      assert.notEqual(one.receipt, other.receipt, 'the second person is never shown the first one\'s code');
      assert.equal(await countRows(t.db, 'help_requests'), before + 2);
    });

    test('two identical posts at the same moment make one request and show one code', async () => {
      const person = new Browser(t);
      const before = await countRows(t.db, 'help_requests');
      const post = () => person.post('/en/help', { needs: ['psychological'], story: `at once ${person.address}` });
      const pages = await Promise.all([post(), post()]);
      assert.deepEqual(pages.map((page) => page.status), [200, 200]);
      const codes = pages.map((page) => receiptOf(page.html));
      assert.ok(codes[0], 'a code');
      assert.equal(codes[0], codes[1], 'both show the same code');
      assert.equal(await countRows(t.db, 'help_requests'), before + 1, 'one request');
      assert.equal(pages.filter((page) => textOf(page.html).includes(en('help.sent.repeated'))).length, 1, 'one of them says it was a repeat');
    });

    test('after the window the post is forgotten: its row is deleted, and the same form is a new request', async () => {
      const person = new Browser(t);
      const first = await submitHelp(person, 'nl', { needs: ['other'], story: 'later again' });
      await t.db.query(`update help_submissions set expires_at = now() - interval '1 second'`);
      const again = await submitHelp(person, 'nl', { needs: ['other'], story: 'later again' });
      assert.notEqual(again.receipt, first.receipt);
      assert.equal(await countRows(t.db, 'help_submissions', 'expires_at <= now()'), 0, 'expired posts are deleted');
    });

    test('after the person erases the request, the same form makes a new request with a working code', async () => {
      const person = new Browser(t);
      const fields = { needs: ['housing' as const], story: 'стёрто и снова' };
      const first = await submitHelp(person, 'ru', fields);
      const erased = await personPost(person, 'ru', { action: 'erase', receipt: first.receipt, confirm: 'yes' });
      assertShows(erased, ru('status.erased'), 'the erasure');
      const again = await submitHelp(person, 'ru', fields);
      assert.notEqual(again.receipt, first.receipt, 'not the code that no longer works');
      assertNotShows(again.page, ru('help.sent.repeated'), 'the new answer');
      assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt: again.receipt })).status, 200, 'the new code opens');
    });

    test('the remembered post keeps neither the content nor the code readable', async () => {
      const story = `canary story ${Date.now()}`;
      const { receipt } = await submitHelp(t, 'en', { needs: ['legal'], story });
      const rows = await t.db.query<{ fingerprint: Uint8Array; receipt_box: Uint8Array }>('select fingerprint, receipt_box from help_submissions');
      const dump = rows.map((row) => Buffer.concat([row.fingerprint, row.receipt_box]).toString('latin1')).join('');
      assert.ok(dump.length > 0, 'the scan reads the rows');
      for (const secret of [story, receipt, receipt.replace(/-/g, '')]) assert.ok(!dump.includes(secret), `the table does not hold ${secret}`);
      assert.ok(Buffer.concat(rows.map((row) => row.receipt_box)).toString('latin1').length > 0);
    });

    test('a reload after writing on the status page adds the message once', async () => {
      const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'перезагрузка' });
      const person = new Browser(t);
      const opened = await personPost(person, 'ru', { action: 'open', receipt });
      const token = /<input[^>]*name="token"[^>]*value="([^"]+)"/.exec(opened.html)?.[1];
      assert.ok(token, 'the write form carries a one-time token');
      const body = `Спасибо, жду ${Date.now()}`;
      const write = () => person.post('/ru/help/status', { action: 'write', receipt, body, token });
      const first = await write();
      const reloads = await Promise.all([write(), write()]);
      for (const page of [first, ...reloads]) {
        assert.equal(page.status, 200);
        assert.equal(textOf(page.html).split(body).length - 1, 1, 'the page shows the message once');
      }
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 1, 'one message is stored');
      const again = await personPost(person, 'ru', { action: 'open', receipt });
      assert.equal(textOf(again.html).split(body).length - 1, 1, 'and so does the conversation afterwards');
      const next = /<input[^>]*name="token"[^>]*value="([^"]+)"/.exec(first.html)?.[1];
      assert.ok(next && next !== token, 'the page after writing has a new token for the next message');
      const second = await person.post('/ru/help/status', { action: 'write', receipt, body: 'ещё одно', token: next });
      assertShows(second, 'ещё одно', 'a new message with the new token');
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 2, 'is a second message');
    });
  });

  describe('codes as people type them', () => {
    test('a code with the wrong number of digits says how many a code has', async () => {
      const page = await personPost(new Browser(t), 'ru', { action: 'open', receipt: '1234 5678 9012 3456 789' });
      assert.equal(page.status, 400);
      assertShows(page, ru('status.wrongLength', { count: 20, typed: 19 }), 'the answer');
      assertShows(page, 'В коде 20 цифр, а вы ввели 19 цифр.', 'the answer, in Russian');
    });

    test('full-width digits and any separator open the request', async () => {
      const { receipt } = await submitHelp(t, 'ru', { needs: ['legal'] });
      const fullWidth = receipt.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))).replace(/-/g, '／');
      const page = await personPost(new Browser(t), 'ru', { action: 'open', receipt: fullWidth });
      assert.equal(page.status, 200);
      assertShows(page, ru('status.state.new'), 'the status page');
    });

    test('the receipt is shown in groups that a line cannot break', async () => {
      const { page, receipt } = await submitHelp(t, 'en', { needs: ['legal'] });
      const groups = [...page.html.matchAll(/<span class="group">(\d{4})<\/span>/g)].map((match) => match[1]);
      assert.deepEqual(groups, receipt.split('-'));
      assert.match(page.html, /-<wbr\/?>/, 'a line may break after a dash');
    });
  });

  describe('times and what to do in danger', () => {
    test('the status page says how long ago, not a time in a zone the person is not in', async () => {
      const { receipt } = await submitHelp(t, 'ru', { needs: ['legal'] });
      const page = await personPost(new Browser(t), 'ru', { action: 'write', receipt, body: 'когда?' });
      const time = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(page.html);
      assert.ok(time, 'a <time> element');
      assert.ok(!Number.isNaN(Date.parse(time[1]!)), 'with a machine-readable time');
      assert.equal(time[2], relativeTime('ru', new Date(time[1]!), new Date(Date.parse(time[1]!) + 1000)), 'and a relative one');
      assert.equal(relativeTime('ru', new Date(Date.now() - 2 * 3600_000 - 5000)), '2 часа назад');
      assert.equal(relativeTime('en', new Date(Date.now() - 5 * 60_000 - 5000)), '5 minutes ago');
    });

    test('staff times name their zone', () => {
      assert.match(formatDateTime('nl', new Date('2026-01-15T12:00:00Z')), /13:00 CET/);
      assert.match(formatDateTime('nl', new Date('2026-07-15T12:00:00Z')), /14:00 CEST/);
    });

    test('without configured contacts, the receipt page gives the emergency number of the chosen country', async () => {
      const { page } = await submitHelp(t, 'ru', { needs: ['evacuation'], danger: 'yes', country: 'GE' });
      assertShows(page, ru('emergency.title'), 'the receipt page');
      assertShows(visible(page.html), 'Грузия: 112', 'the receipt page');
      assertShows(page, ru('emergency.police.warning'), 'the receipt page');
      assertShows(page, ru('emergency.here'), 'the receipt page');
      const armenia = await submitHelp(t, 'en', { needs: ['evacuation'], country: 'AM' });
      assertShows(visible(armenia.page.html), 'Armenia: 911', 'a country where 911 is the number');
    });

    test('the home page lists the numbers of the countries people write from', async () => {
      const page = await new Browser(t).get('/ru/');
      assertShows(page, ru('emergency.title'), 'the home page');
      const text = visible(page.html);
      for (const line of ['Россия: 112', 'Турция: 112', 'Нидерланды: 112', 'Армения: 911']) assertShows(text, line, 'the home page');
      assertShows(text, 'Беларусь: полиция 102, скорая помощь 103', 'the home page');
    });

    test('the promise that Escape leaves is only revealed by the script that keeps it', async () => {
      const page = await new Browser(t).get('/en/');
      assert.match(page.html, /<p(?=[^>]*\bdata-js-only\b)(?=[^>]*\bhidden\b)[^>]*>[^<]*Escape/, 'the text is hidden until the script shows it');
      assert.doesNotMatch(page.html.replace(/<p[^>]*\bdata-js-only\b[^>]*>[^<]*<\/p>/g, ''), /Escape/, 'and said nowhere else');
    });
  });
});
