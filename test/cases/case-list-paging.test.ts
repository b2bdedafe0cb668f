/**
 * The case lists page by keyset, each list on its own: through HTTP, as a coordinator and a
 * caseworker page them. Cases are made set-based (metadata, vaults and tagged team rows, as the
 * bench makes them), since these tests are about hundreds of rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tagMemberEntitlement } from '../../src/crypto/entitlements.ts';
import { createStaff, initialiseInstance, loggedIn, startTestApp, type Browser, type Page, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/cases/case-list-paging.test.ts', () => {
  let t: TestApp;
  let admin: StaffUser;
  let worker: StaffUser;
  let coordinator: Browser;
  let caseworker: Browser;

  before(async () => {
    t = await startTestApp();
    ({ admin } = await initialiseInstance(t.db));
    worker = await createStaff(t.db, { login: 'pagingcw', roles: ['caseworker'] });
    coordinator = await loggedIn(t, admin);
    caseworker = await loggedIn(t, worker);
  });

  after(() => t?.close());

  const caseIds = (page: Page, list: 'mine' | 'all') => {
    const start = page.html.indexOf(`data-list="${list}"`);
    if (start < 0) return [];
    const part = page.html.slice(start, page.html.indexOf('</section>', start));
    return [...part.matchAll(/<tr data-case="([0-9a-f-]{36})">/g)].map(([, id]) => id!);
  };
  /** The link of one list's pager ('after' names the list: 'after' for every case, 'mine_after' for one's own). */
  const link = (page: Page, list: 'after' | 'mine_after', rel: 'next' | 'prev') => {
    const nav = new RegExp(`<nav[^>]*data-pager="${list}"[^>]*>([\\s\\S]*?)</nav>`).exec(page.html)?.[1] ?? '';
    return new RegExp(`<a href="([^"]*)" rel="${rel}"`).exec(nav)?.[1]?.replaceAll('&amp;', '&');
  };

  /**
   * `n` open cases in one statement, each with its four vaults; `updated` is SQL for the i-th
   * one's last change (`g` is 1…n). Answers their ids.
   */
  async function makeCases(n: number, shape: { language: string; urgent: string; updated: string; status?: string; name?: string }): Promise<string[]> {
    const rows = await t.db.query<{ id: string }>(
      `with made as (select g, gen_random_uuid() as id, gen_random_uuid() as core, gen_random_uuid() as psych, gen_random_uuid() as legal,
                            gen_random_uuid() as housing from generate_series(1, ${n}) as g),
            vaults as (insert into vaults (id, kind, owner_table, owner_id)
                       select v.id, v.kind, 'cases', m.id::text from made m
                       cross join lateral (values (m.core, 'case_core'), (m.psych, 'case_psych'), (m.legal, 'case_legal'), (m.housing, 'case_housing')) as v(id, kind))
       insert into cases (id, pseudonym, status, origin, urgent, language, core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id, content, created_by, updated_at, closed_at)
       select id, $4 || '-' || g || '-' || left(id::text, 8), $2, 'direct', ${shape.urgent}, $1, core, psych, legal, housing, '\\x00', $3, ${shape.updated},
              case when $2 = 'closed' then now() end from made
       returning id`,
      [shape.language, shape.status ?? 'open', admin.id, shape.name ?? 'Paging'],
    );
    return rows.map((row) => row.id);
  }

  async function liveEvacuation(caseIds: string[]): Promise<void> {
    await t.db.query(
      `insert into case_tracks (id, case_id, track, state, last_contact_at, contact_interval_hours, opened_by, opened_at)
       select gen_random_uuid(), c, 'evacuation', 'under_way', now(), 12, $2, now() from unnest($1::uuid[]) as c`,
      [caseIds, admin.id],
    );
  }

  /** Puts a user on cases as Beside does: a team row with its tag. */
  async function putOn(user: StaffUser, caseIds: string[], role: 'caseworker' | 'coordinator'): Promise<void> {
    const tags = caseIds.map((caseId) => Buffer.from(tagMemberEntitlement({ caseId, userId: user.id, role })));
    await t.db.query(
      `insert into case_members (case_id, user_id, role, assigned_by, tag)
       select c, $2, $3, $4, tag from unnest($1::uuid[], $5::bytea[]) as m(c, tag)`,
      [caseIds, user.id, role, admin.id, tags],
    );
  }

  /** The lists' order, from the database: live evacuations, urgent, latest change, id. */
  async function expectedOrder(where: string, params: unknown[]): Promise<string[]> {
    const rows = await t.db.query<{ id: string }>(
      `select c.id from cases c where ${where}
       order by exists (select 1 from case_tracks k where k.case_id = c.id and k.track = 'evacuation' and k.state = 'under_way') desc,
                c.urgent desc, c.updated_at desc, c.id`,
      params,
    );
    return rows.map((row) => row.id);
  }

  /** Follows one list's "Next" from `first` to its end; answers every page. */
  async function walk(browser: Browser, first: string, list: 'after' | 'mine_after'): Promise<Page[]> {
    const pages = [await browser.get(first)];
    for (let next = link(pages[0]!, list, 'next'); next; next = link(pages.at(-1)!, list, 'next')) {
      assert.ok(pages.length < 20, 'the walk ends');
      pages.push(await browser.get(next));
      assert.equal(pages.at(-1)!.status, 200);
    }
    return pages;
  }

  test('every case once, in the lists\' order, forwards and back: live evacuations, urgent, ties and microseconds', async () => {
    // In the order shown: 6 live evacuations (4 urgent), 20 urgent, then 40 changed a microsecond
    // apart (page 1 ends among them), 50 changed at one moment (page 2 ends among them), 9 older.
    const live = await makeCases(6, { language: 'nl', urgent: 'g <= 4', updated: "now() - interval '300 days'" });
    await liveEvacuation(live);
    await makeCases(20, { language: 'nl', urgent: 'true', updated: "now() - g * interval '1 hour'" });
    await makeCases(40, { language: 'nl', urgent: 'false', updated: "'2026-02-01T08:00:00.654Z'::timestamptz - g * interval '1 microsecond'" });
    await makeCases(50, { language: 'nl', urgent: 'false', updated: "'2026-02-01T08:00:00.123456Z'::timestamptz" });
    await makeCases(9, { language: 'nl', urgent: 'false', updated: "'2025-01-01T00:00:00Z'::timestamptz + g * interval '1 day'" });
    // What the find leaves out: another language, a closed case.
    await makeCases(3, { language: 'en', urgent: 'false', updated: 'now()' });
    await makeCases(3, { language: 'nl', urgent: 'true', updated: 'now()', status: 'closed' });
    const expected = await expectedOrder("c.status = 'open' and c.language = 'nl'", []);
    assert.equal(expected.length, 125);

    const pages = await walk(coordinator, '/staff/cases?language=nl', 'after');
    assert.deepEqual(pages.map((page) => caseIds(page, 'all').length), [50, 50, 25]);
    assert.deepEqual(pages.flatMap((page) => caseIds(page, 'all')), expected, 'every case once, in order');
    for (const page of pages.slice(0, -1)) assert.match(link(page, 'after', 'next')!, /language=nl/, 'the find is kept');

    let back = pages.at(-1)!;
    for (let index = pages.length - 2; index >= 0; index--) {
      const previous = link(back, 'after', 'prev');
      assert.ok(previous, `page ${index + 2} links to the page before it`);
      back = await coordinator.get(previous);
      assert.deepEqual(caseIds(back, 'all'), caseIds(pages[index]!, 'all'), `page ${index + 1} again`);
    }
    assert.equal(link(back, 'after', 'prev'), undefined, 'back at the first page');
  });

  test('"my cases" pages on its own: a caseworker sees only their cases, and paging one list keeps the other\'s place', async () => {
    const theirs = await makeCases(70, { language: 'ru', urgent: 'g % 9 = 0', updated: "now() - g * interval '1 minute'" });
    const others = await makeCases(60, { language: 'ru', urgent: 'false', updated: "now() - g * interval '1 minute'" });
    await putOn(worker, theirs, 'caseworker');
    await putOn(admin, [...theirs.slice(0, 30), ...others], 'coordinator');
    // A team row a database writer made (no tag) puts nobody on a case.
    await t.db.query("insert into case_members (case_id, user_id, role, assigned_by) select c, $2, 'caseworker', $2 from unnest($1::uuid[]) as c", [others.slice(0, 5), worker.id]);

    const expected = await expectedOrder("c.status = 'open' and c.language = 'ru' and c.id = any($1::uuid[])", [theirs]);
    const pages = await walk(caseworker, '/staff/cases?language=ru', 'mine_after');
    assert.deepEqual(pages.flatMap((page) => caseIds(page, 'mine')), expected, 'their 70 cases, each once, and no other');
    assert.ok(pages.every((page) => !page.html.includes('data-list="all"')), 'a caseworker sees no list of every case');

    // The coordinator is on 90 cases here and sees all 130: each list moves on its own.
    const first = await coordinator.get('/staff/cases?language=ru');
    const mineNext = link(first, 'mine_after', 'next');
    assert.ok(mineNext, 'my cases have a next page');
    assert.match(mineNext, /language=ru/);
    assert.doesNotMatch(mineNext, /[?&]after=/, 'my cases move on, every case stays');
    const mineSecond = await coordinator.get(mineNext);
    assert.deepEqual(caseIds(mineSecond, 'all'), caseIds(first, 'all'), 'paging my cases leaves every case where it was');
    const bothSecond = await coordinator.get(link(mineSecond, 'after', 'next')!);
    assert.deepEqual(caseIds(bothSecond, 'mine'), caseIds(mineSecond, 'mine'), 'paging every case keeps my place');
    assert.notDeepEqual(caseIds(bothSecond, 'all'), caseIds(first, 'all'));
    const all = [...caseIds(first, 'all'), ...caseIds(bothSecond, 'all'), ...caseIds(await coordinator.get(link(bothSecond, 'after', 'next')!), 'all')];
    assert.deepEqual(all, await expectedOrder("c.status = 'open' and c.language = 'ru'", []), 'every case once');
  });

  test('finding by the start of a pseudonym pages alike whether the start is common or rare, also when it is rare only among closed cases', async () => {
    // Over a thousand open cases start alike (the list's order is walked); few closed ones do, and
    // few cases start with another name (both read from the pseudonym index).
    await makeCases(1010, { language: 'en', urgent: 'g % 50 = 0', updated: "now() - g * interval '1 second'", name: 'Common' });
    await makeCases(4, { language: 'en', urgent: 'false', updated: "now() - g * interval '1 second'", name: 'Common', status: 'closed' });
    await makeCases(3, { language: 'en', urgent: 'g = 2', updated: "now() - g * interval '1 second'", name: 'Seldom' });
    const common = await expectedOrder("c.status = 'open' and lower(c.pseudonym) like 'common%'", []);
    const first = await coordinator.get('/staff/cases?pseudonym=COMMON');
    const second = await coordinator.get(link(first, 'after', 'next')!);
    assert.deepEqual([...caseIds(first, 'all'), ...caseIds(second, 'all')], common.slice(0, 100), 'a common start: the first two pages in order');
    assert.match(link(second, 'after', 'next')!, /pseudonym=COMMON/, 'the find is kept');
    assert.deepEqual(caseIds(await coordinator.get('/staff/cases?pseudonym=seldom'), 'all'), await expectedOrder("c.status = 'open' and c.pseudonym like 'Seldom%'", []));
    const closed = await coordinator.get('/staff/cases?status=closed&pseudonym=common');
    assert.deepEqual(caseIds(closed, 'all'), await expectedOrder("c.status = 'closed' and c.pseudonym like 'Common%'", []), 'rare among closed cases');
    assert.equal(caseIds(closed, 'all').length, 4);
    assert.equal(link(closed, 'after', 'next'), undefined);
  });
});
