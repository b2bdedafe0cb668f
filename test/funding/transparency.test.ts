/**
 * The public transparency page (issue 8) and supporters' messages on the home page, through HTTP
 * as a visitor and an editor send it: the figures add up to the ledger's balances, small counts of
 * people are hidden, Russian plurals, the kept page moves when the books or the messages do, and
 * nothing that names a person or a moment reaches the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { todayIn } from '../../src/i18n/days.ts';
import { accountBalances, monthlyMovements, postTransaction, reverseTransaction, type NewLedgerTransaction } from '../../src/funding/ledger.ts';
import { formatEuros } from '../../src/funding/money.ts';
import { PURPOSES, giftAccount, spendAccount, type Purpose } from '../../src/funding/purposes.ts';
import { translator, type Lang } from '../../src/i18n/index.ts';
import { Browser, assertNotShows, assertShows, createStaff, initialiseInstance, loggedIn, marker, startTestApp, textOf, type StaffUser, type TestApp } from '../support/app.ts';
import { BANK, give } from './give-support.ts';
import { gift } from './ledger-support.ts';

describe('test/funding/transparency.test.ts', () => {
  let t: TestApp;
  let admin: StaffUser;
  let editor: StaffUser;
  const page = async (lang: Lang) => (await new Browser(t).get(`/${lang}/transparency`)).html;
  const visible = (html: string) => textOf(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
  let refs = 0;
  const ref = () => `test:${marker(`ref-${++refs}`)}`;

  /** An expense paid from the bank for a purpose, as the books hold one. */
  const expense = (purpose: Purpose, cents: bigint, occurredOn = todayIn(), description = 'Expense'): NewLedgerTransaction => ({
    kind: 'expense',
    occurredOn,
    description,
    sourceRef: ref(),
    entries: [
      { account: spendAccount(purpose), amountCents: cents },
      { account: 'assets:bank', amountCents: -cents },
    ],
    actorUserId: null,
  });

  /** The purposes table as the page shows it, in cents. */
  const purposesOf = (html: string) =>
    new Map(
      [...html.matchAll(/<tr data-purpose="(\w+)"><th[^>]*>[^<]*<\/th><td data-raised="(-?\d+)">[\s\S]*?<td data-spent="(-?\d+)">/g)].map(([, purpose, raised, spent]) => [
        purpose as Purpose,
        { raised: BigInt(raised!), spent: BigInt(spent!) },
      ]),
    );
  const reachedOf = (html: string, track: string) => textOf(new RegExp(`<dd data-reached="${track}">([^<]*)</dd>`).exec(html)?.[1] ?? '');

  /** Cases with a track of a kind in a state, named by a pseudonym that must never be public. */
  async function casesWith(n: number, track: string, state: string, pseudonym: string): Promise<void> {
    await t.db.query(
      `with made as (select g, gen_random_uuid() as id, gen_random_uuid() as core, gen_random_uuid() as psych, gen_random_uuid() as legal,
                            gen_random_uuid() as housing from generate_series(1, ${n}) as g),
            vaults as (insert into vaults (id, kind, owner_table, owner_id)
                       select v.id, v.kind, 'cases', m.id::text from made m
                       cross join lateral (values (m.core, 'case_core'), (m.psych, 'case_psych'), (m.legal, 'case_legal'), (m.housing, 'case_housing')) as v(id, kind)),
            cases as (insert into cases (id, pseudonym, status, origin, urgent, language, core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id, content, created_by)
                      select id, $1 || '-' || g, 'open', 'direct', false, 'ru', core, psych, legal, housing, '\\x00', $2 from made returning id)
       insert into case_tracks (id, case_id, track, state, contact_interval_hours, opened_by, opened_at)
       select gen_random_uuid(), id, $3, $4, case when $3 = 'evacuation' then 24 end, $2, now() from cases`,
      [pseudonym, admin.id, track, state],
    );
  }

  /** Casework moves no ledger: a gift moves the kept page's version, as any change of the books does. */
  const moveBooks = () => postTransaction(t.db, gift('general', 1n, ref()));

  before(async () => {
    t = await startTestApp(BANK);
    await initialiseInstance(t.db);
    admin = await createStaff(t.db, { login: 'transparency-admin', roles: ['administrator'] });
    editor = await createStaff(t.db, { login: 'transparency-editor', roles: ['editor'] });
  });

  after(() => t?.close());

  test('the page is public in ru, en and nl, and the home page and every public footer link to it', async () => {
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const response = await new Browser(t).get(`/${lang}/transparency`);
      assert.equal(response.status, 200, `/${lang}/transparency`);
      assertShows(response.html, translator(lang)('transparency.title'), `/${lang}/transparency`);
      assert.equal(response.headers.get('set-cookie'), null, 'a public page sets no cookie');
      assert.match((await new Browser(t).get(`/${lang}/`)).html, new RegExp(`<p>[^<]*<a href="/${lang}/transparency">`), `/${lang}/ links to it next to the ledger`);
      assert.match((await new Browser(t).get(`/${lang}/help`)).html, new RegExp(`<footer class="foot"><p><a href="/${lang}/transparency">`), `/${lang}/help links to it in the footer`);
    }
    assert.equal((await new Browser(t).get('/xx/transparency')).status, 404, 'an unknown language is not found');
  });

  test('raised, spent, monthly spending and recent expenses reconcile exactly with the ledger', async () => {
    await postTransaction(t.db, gift('shelter', 100_000n, ref()));
    await postTransaction(t.db, gift('legal', 25_050n, ref()));
    await postTransaction(t.db, expense('shelter', 40_013n));
    await postTransaction(t.db, expense('legal', 9_999n));
    const undone = await postTransaction(t.db, expense('clothing', 5_000n));
    await reverseTransaction(t.db, undone.seq, { actorUserId: null, occurredOn: todayIn(), description: 'Booked twice' });

    const html = await page('en');
    const shown = purposesOf(html);
    const balances = await accountBalances(t.db);
    assert.equal(shown.size, PURPOSES.length, 'a row for every purpose');
    for (const purpose of PURPOSES) {
      assert.equal(shown.get(purpose)?.raised, -(balances.get(giftAccount(purpose)) ?? 0n), `raised for ${purpose}`);
      assert.equal(shown.get(purpose)?.spent, balances.get(spendAccount(purpose)) ?? 0n, `spent on ${purpose}`);
    }
    const sum = (pick: (row: { raised: bigint; spent: bigint }) => bigint) => [...shown.values()].reduce((total, row) => total + pick(row), 0n);
    assert.equal(BigInt(/data-raised-total="(-?\d+)"/.exec(html)![1]!), sum((row) => row.raised), 'the raised total is the sum of its rows');
    assert.equal(BigInt(/data-spent-total="(-?\d+)"/.exec(html)![1]!), sum((row) => row.spent), 'the spent total is the sum of its rows');
    assert.equal(shown.get('clothing')?.spent, 0n, 'a reversed expense is spent no more');

    // This month's bar in each chart's table is the ledger's monthly row, debits less credits.
    const month = `${todayIn().slice(0, 7)}-01`;
    const rows = await monthlyMovements(t.db, { accountPrefix: 'expenses:', fromMonth: month, toMonth: month });
    for (const purpose of ['shelter', 'legal'] as const) {
      const row = rows.find((r) => r.account === spendAccount(purpose))!;
      const table = new RegExp(`<table data-chart-table="spent-${purpose}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
      assert.ok(table.includes(`<td>${formatEuros(row.debitCents - row.creditCents, 'en')}</td>`), `the ${purpose} chart's table has this month's spending`);
      assert.match(html, new RegExp(`<svg [^>]*aria-labelledby="spent-${purpose}-title"`), `the ${purpose} chart is an SVG named by its title`);
    }
    assert.ok(!html.includes('data-chart-table="spent-clothing"'), 'no chart where nothing was spent: a sentence says so');

    const listed = [...html.matchAll(/data-expense="(-?\d+)"/g)].map(([, cents]) => BigInt(cents!));
    assert.deepEqual(listed, [9_999n, 40_013n], 'the standing expenses, newest first; the reversed one is gone');
    assert.equal(listed.reduce((a, b) => a + b, 0n), sum((row) => row.spent), 'recent expenses add up to what was spent');
  });

  test('the page moves on the next request after a gift or an expense', async () => {
    const before = purposesOf(await page('nl'));
    await postTransaction(t.db, gift('psych', 12_345n, ref()));
    const afterGift = purposesOf(await page('nl'));
    assert.equal(afterGift.get('psych')!.raised - before.get('psych')!.raised, 12_345n, 'raised by exactly the gift');
    await postTransaction(t.db, expense('psych', 2_345n, todayIn(), 'Expense · therapy'));
    const afterExpense = purposesOf(await page('nl'));
    assert.equal(afterExpense.get('psych')!.spent - afterGift.get('psych')!.spent, 2_345n, 'spent by exactly the expense');
    const nl = translator('nl');
    assert.match(await page('nl'), new RegExp(`<td>${nl('purpose.psych')}</td><td>${nl('expenses.category.therapy')}</td><td data-expense="2345">`), 'listed with its purpose and category');
    const first = /<table data-table="expenses">[\s\S]*?<tbody><tr>([\s\S]*?)<\/tr>/.exec(await page('en'))?.[1] ?? '';
    assert.ok(first.includes(translator('en')('expenses.category.therapy')), 'newest first');
  });

  test('people reached: "fewer than 5" from 0 to 4, exact from 5; states before help are not counted', async () => {
    await moveBooks();
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const html = await page(lang);
      for (const track of ['evacuation', 'clothing', 'psych', 'legal', 'shelter']) assert.equal(reachedOf(html, track), translator(lang)('transparency.fewerThan5'), `/${lang}: none yet is "fewer than 5"`);
    }
    await casesWith(4, 'evacuation', 'arrived', marker('evac'));
    await casesWith(6, 'clothing', 'requested', marker('asked'));
    await casesWith(3, 'legal', 'closed', marker('closed'));
    await moveBooks();
    let html = await page('en');
    assert.equal(reachedOf(html, 'evacuation'), 'fewer than 5', '4 is fewer than 5');
    assert.equal(reachedOf(html, 'clothing'), 'fewer than 5', 'requested is not helped');
    assert.ok(!visible(html).includes(' 4 '), 'the 4 is not given away anywhere');
    await casesWith(1, 'evacuation', 'arrived', marker('evac'));
    await moveBooks();
    html = await page('en');
    assert.equal(reachedOf(html, 'evacuation'), '5 people', '5 is shown');
    assert.equal(reachedOf(await page('ru'), 'evacuation'), '5 человек получили помощь');
    assert.equal(reachedOf(await page('nl'), 'evacuation'), '5 personen');
  });

  test('Russian plurals of people for 1, 2, 5, 21 and 22', async () => {
    const ru = translator('ru');
    assert.deepEqual([1, 2, 5, 21, 22].map((n) => ru('transparency.count', { n })), ['1 человек получил помощь', '2 человека получили помощь', '5 человек получили помощь', '21 человек получил помощь', '22 человека получили помощь']);
    await casesWith(21, 'psych', 'in_sessions', marker('psych'));
    await casesWith(22, 'shelter', 'placed', marker('shelter'));
    await moveBooks();
    const html = await page('ru');
    assert.equal(reachedOf(html, 'psych'), '21 человек получил помощь');
    assert.equal(reachedOf(html, 'shelter'), '22 человека получили помощь');
    assert.equal(reachedOf(await page('en'), 'shelter'), '22 people');
  });

  test('no pseudonym, description or exact day reaches the page; the scan finds what is shown', async () => {
    const pseudonym = marker('never-public');
    await casesWith(7, 'legal', 'in_procedure', pseudonym);
    const description = marker('Hotel for Aslan');
    const day = `${todayIn().slice(0, 7)}-0${todayIn().endsWith('-01') ? 2 : 1}`;
    const amount = 98_765n;
    await postTransaction(t.db, expense('evacuation', amount, day, `Expense · ${description}`));
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const html = await page(lang);
      assertNotShows(html, pseudonym, `/${lang}/transparency`);
      assertNotShows(html, description, `/${lang}/transparency`);
      assert.ok(!html.includes(day), `/${lang}/transparency: no day of an expense`);
      assert.ok(!/\d{1,2}:\d{2}/.test(visible(html)), `/${lang}/transparency: no time of day`);
      // Proof that the scan could fail: the expense itself is on the page.
      assertShows(html, formatEuros(amount, lang), `/${lang}/transparency shows the expense`);
      assertShows(html, translator(lang)('transparency.noCategory'), `/${lang}/transparency: a category not on the list is not given`);
    }
  });

  test('an approved message shows on the home page with its name or "anonymous" and the month only', async () => {
    const words = marker('thank-you');
    const name = marker('Anna');
    const quiet = marker('quiet-words');
    await give(t, 'en', { preset: '2500', display: 'public', name, message: words });
    await give(t, 'nl', { preset: '2500', display: 'anonymous', name: marker('hidden-name'), message: quiet });
    const before = await new Browser(t).get('/en/');
    assertNotShows(before.html, words, 'nothing before an editor approves');
    const desk = await loggedIn(t, editor);
    const queue = (await desk.get('/staff/gift-messages')).html;
    for (const id of [...queue.matchAll(/data-message="([0-9a-f-]{36})"/g)].map((m) => m[1]!)) {
      assert.equal((await desk.staffPost(`/staff/gift-messages/${id}/decide`, { decision: 'approve' })).status, 303);
    }
    // Approving moves no ledger and edits no campaign: the kept page must move all the same.
    const after = await new Browser(t).get('/en/');
    assert.notEqual(after.headers.get('etag'), before.headers.get('etag'), 'a new page');
    assertShows(after.html, translator('en')('campaign.messages'));
    assertShows(after.html, words);
    assertShows(after.html, name);
    assertShows(after.html, quiet);
    assertShows(after.html, translator('en')('campaign.anonymous'));
    assert.ok(!after.html.includes('hidden-name'), 'an anonymous giver\'s name is not shown');
    assert.ok(!after.html.includes(todayIn()), 'no day, only the month');
    const month = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${todayIn().slice(0, 7)}-01T00:00:00Z`));
    assertShows(after.html, month, 'the month it was published');
    assertShows((await new Browser(t).get('/ru/')).html, translator('ru')('campaign.messages'));
  });
});
