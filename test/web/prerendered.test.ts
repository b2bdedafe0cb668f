import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { translator, LANGUAGES, type Lang } from '../../src/i18n/index.ts';
import { renderPage } from '../../src/web/layout.tsx';
import { assetUrl } from '../../src/web/static.ts';
import { invalidatePrerendered, prerenderedPagesOf, prerenderedRoute, type PageInputs } from '../../src/web/prerendered.ts';
import { PUBLIC, route, routesOf } from '../../src/web/route.ts';
import { marker, startTestApp, type TestApp } from '../support/app.ts';

describe('test/web/prerendered.test.ts', () => {
  /**
   * The public pages that are the same for everyone are rendered once and kept compressed. What a
   * person receives must be exactly what rendering on their request would give, with the same
   * headers, and nothing of one visitor may reach the next.
   */
  let t: TestApp;
  const PAGES = ['/:lang/', '/:lang/help', '/:lang/help/status', '/:lang/give/gift', '/:lang/transparency'] as const;
  const dynamicPath = (path: string) => path.replace('/:lang/', '/:lang/dynamic/');
  const address = (path: string, lang: Lang) => path.replace(':lang', lang);

  /** A test-only page whose content the test changes, as an editable page's content would change. */
  let story = 'first story';
  let storyRenders: PageInputs[] = [];

  before(async () => {
    t = await startTestApp();
    // Beside the real routes, the same renderers served the ordinary way: rendered on every request.
    // A page kept while its source's version holds (the campaign home) loads what it shows first.
    for (const { path, render, source } of prerenderedPagesOf(t.app)) {
      route(t.app, 'GET', dynamicPath(path), PUBLIC, async (c) => {
        const data = await source?.load(c.get('deps').db, new Date());
        return renderPage(c, render({ lang: c.get('lang'), t: c.get('t'), config: c.get('deps').config, data }));
      });
    }
    prerenderedRoute(t.app, '/:lang/test-story', (page) => {
      storyRenders.push(page);
      return `<p>${page.lang}: ${story}</p>`;
    });
    // As the operation that saves an edit of such a page would: change it, then forget the kept one.
    route(t.app, 'GET', '/:lang/test-story/edit', PUBLIC, (c) => {
      story = c.req.query('story') ?? '';
      invalidatePrerendered(c.get('deps'), '/:lang/test-story');
      return c.text('saved');
    });
  });

  after(() => t?.close());

  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });

  async function bytesOf(res: Response): Promise<Buffer> {
    const raw = Buffer.from(await res.arrayBuffer());
    const encoding = res.headers.get('content-encoding');
    if (encoding === 'br') return brotliDecompressSync(raw);
    if (encoding === 'gzip') return gunzipSync(raw);
    assert.equal(encoding, null, `unexpected encoding ${encoding}`);
    return raw;
  }

  /** The headers of an answer, without those that describe its bytes on the wire. */
  function headersOf(res: Response): Record<string, string> {
    const wire = new Set(['content-encoding', 'content-length', 'etag']);
    return Object.fromEntries([...res.headers].filter(([name]) => !wire.has(name)));
  }

  describe('pre-rendered public pages', () => {
    test('home, help form, status form and gift-code form are pre-rendered, declared public in the route registry', () => {
      assert.deepEqual(
        prerenderedPagesOf(t.app).map(({ path }) => path).filter((path) => !path.includes('test-story')),
        [...PAGES],
      );
      for (const path of PAGES) {
        assert.deepEqual(routesOf(t.app).filter((r) => r.path === path && r.method === 'GET').map((r) => r.access.kind), ['public']);
      }
    });

    for (const [label, acceptEncoding, expected] of [
      ['without compression', undefined, null],
      ['gzip', 'gzip, deflate', 'gzip'],
      ['brotli', 'gzip, deflate, br, zstd', 'br'],
    ] as const) {
      test(`${label}: every page in every language is the bytes and headers of a page rendered on the request`, async () => {
        const headers: Record<string, string> = acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {};
        for (const path of PAGES) {
          for (const lang of LANGUAGES) {
            const kept = await get(address(path, lang), headers);
            const rendered = await get(address(dynamicPath(path), lang), headers);
            const where = `${address(path, lang)} (${label})`;
            assert.equal(kept.status, 200, where);
            assert.equal(kept.headers.get('content-encoding'), expected, where);
            const raw = Buffer.from(await kept.clone().arrayBuffer());
            assert.equal(kept.headers.get('content-length'), String(raw.length), where);
            const body = await bytesOf(kept);
            assert.ok(body.toString('utf8').includes(`<html lang="${lang}"`), where);
            assert.deepEqual(body, await bytesOf(rendered), `${where}: the kept bytes are what rendering gives`);
            // (The middleware compresses a rendered page with gzip only: its encoding is compared above.)
            assert.deepEqual(headersOf(kept), headersOf(rendered), `${where}: the same headers`);
            assert.equal(kept.headers.get('cache-control'), 'no-store', where);
            assert.match(kept.headers.get('content-security-policy') ?? '', /default-src 'self'/, where);
            assert.equal(kept.headers.get('vary'), 'Accept-Encoding', where);
          }
        }
      });
    }

    test('the encoding follows Accept-Encoding and its weights', async () => {
      for (const [asked, served] of [
        ['br', 'br'],
        ['gzip', 'gzip'],
        ['GZIP;q=0.5, br;q=0.4', 'gzip'],
        ['br;q=0, gzip', 'gzip'],
        ['gzip;q=0, br;q=0', null],
        ['identity', null],
        ['*', 'br'],
        ['*, br;q=0', 'gzip'],
        ['', null],
      ] as const) {
        const res = await get('/ru/help', { 'Accept-Encoding': asked });
        assert.equal(res.headers.get('content-encoding'), served, `Accept-Encoding: ${asked}`);
        assert.deepEqual(await bytesOf(res), await bytesOf(await get('/ru/dynamic/help')), `Accept-Encoding: ${asked}`);
      }
    });

    test('each encoding has its own ETag, and a matching If-None-Match gets 304 without a body', async () => {
      const tags = new Set<string | null>();
      for (const encoding of ['br', 'gzip', 'identity']) tags.add((await get('/nl/help/status', { 'Accept-Encoding': encoding })).headers.get('etag'));
      assert.equal(tags.size, 3);
      assert.ok(![...tags].includes(null));
      const { headers } = await get('/nl/help/status', { 'Accept-Encoding': 'br' });
      const again = await get('/nl/help/status', { 'Accept-Encoding': 'br', 'If-None-Match': `"other", ${headers.get('etag')}` });
      assert.equal(again.status, 304);
      assert.equal((await again.arrayBuffer()).byteLength, 0);
      assert.equal(again.headers.get('cache-control'), 'no-store');
      const otherEncoding = await get('/nl/help/status', { 'Accept-Encoding': 'gzip', 'If-None-Match': headers.get('etag')! });
      assert.equal(otherEncoding.status, 200, 'a tag of the brotli bytes does not match the gzip bytes');
    });

    test('nothing of the first visitor reaches the next, whatever the first one sent', async () => {
      // A fresh app, so that the request below is the one that renders the kept page.
      const fresh = await startTestApp({}, { db: t.db });
      const canary = marker('first-visitor');
      const first = await fresh.app.request(`/en/help?story=${canary}&lang=ru&needs=${canary}`, {
        headers: {
          Cookie: `beside_session=${canary}; story=${canary}`,
          'Accept-Language': 'ru',
          'X-Forwarded-For': '203.0.113.7',
          Referer: `https://example.org/${canary}`,
          'User-Agent': canary,
        },
      });
      assert.equal(first.status, 200);
      assert.ok(!(await first.text()).includes(canary));
      const next = await fresh.app.request('/en/help');
      const html = await next.text();
      assert.ok(!html.includes(canary) && !html.includes('203.0.113.7'));
      assert.equal(html, await (await get('/en/dynamic/help')).text(), 'the next visitor gets the page as rendered for nobody in particular');
      // The search could fail: a page that does echo what a person sent holds the canary.
      const echoed = await fresh.app.request('/en/help', { method: 'POST', body: new URLSearchParams({ story: canary }) });
      assert.ok((await echoed.text()).includes(canary));
    });

    test('a renderer is given the language and the configuration, never the request', async () => {
      storyRenders = [];
      for (let i = 0; i < 3; i++) for (const lang of LANGUAGES) await get(`/${lang}/test-story`, { Cookie: `n=${i}` });
      assert.equal(storyRenders.length, LANGUAGES.length, 'rendered once per language');
      for (const inputs of storyRenders) {
        assert.deepEqual(Object.keys(inputs).sort(), ['config', 'lang', 't']);
        assert.equal(inputs.t('web.skip'), translator(inputs.lang)('web.skip'));
        assert.equal(inputs.config, t.config);
      }
    });

    test('an invalidated page is rendered again, in every language, on its next request', async () => {
      await get('/en/test-story');
      story = 'second story';
      assert.match(await (await get('/en/test-story')).text(), /first story/, 'kept until invalidated');
      assert.equal((await get('/en/test-story/edit?story=second%20story')).status, 200);
      for (const lang of LANGUAGES) {
        for (const encoding of ['br', 'gzip', 'identity']) {
          const res = await get(`/${lang}/test-story`, { 'Accept-Encoding': encoding });
          assert.equal((await bytesOf(res)).toString('utf8'), `<!DOCTYPE html><p>${lang}: second story</p>`);
        }
      }
    });

    test('the static files are compressed once too, by the same choice of encoding', async () => {
      for (const name of ['app.css', 'app.js', 'icon.svg'] as const) {
        const plain = await bytesOf(await get(assetUrl(name)));
        assert.ok(plain.length > 0);
        for (const [asked, served] of [['br', 'br'], ['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['br;q=0', null]] as const) {
          const res = await get(assetUrl(name), { 'Accept-Encoding': asked });
          assert.equal(res.headers.get('content-encoding'), served, `${name}, Accept-Encoding: ${asked}`);
          assert.equal(res.headers.get('vary'), 'Accept-Encoding');
          assert.deepEqual(await bytesOf(res), plain, `${name}, Accept-Encoding: ${asked}`);
        }
      }
    });

    test('an unknown language is not found, and nothing is kept for it', async () => {
      const res = await get('/xx/help', { 'Accept-Encoding': 'br' });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('etag'), null);
    });

    test('over a socket, as a browser receives it: the length and encoding headers describe the bytes', async () => {
      const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
      await once(server, 'listening');
      try {
        const { port } = server.address() as AddressInfo;
        for (const encoding of ['br', 'gzip', 'identity']) {
          const res = await new Promise<http.IncomingMessage & { body: Buffer }>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, path: '/ru/', headers: { 'Accept-Encoding': encoding } }, (answer) => {
                const chunks: Buffer[] = [];
                answer.on('data', (chunk: Buffer) => chunks.push(chunk));
                answer.on('end', () => resolve(Object.assign(answer, { body: Buffer.concat(chunks) })));
              })
              .on('error', reject);
          });
          assert.equal(res.statusCode, 200);
          assert.equal(res.headers['content-length'], String(res.body.length), encoding);
          assert.equal(res.headers['transfer-encoding'], undefined, encoding);
          const body = encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body;
          assert.deepEqual(body, await bytesOf(await get('/ru/dynamic/')), encoding);
          assert.equal(res.headers['x-frame-options'], 'DENY');
        }
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
