/**
 * The campaign home (issue 8): the way to ask for help first, then the campaign, with totals read
 * from the ledger's kept balances. The page is kept like the other public pages while the ledger
 * and the campaign's content stay as they were, and changes on the next request when either does
 * (or the day does). Through HTTP, as visitors and editors send it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { addDays, todayIn } from '../../src/i18n/days.ts';
import { postTransaction } from '../../src/funding/ledger.ts';
import { formatEuros } from '../../src/funding/money.ts';
import { translator, type Lang } from '../../src/i18n/index.ts';
import { Browser, assertNotShows, assertShows, createStaff, initialiseInstance, loggedIn, marker, startTestApp, textOf, type TestApp } from '../support/app.ts';
import { gift } from './ledger-support.ts';

describe('test/funding/campaign-home.test.ts', () => {
  let t: TestApp;
  let editor: Browser;
  const visitor = () => new Browser(t);
  const home = async (lang: Lang, headers: Record<string, string> = {}) => (await visitor().get(`/${lang}/`, headers)).html;
  /** What a reader sees: the text without markup, spaces as one. */
  const visible = (html: string) => textOf(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

  const campaign = (fields: Record<string, string>) =>
    editor.staffPost('/staff/campaign', { goal: '10000', starts_on: todayIn(), ends_on: addDays(todayIn(), 30), story_ru: '', story_en: '', story_nl: '', ...fields });

  before(async () => {
    t = await startTestApp();
    await initialiseInstance(t.db);
    editor = await loggedIn(t, await createStaff(t.db, { login: 'campaign-home-editor', roles: ['editor'] }));
  });

  after(() => t?.close());

  test('before anything is set, the home page shows the way to ask for help, the campaign in short and the Give link', async () => {
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const html = await home(lang);
      assertShows(html, translator(lang)('home.askButton'), `/${lang}/`);
      assertShows(html, translator(lang)('campaign.intro'), `/${lang}/`);
      assert.match(html, new RegExp(`<a class="button" href="/${lang}/give">`), `/${lang}/ links to the Give page`);
    }
  });

  test('the way to ask for help stays the first thing on the page, as prominent as before', async () => {
    await campaign({ story_ru: 'Длинный рассказ о кампании.\n\nВторой абзац.', story_en: 'A campaign story.', story_nl: 'Een campagneverhaal.' });
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const html = await home(lang);
      const main = html.slice(html.indexOf('<main'));
      const firstLink = /<a [^>]*href="([^"]+)"/.exec(main)?.[1];
      assert.equal(firstLink, `/${lang}/help`, `/${lang}/: the first link of the page's content asks for help`);
      assert.match(main, new RegExp(`<a class="button" href="/${lang}/help">`), `/${lang}/: the help link is a button, as before`);
      const headings = [...main.matchAll(/<h([12])[^>]*>([^<]*)</g)].map(([, level, text]) => `h${level} ${textOf(text ?? '')}`);
      const t = translator(lang);
      assert.deepEqual(headings.slice(0, 2), [`h1 ${t('home.title')}`, `h2 ${t('home.askTitle')}`], `/${lang}/: the page opens with asking for help`);
      const at = (text: string) => visible(main).indexOf(text);
      assert.ok(at(t('home.askButton')) < at(t('emergency.title')), `/${lang}/: asking for help comes before what to do in danger`);
      assert.ok(at(t('emergency.title')) < at(t('campaign.title')), `/${lang}/: what to do in danger comes before the campaign`);
      assert.ok(at(t('home.exitTitle')) < at(t('campaign.title')), `/${lang}/: the quick exit is explained before the campaign`);
      assert.ok(main.indexOf(`/${lang}/help"`) < main.indexOf(`/${lang}/give"`), `/${lang}/: the help link comes before the Give link`);
    }
  });

  test('the story in each language, in paragraphs, with the goal, the progress bar and its figures as text', async () => {
    const story = { ru: marker('story-ru'), en: marker('story-en'), nl: marker('story-nl') };
    assert.equal((await campaign({ goal: '20000', story_ru: `${story.ru}\r\n\r\nВторой абзац`, story_en: story.en, story_nl: story.nl })).status, 303);
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const html = await home(lang);
      assertShows(html, story[lang], `/${lang}/`);
      for (const other of ['ru', 'en', 'nl'] as const) if (other !== lang) assertNotShows(html, story[other], `/${lang}/ shows no other language's story`);
      assertShows(html, formatEuros(2_000_000n, lang), `/${lang}/ shows the goal`);
      assert.match(html, /<progress id="campaign-progress" max="100" value="\d+">/, `/${lang}/: a progress element`);
      assert.match(html, /<label for="campaign-progress">/, `/${lang}/: the progress bar is labelled`);
    }
    assert.match(await home('ru'), new RegExp(`<p>${story.ru}</p><p>Второй абзац</p>`), 'a blank line starts a new paragraph');
  });

  test('a gift posted to the ledger changes the page on the next request: raised, progress and the number of gifts', async () => {
    await campaign({ goal: '1000' });
    const before = await home('en');
    assert.match(before, /data-raised="(\d+)"/, 'the raised figure is on the page');
    const raisedBefore = BigInt(/data-raised="(\d+)"/.exec(before)![1]!);
    const giftsBefore = Number(/(\d+) gifts?\b/.exec(visible(before))?.[1]);
    await postTransaction(t.db, gift('shelter', 25_000n, `camt:${marker('gift')}`));
    const after = await home('en');
    const raisedAfter = BigInt(/data-raised="(\d+)"/.exec(after)![1]!);
    assert.equal(raisedAfter - raisedBefore, 25_000n, 'raised by exactly the gift');
    assertShows(after, formatEuros(raisedAfter, 'en'), 'the raised amount is written out');
    assert.ok(visible(after).includes(`${giftsBefore + 1} gift`), 'one more gift');
    assert.match(after, new RegExp(`<progress id="campaign-progress" max="100" value="${Math.min(100, Number((raisedAfter * 100n) / 100_000n))}">`), 'the bar moved');
    assert.notEqual(after, before);
    // A refund gives the money back: it leaves the total and the count.
    await postTransaction(t.db, { ...gift('shelter', 25_000n, `camt:${marker('refund')}`), kind: 'refund', entries: [{ account: 'income:gifts:shelter', amountCents: 25_000n }, { account: 'assets:bank', amountCents: -25_000n }] });
    const refunded = await home('en');
    assert.equal(BigInt(/data-raised="(\d+)"/.exec(refunded)![1]!), raisedBefore, 'the refund is no longer raised');
    assert.ok(visible(refunded).includes(`${giftsBefore} gift`), 'nor counted as a gift');
  });

  test('each purpose shows its goal and progress from its own gift account', async () => {
    const fields: Record<string, string> = {};
    for (const purpose of ['shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general']) {
      fields[`goal_${purpose}`] = '';
      for (const lang of ['ru', 'en', 'nl']) fields[`text_${purpose}_${lang}`] = '';
    }
    const text = marker('legal-text-nl');
    assert.equal((await editor.staffPost('/staff/campaign/purposes', { ...fields, goal_legal: '500', text_legal_nl: text })).status, 303);
    await postTransaction(t.db, gift('legal', 12_500n, `camt:${marker('legal')}`));
    const html = await home('nl');
    assertShows(html, text, 'the purpose text in Dutch');
    assertShows(html, translator('nl')('purpose.legal'), 'the purpose name');
    assert.match(html, /<progress id="purpose-legal" max="100" value="25">/, 'a quarter of the legal goal');
    assertShows(html, formatEuros(50_000n, 'nl'), 'the legal goal');
  });

  test('days left, with Russian plurals for 1, 2, 5, 21 and 22 days, the last day and the end', async () => {
    const expected: Record<number, Record<Lang, string>> = {
      1: { ru: 'Остался 1 день', en: '1 day left', nl: 'Nog 1 dag' },
      2: { ru: 'Осталось 2 дня', en: '2 days left', nl: 'Nog 2 dagen' },
      5: { ru: 'Осталось 5 дней', en: '5 days left', nl: 'Nog 5 dagen' },
      21: { ru: 'Остался 21 день', en: '21 days left', nl: 'Nog 21 dagen' },
      22: { ru: 'Осталось 22 дня', en: '22 days left', nl: 'Nog 22 dagen' },
    };
    for (const [days, said] of Object.entries(expected)) {
      await campaign({ starts_on: addDays(todayIn(), -3), ends_on: addDays(todayIn(), Number(days)) });
      for (const lang of ['ru', 'en', 'nl'] as const) assert.ok(visible(await home(lang)).includes(said[lang]), `/${lang}/ with ${days} days left says «${said[lang]}»`);
    }
    await campaign({ starts_on: addDays(todayIn(), -3), ends_on: todayIn() });
    assertShows(await home('ru'), translator('ru')('campaign.lastDay'), 'on the last day');
    await campaign({ starts_on: addDays(todayIn(), -30), ends_on: addDays(todayIn(), -1) });
    assertShows(await home('en'), translator('en')('campaign.ended'), 'after the last day');
    await campaign({ starts_on: addDays(todayIn(), 2), ends_on: addDays(todayIn(), 20) });
    assert.ok(visible(await home('ru')).includes('Начнётся через 2 дня'), 'before the first day');
  });

  test('every process behind one database sees an edit and a gift on its next request', async () => {
    const other = await startTestApp({}, { db: t.db });
    const get = async (app: TestApp) => (await new Browser(app).get('/en/')).html;
    await get(other); // kept in the other process too
    const story = marker('seen-everywhere');
    await campaign({ story_en: story });
    assertShows(await get(other), story, 'the other process after an edit');
    const before = BigInt(/data-raised="(\d+)"/.exec(await get(other))![1]!);
    await postTransaction(t.db, gift('clothing', 777n, `camt:${marker('other')}`));
    assert.equal(BigInt(/data-raised="(\d+)"/.exec(await get(other))![1]!), before + 777n, 'the other process after a gift');
  });

  test('kept while nothing changes: the same bytes and tag, a 304 for a tag that matches, a new tag after a change', async () => {
    await campaign({ story_en: marker('kept') });
    const first = await visitor().get('/en/', { 'Accept-Encoding': 'br' });
    const again = await visitor().get('/en/', { 'Accept-Encoding': 'br' });
    const tag = first.headers.get('etag');
    assert.ok(tag && tag === again.headers.get('etag'), 'the same tag while nothing changed');
    assert.equal((await visitor().get('/en/', { 'Accept-Encoding': 'br', 'If-None-Match': tag })).status, 304);
    await postTransaction(t.db, gift('psych', 100n, `camt:${marker('tag')}`));
    const changed = await visitor().get('/en/', { 'Accept-Encoding': 'br', 'If-None-Match': tag });
    assert.equal(changed.status, 200, 'a tag of the old page no longer matches');
    assert.notEqual(changed.headers.get('etag'), tag);
    assert.equal(changed.headers.get('cache-control'), 'no-store');
  });

  test('nothing of the visitor who made the page render reaches the next visitor', async () => {
    const canary = marker('first-visitor');
    // An edit, so that the next request renders the page again: that request carries the canary everywhere.
    await campaign({ story_en: marker('leak-story') });
    const first = await t.app.request(`/en/?story=${canary}&lang=${canary}`, {
      headers: { Cookie: `beside_session=${canary}`, 'User-Agent': canary, 'Accept-Language': canary, Referer: `https://example.org/${canary}`, 'X-Forwarded-For': '203.0.113.9', 'Accept-Encoding': 'br' },
    });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('set-cookie'), null, 'a public page sets no cookie');
    const firstHtml = brotliDecompressSync(Buffer.from(await first.arrayBuffer())).toString('utf8');
    const next = await home('en');
    for (const html of [firstHtml, next]) {
      assert.ok(!html.includes(canary) && !html.includes('203.0.113.9'), 'no trace of the first visitor');
    }
    assert.equal(firstHtml, next, 'both get the page as rendered for nobody in particular');
    // The search could fail: what an editor saved is found on the page the same way.
    const planted = marker('planted-by-editor');
    await campaign({ story_en: planted });
    assert.ok((await home('en')).includes(planted), 'the scan finds a marker that is on the page');
  });
});
