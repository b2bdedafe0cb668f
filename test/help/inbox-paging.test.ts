/**
 * The inbox pages by keyset ("Next"/"Previous" carry the sort key of the row they continue from)
 * and its counts stop at 999: through HTTP, as a coordinator pages and reads them. Requests are made
 * set-based (metadata only, as a factory would), since these tests are about hundreds of rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { createStaff, initialiseInstance, loggedIn, startTestApp, type Browser, type Page, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/help/inbox-paging.test.ts', () => {
  const en = translator('en');
  const ru = translator('ru');
  const nl = translator('nl');
  let t: TestApp;
  let admin: StaffUser;
  let coordinator: Browser;

  before(async () => {
    t = await startTestApp();
    ({ admin } = await initialiseInstance(t.db));
    coordinator = await loggedIn(t, admin);
  });

  after(() => t?.close());

  const inboxIds = (page: Page) => [...page.html.matchAll(/<tr data-request="([0-9a-f-]{36})">/g)].map(([, id]) => id!);
  const link = (page: Page, rel: 'next' | 'prev') => new RegExp(`<a href="([^"]*)" rel="${rel}"`).exec(page.html)?.[1]?.replaceAll('&amp;', '&');

  /**
   * `n` requests in one statement, each with its vault. `at(i)` is SQL for the i-th one's arrival
   * (`g` is 1…n), so tests can give many the very same time, or times a microsecond apart.
   */
  async function makeRequests(db: TestApp['db'], n: number, shape: { country: string; urgent: string; status?: string; at: string; waiting?: string }) {
    await db.query(
      `with made as (select g, gen_random_uuid() as id, gen_random_uuid() as vault from generate_series(1, ${n}) as g),
            vaults as (insert into vaults (id, kind, owner_table, owner_id) select vault, 'request', 'help_requests', id::text from made)
       insert into help_requests (id, vault_id, urgent, needs, country, language, status, created_at, waiting_since)
       select id, vault, ${shape.urgent}, array['housing'], $1, 'ru', $2, ${shape.at}, ${shape.waiting ?? 'null'} from made`,
      [shape.country, shape.status ?? 'new'],
    );
  }

  /** Follows "Next" from the first page to the last; answers every page. */
  async function pagesForward(first: string): Promise<Page[]> {
    const pages = [await coordinator.get(first)];
    for (let next = link(pages[0]!, 'next'); next; next = link(pages.at(-1)!, 'next')) {
      assert.ok(pages.length < 20, 'the walk ends');
      pages.push(await coordinator.get(next));
      assert.equal(pages.at(-1)!.status, 200);
    }
    return pages;
  }

  test('paging through a filtered inbox shows every request exactly once, in order, forwards and back', async () => {
    // Urgent and not; many arriving at the very same moment (the id decides), many a microsecond
    // apart (a cursor to the millisecond would skip or repeat them), some waiting for an answer.
    // In the order shown: 15 urgent, 40 a microsecond apart (page 1 ends among them), 50 at one
    // moment (page 2 ends among them), 20 recent ones.
    await makeRequests(t.db, 60, { country: 'KG', urgent: 'g % 6 = 0', at: "'2026-03-01T10:00:00.123456Z'::timestamptz" });
    await makeRequests(t.db, 40, { country: 'KG', urgent: 'false', at: "'2026-03-01T10:00:00.123Z'::timestamptz + g * interval '1 microsecond'" });
    await makeRequests(t.db, 25, { country: 'KG', urgent: 'g % 5 = 0', at: "now() - g * interval '1 minute'", waiting: "now() - g * interval '7 seconds'" });
    // What the filter leaves out: another country, a closed request.
    await makeRequests(t.db, 5, { country: 'UZ', urgent: 'false', at: 'now()' });
    await makeRequests(t.db, 5, { country: 'KG', urgent: 'false', status: 'closed', at: 'now()' });
    const expected = (
      await t.db.query<{ id: string }>(
        `select id from help_requests where country = 'KG' and case_id is null and status in ('new', 'triage', 'accepted')
         order by urgent desc, coalesce(waiting_since, created_at), id`,
      )
    ).map((row) => row.id);
    assert.equal(expected.length, 125);

    const pages = await pagesForward('/staff?country=KG');
    assert.deepEqual(pages.map((page) => inboxIds(page).length), [50, 50, 25], 'three pages of at most 50');
    assert.deepEqual(pages.flatMap(inboxIds), expected, 'every request once, urgent first, then whoever waited longest');
    for (const page of pages.slice(0, -1)) assert.match(link(page, 'next')!, /country=KG/, 'the next page keeps the filter');
    assert.equal(link(pages[0]!, 'prev'), undefined, 'the first page has no previous page');

    // And back: each "Previous" shows the page before, the same rows as on the way forward.
    let back = pages.at(-1)!;
    for (let index = pages.length - 2; index >= 0; index--) {
      const previous = link(back, 'prev');
      assert.ok(previous, `page ${index + 2} links to the page before it`);
      assert.match(previous, /country=KG/, 'the previous page keeps the filter');
      back = await coordinator.get(previous);
      assert.deepEqual(inboxIds(back), inboxIds(pages[index]!), `page ${index + 1} again`);
    }
    assert.equal(link(back, 'prev'), undefined, 'back at the first page');
  });

  test('a cursor from the address is checked: a malformed one, a day that does not exist or an unknown tier shows the first page', async () => {
    await makeRequests(t.db, 60, { country: 'AZ', urgent: 'false', at: "now() - g * interval '1 hour'" });
    const first = inboxIds(await coordinator.get('/staff?country=AZ'));
    assert.equal(first.length, 50);
    const id = '00000000-0000-4000-8000-000000000000';
    for (const cursor of ['x', `1~2026-02-30T10:00:00.000000Z~${id}`, `1~2026-13-45T10:00:00.000000Z~${id}`, `1~0000-01-01T00:00:00.000000Z~${id}`, `7~2026-02-03T10:00:00.000000Z~${id}`, `1~2026-02-03T10:00:00Z~${id}`, "1~2026-02-03T10:00:00.000000Z~' or 1=1"]) {
      for (const key of ['after', 'before']) {
        const page = await coordinator.get(`/staff?country=AZ&${key}=${encodeURIComponent(cursor)}`);
        assert.equal(page.status, 200, `${key}=${cursor}`);
        assert.deepEqual(inboxIds(page), first, `${key}=${cursor} is the first page`);
      }
    }
  });

  describe('counts', () => {
    // A database of its own: the counts are of everything in triage.
    let own: TestApp;
    let ownAdmin: StaffUser;
    let reader: Browser;

    before(async () => {
      own = await startTestApp();
      ({ admin: ownAdmin } = await initialiseInstance(own.db));
      reader = await loggedIn(own, ownAdmin);
    });

    after(() => own?.close());

    /** A count as shown: its text, and the cap it stopped at (if it did). */
    const countOf = (page: Page, kind: string) => {
      for (const [, found, capped, text] of page.html.matchAll(/data-count="([a-z]+)"(?: data-capped="(\d+)")?>([^<]*)</g)) {
        if (found === kind) return { capped, text: text! };
      }
      return undefined;
    };

    test('stop at 999: a count below the cap is exact, at the cap it says "more than 999"', async () => {
      // 999 urgent requests being answered (not new), nobody has read any: 999 urgent, 999 with news.
      await makeRequests(own.db, 999, { country: 'TR', urgent: 'true', status: 'triage', at: "now() - g * interval '1 second'" });
      let page = await reader.get('/staff');
      assert.deepEqual(countOf(page, 'urgent'), { capped: undefined, text: '999' });
      assert.deepEqual(countOf(page, 'news'), { capped: undefined, text: '999' });
      assert.deepEqual(countOf(page, 'new'), { capped: undefined, text: '0' });
      assert.ok(page.html.includes(`999</strong> ${en('triage.counts.urgent', { count: 999 })}`));

      // The thousandth, and 1,200 new ones: counting stops at the cap.
      await makeRequests(own.db, 1, { country: 'TR', urgent: 'true', status: 'triage', at: 'now()' });
      await makeRequests(own.db, 1200, { country: 'TR', urgent: 'false', at: "now() - g * interval '1 second'" });
      page = await reader.get('/staff');
      for (const kind of ['urgent', 'news', 'new']) {
        assert.deepEqual(countOf(page, kind), { capped: '999', text: en('queue.counts.over', { count: 999 }) }, kind);
      }
      assert.ok(page.html.includes(`>more than 999</strong> ${en('triage.counts.new', { count: 999 })}`), 'the noun agrees with 999');
      assert.deepEqual(countOf(page, 'waiting'), { capped: undefined, text: '0' });
      // The list itself still pages: urgent first.
      assert.equal(inboxIds(page).length, 50);
    });

    test('"more than" is said in each language, and the noun after it follows Russian plural rules', () => {
      assert.equal(en('queue.counts.over', { count: 999 }), 'more than 999');
      assert.equal(ru('queue.counts.over', { count: 999 }), 'более 999');
      assert.equal(nl('queue.counts.over', { count: 999 }), 'meer dan 999');
      assert.equal(`${ru('queue.counts.over', { count: 999 })} ${ru('triage.counts.new', { count: 999 })}`, 'более 999 новых просьб');
      const forms: [number, string][] = [
        [1, 'не может читать более чем 1 просьбу'],
        [2, 'не может читать более чем 2 просьбы'],
        [5, 'не может читать более чем 5 просьб'],
        [21, 'не может читать более чем 21 просьбу'],
        [22, 'не может читать более чем 22 просьбы'],
        [999, 'не может читать более чем 999 просьб'],
      ];
      for (const [n, text] of forms) assert.equal(ru('triage.share.missingMany', { count: n }), text, String(n));
      assert.equal(en('triage.share.missingMany', { count: 999 }), 'cannot read more than 999 requests');
      assert.equal(nl('triage.share.missingMany', { count: 999 }), 'kan meer dan 999 verzoeken niet lezen');
    });

    test('the "give a colleague access" box counts up to the cap too', async () => {
      const app = await startTestApp();
      try {
        const { admin: holder } = await initialiseInstance(app.db);
        const late = await createStaff(app.db, { login: 'latecount', roles: ['coordinator'], displayName: 'Late Counter' });
        await makeRequests(app.db, 1001, { country: 'TR', urgent: 'false', at: "now() - g * interval '1 second'" });
        // Keys the holder holds to them, and the late colleague does not (who holds what is all the box reads).
        await app.db.query(
          `insert into vault_keys (vault_id, principal_kind, principal_ref, public_key, key_tag, sealed_key)
           select vault_id, 'user', $1, '\\x00', '\\x00', '\\x00' from help_requests where country = 'TR'`,
          [holder.id],
        );
        const box = /<form[^>]*data-share[^>]*>([\s\S]*?)<\/form>/.exec((await (await loggedIn(app, holder)).get('/staff')).html)?.[1];
        assert.ok(box, 'the box is shown');
        assert.ok(box.includes(`data-lacking="${late.id}"`));
        assert.ok(box.includes(en('triage.share.missingMany', { count: 999 })), 'more than 999 requests');
      } finally {
        await app.close();
      }
    });
  });
});
