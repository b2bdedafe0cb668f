import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { versionedPrerenderedRoute, type PageSource } from '../../src/web/prerendered.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('test/web/prerendered-versions.test.ts', () => {
  /**
   * A page kept while its source's version holds (the campaign home): each request gets the
   * version from an asking that started after it arrived, shared with the other requests that
   * arrived before it started, and the page is loaded and rendered once per version. A test source stands in for the database, so the test
   * decides when each asking ends.
   */
  let t: TestApp;
  let content = 'first';
  let asked = 0;
  let loads = 0;
  let renders = 0;
  /** While set, askings wait for it: the test holds a query "in flight". */
  let gate: Promise<void> | null = null;

  const source: PageSource<string> = {
    async version() {
      asked += 1;
      const seen = content; // what the database holds when the query starts
      if (gate) await gate;
      return seen;
    },
    async load() {
      loads += 1;
      return content;
    },
  };

  /** Fails once, as a database that went away for a moment. */
  const failing: PageSource<string> = {
    version: async () => 'v1',
    load: async () => {
      failing.load = async () => 'recovered';
      throw new Error('the database went away');
    },
  };

  before(async () => {
    t = await startTestApp();
    versionedPrerenderedRoute(t.app, '/:lang/test-failing', failing, ({ data }) => `<p>${data}</p>`);
    versionedPrerenderedRoute(t.app, '/:lang/test-versioned', source, ({ lang, data }) => {
      renders += 1;
      return `<p>${lang}: ${data}</p>`;
    });
  });

  after(() => t?.close());

  const get = async (lang = 'en') => (await t.app.request(`/${lang}/test-versioned`)).text();

  test('kept while the version holds; loaded once per version and rendered once per language', async () => {
    content = 'kept';
    assert.match(await get('en'), /en: kept/);
    const [loaded, rendered] = [loads, renders];
    for (let i = 0; i < 5; i++) assert.match(await get('en'), /en: kept/);
    assert.equal(loads, loaded, 'no load while the version holds');
    assert.equal(renders, rendered, 'no render while the version holds');
    assert.match(await get('nl'), /nl: kept/);
    assert.equal(loads, loaded, 'another language renders from the same load');
    content = 'changed';
    assert.match(await get('en'), /en: changed/, 'a new version is seen on the next request');
  });

  test('a request that arrives while the version is being asked gets an asking of its own, shared with the others that arrived', async () => {
    content = 'before';
    await get();
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const before = asked;
    const first = get();
    // Until its asking has started (it reads what the database holds then), the first request waits.
    while (asked === before) await new Promise((resolve) => setImmediate(resolve));
    content = 'committed meanwhile';
    // These arrive after the change committed: the first request's asking is too old for them.
    const later = [get(), get(), get()];
    gate = null;
    open();
    assert.match(await first, /en: before/);
    for (const page of await Promise.all(later)) assert.match(page, /en: committed meanwhile/, 'a later request sees what committed before it arrived');
    assert.equal(asked, before + 2, 'the three later requests shared one asking');
  });

  test('a load that fails is not kept: the next request loads again', async () => {
    assert.equal((await t.app.request('/en/test-failing')).status, 500);
    assert.match(await (await t.app.request('/en/test-failing')).text(), /recovered/);
  });
});
