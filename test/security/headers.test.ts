import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assetUrl } from '../../src/web/static.ts';
import {
  Browser,
  createStaff,
  initialiseInstance,
  logInAs,
  personPost,
  startTestApp,
  submitHelp,
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/security/headers.test.ts', () => {
  let t: TestApp;
  let tls: TestApp;
  let staffUser: StaffUser;
  const publicPages: [string, Page][] = [];
  const htmlPages: [string, Page][] = [];
  const assets: [string, Page][] = [];

  before(async () => {
    t = await startTestApp();
    // The same database served at an https:// address, as behind a TLS-terminating proxy.
    tls = await startTestApp({ PUBLIC_URL: 'https://beside.test' }, { db: t.db });
    await initialiseInstance(t.db);
    staffUser = await createStaff(t.db, { login: 'headers', roles: ['caseworker'] });

    const person = new Browser(t);
    for (const path of ['/ru/', '/en/', '/nl/', '/ru/help', '/en/help', '/nl/help/status', '/ru/help/status', '/ru/no-such-page', '/xx/help']) {
      publicPages.push([`GET ${path}`, await person.get(path)]);
    }
    const submitted = await submitHelp(person, 'ru', { needs: ['clothing'], danger: 'yes', story: 'headers test' });
    publicPages.push(['receipt page', submitted.page]);
    publicPages.push(['form with errors', await person.post('/ru/help', { story: 'no needs chosen' })]);
    publicPages.push(['status page', await personPost(person, 'ru', { action: 'open', receipt: submitted.receipt })]);
    publicPages.push(['unknown receipt', await personPost(person, 'ru', { action: 'open', receipt: '0000-0000-0000-0000-0000' })]);
    publicPages.push(['too large', await person.post('/ru/help', { needs: 'other', story: 'x'.repeat(400_000) })]); // past the help form's body limit (src/help/help-form.ts)

    htmlPages.push(...publicPages.filter(([, page]) => page.headers.get('content-type')?.startsWith('text/html')));
    htmlPages.push(['GET /staff/login', await new Browser(t).get('/staff/login')]);
    for (const name of ['app.css', 'app.js', 'icon.svg'] as const) assets.push([name, await person.get(assetUrl(name))]);
  });

  after(() => t?.close());

  function directives(page: Page): Map<string, string[]> {
    const csp = page.headers.get('content-security-policy') ?? '';
    return new Map(
      csp
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .filter((words) => words[0])
        .map(([name, ...values]) => [name!, values]),
    );
  }

  describe('security headers', () => {
    test('the pages under test are what they claim to be', () => {
      assert.ok(htmlPages.length >= 14, `only ${htmlPages.length} pages`);
      const statuses = new Map(publicPages.map(([name, page]) => [name, page.status]));
      assert.equal(statuses.get('GET /ru/help'), 200);
      assert.equal(statuses.get('GET /ru/no-such-page'), 404);
      assert.equal(statuses.get('form with errors'), 400);
      assert.equal(statuses.get('too large'), 413);
      assert.equal(statuses.get('unknown receipt'), 404);
      for (const [name, page] of assets) assert.equal(page.status, 200, name);
    });

    test('a strict content security policy on pages and assets alike', () => {
      for (const [name, page] of [...htmlPages, ...assets]) {
        const csp = directives(page);
        assert.deepEqual(csp.get('default-src'), ["'self'"], `${name}: default-src`);
        assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], `${name}: frame-ancestors`);
        assert.deepEqual(csp.get('object-src'), ["'none'"], `${name}: object-src`);
        assert.deepEqual(csp.get('base-uri'), ["'none'"], `${name}: base-uri`);
        assert.deepEqual(csp.get('form-action'), ["'self'"], `${name}: form-action`);
        assert.deepEqual(csp.get('script-src') ?? ["'self'"], ["'self'"], `${name}: script-src`);
        for (const [directive, values] of csp) {
          for (const value of values) {
            assert.ok(!/unsafe-|^\*$|^https?:|^\*\./.test(value), `${name}: ${directive} allows ${value}`);
          }
        }
      }
    });

    test('no referrer, no sniffing, no framing', () => {
      for (const [name, page] of [...htmlPages, ...assets]) {
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer', name);
        assert.equal(page.headers.get('x-content-type-options'), 'nosniff', name);
        assert.equal(page.headers.get('x-frame-options'), 'DENY', name);
      }
    });

    test('no Onion-Location when no onion address is configured (test/web/onion.test.ts covers the configured case)', () => {
      for (const [name, page] of [...htmlPages, ...assets]) assert.equal(page.headers.get('onion-location'), null, name);
    });

    test('HTML is never cached; our versioned assets are', () => {
      for (const [name, page] of htmlPages) assert.match(page.headers.get('cache-control') ?? '', /\bno-store\b/, name);
      for (const [name, page] of assets) {
        assert.match(page.headers.get('cache-control') ?? '', /\bimmutable\b/, name);
        assert.doesNotMatch(page.headers.get('content-type') ?? '', /html/, name);
      }
    });

    test('public pages and assets set no cookie', () => {
      for (const [name, page] of [...publicPages, ...assets]) assert.deepEqual(page.setCookies, [], name);
    });

    test('over http: no HSTS, and a staff cookie that only /staff ever receives', async () => {
      for (const [name, page] of [...htmlPages, ...assets]) assert.equal(page.headers.get('strict-transport-security'), null, name);
      const browser = new Browser(t);
      const login = await browser.post('/staff/login', { login: staffUser.login, password: staffUser.password });
      assert.equal(login.status, 303);
      const [cookie] = login.setCookies;
      assert.match(cookie ?? '', /^beside_staff=[\w-]+\.[\w-]+;/);
      assert.match(cookie!, /;\s*Path=\/staff(;|$)/i);
      assert.match(cookie!, /;\s*HttpOnly(;|$)/i);
      assert.match(cookie!, /;\s*SameSite=Strict(;|$)/i);
      assert.doesNotMatch(cookie!, /;\s*Domain=/i);
    });

    test('over https: HSTS on every answer, and the staff cookie is Secure', async () => {
      const browser = new Browser(tls);
      for (const path of ['/ru/help', '/staff/login', assetUrl('app.css'), '/api/health']) {
        const page = await browser.get(path);
        assert.match(page.headers.get('strict-transport-security') ?? '', /max-age=(\d{8,})/, path);
        assert.ok(Number(/max-age=(\d+)/.exec(page.headers.get('strict-transport-security')!)![1]) >= 31_536_000, path);
      }
      await logInAs(browser, staffUser);
      const login = await new Browser(tls).post('/staff/login', { login: staffUser.login, password: staffUser.password });
      assert.match(login.setCookies[0] ?? '', /;\s*Secure(;|$)/i);
      assert.match(login.setCookies[0]!, /;\s*HttpOnly(;|$)/i);
      assert.match(login.setCookies[0]!, /;\s*SameSite=Strict(;|$)/i);
    });
  });

  describe('what public pages ask the browser to load', () => {
    const URL_ATTRIBUTE = /\s(src|href|action|formaction|srcset|poster|data|xlink:href|background|ping|cite)\s*=\s*"([^"]*)"/gi;

    test('nothing from another origin, except the quick-exit link, which leaves without a referrer', () => {
      for (const [name, page] of htmlPages) {
        let quickExits = 0;
        for (const tag of page.html.match(/<[a-z][^>]*>/gi) ?? []) {
          for (const [, attribute, value] of tag.matchAll(URL_ATTRIBUTE)) {
            const foreign = /^\s*(https?:)?\/\//i.test(value!) || /^\s*(javascript|data|vbscript):/i.test(value!);
            if (!foreign) continue;
            const isQuickExit = /^<a\s/i.test(tag) && /\sdata-quick-exit\b/.test(tag) && attribute === 'href';
            assert.ok(isQuickExit, `${name}: ${tag}`);
            assert.equal(value, t.config.quickExitUrl, name);
            assert.match(tag, /\srel="[^"]*noreferrer/, name);
            quickExits += 1;
          }
        }
        const isPublic = publicPages.some(([, p]) => p === page);
        assert.equal(quickExits, isPublic ? 1 : 0, `${name}: quick-exit links`);
      }
    });

    test('no inline script, no inline style, no event handler attributes', () => {
      for (const [name, page] of htmlPages) {
        for (const script of page.html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
          assert.match(script[1]!, /\ssrc="\/static\//, `${name}: a script from elsewhere than our static files`);
          assert.equal(script[2], '', `${name}: an inline script`);
        }
        assert.doesNotMatch(page.html, /<style\b/i, name);
        assert.doesNotMatch(page.html, /<[a-z][^>]*\sstyle\s*=/i, name);
        assert.doesNotMatch(page.html, /<[a-z][^>]*\son[a-z]+\s*=/i, name);
      }
    });

    test('help pages keep a neutral title in the browser tab', () => {
      for (const [name, page] of publicPages) {
        if (!name.includes('help') && !['receipt page', 'form with errors', 'status page', 'unknown receipt'].includes(name)) continue;
        const title = /<title>([^<]*)<\/title>/.exec(page.html)?.[1] ?? '';
        assert.match(title, /^(Информация|Information|Informatie)$/, `${name}: ${title}`);
      }
    });
  });
});
