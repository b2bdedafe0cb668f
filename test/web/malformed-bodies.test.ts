import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { jsonBody, machine, route, routesOf, type RouteRecord } from '../../src/web/route.ts';
import {
  Browser,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  startTestApp,
  submitHelp,
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/web/malformed-bodies.test.ts', () => {
  /**
   * Every POST route, with bodies no browser sends, answers 400 (or what its access guard answers
   * first to an anonymous caller), never a 5xx, and changes nothing. The logged-in walk carries
   * the session's CSRF token wherever the body can carry it, so that a refusal comes from the
   * body and not from a missing token.
   */
  let t: TestApp;
  let admin: Browser;
  let adminUser: StaffUser;
  /** Signed in with the roles the administrator lacks (treasurer, editor), for the routes only they reach. */
  let funder: Browser;
  const ids = { request: '', case: '', user: '', supporter: '', expense: '' };

  /** A machine route that reads JSON, and one whose verifier refuses everyone, as webhooks will. */
  function registerMachineRoutes() {
    route(t.app, 'POST', '/api/test/echo', machine({ verify: 'open', why: 'test of JSON bodies' }), async (c) => c.json({ got: await jsonBody(c) }));
    route(t.app, 'POST', '/api/test/refused', machine({ verify: () => false }), () => {
      throw new Error('a refused machine caller reached the handler');
    });
  }

  before(async () => {
    t = await startTestApp();
    registerMachineRoutes(); // before the first request: the router is built then
    const instance = await initialiseInstance(t.db);
    adminUser = instance.admin;
    admin = await loggedIn(t, instance.admin);
    ids.request = (await submitHelp(t, 'en', { needs: ['legal'], story: 'malformed bodies' })).requestId;
    const made = await admin.staffPost(`/staff/requests/${(await submitHelp(t, 'en', { needs: ['housing'] })).requestId}/case`, { assignee: instance.admin.id });
    ids.case = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1] ?? '';
    assert.ok(ids.case, `making a case answered ${made.status}`);
    ids.user = (await createStaff(t.db, { login: 'malformed-bystander', roles: ['editor'] })).id;
    funder = await loggedIn(t, await createStaff(t.db, { login: 'malformed-funder', roles: ['treasurer', 'editor'] }));
    // A logo upload looks its supporter up before it reads the stream, so it needs one that exists.
    await funder.staffPost('/staff/campaign/supporters', { name_ru: 'Тест', name_en: 'Test', name_nl: 'Test' });
    ids.supporter = (await t.db.query<{ id: string }>('select id from campaign_supporters'))[0]!.id;
    // So does a receipt its expense: one the administrator submitted.
    const submitted = await admin.staffPost('/staff/expenses/new', { amount: '5,00', purpose: 'general', category: 'other', spentOn: '2026-01-01', description: 'malformed' });
    ids.expense = /\/staff\/expenses\/([0-9a-f-]{36})/.exec(submitted.location ?? '')?.[1] ?? '';
    assert.ok(ids.expense, `submitting an expense answered ${submitted.status}`);
  });

  after(() => t?.close());

  function addressOf(record: RouteRecord): string {
    return record.path.replace(/:(\w+)/g, (_, name: string) => {
      if (name === 'lang') return 'en';
      if (name === 'token') return randomBytes(32).toString('base64url');
      if (name === 'id' && record.path.startsWith('/staff/requests/')) return ids.request;
      if (name === 'id' && record.path.startsWith('/staff/cases/')) return ids.case;
      if (name === 'id' && record.path.startsWith('/staff/users/')) return ids.user;
      if (name === 'id' && record.path.startsWith('/staff/campaign/supporters/')) return ids.supporter;
      if (name === 'id' && record.path.startsWith('/staff/expenses/')) return ids.expense;
      // The body is refused before any record is looked up, so an id nobody holds serves too.
      if (name === 'id' || name === 'referral') return randomUUID();
      throw new Error(`malformed-bodies does not know how to fill :${name} in ${record.path}`);
    });
  }

  type Malformed = { name: string; type: string; body: (csrf: string) => string | Blob };

  const B = 'beside-boundary';
  const part = (name: string, value: string) => `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

  /** Bodies that do not parse as the form their Content-Type claims. */
  const MALFORMED: Malformed[] = [
    { name: 'multipart "abc" without a boundary', type: 'multipart/form-data', body: () => 'abc' },
    { name: 'multipart parts without a boundary parameter', type: 'multipart/form-data', body: (csrf) => `${part('_csrf', csrf)}--${B}--\r\n` },
    { name: 'multipart with a boundary the body does not use', type: 'multipart/form-data; boundary=another', body: (csrf) => `${part('_csrf', csrf)}--${B}--\r\n` },
    { name: 'multipart cut off before its closing boundary', type: `multipart/form-data; boundary=${B}`, body: (csrf) => `${part('_csrf', csrf)}--${B}\r\nContent-Disposition: form-data; name="body"\r\n\r\nhal` },
    { name: 'multipart part without headers', type: `multipart/form-data; boundary=${B}`, body: (csrf) => `${part('_csrf', csrf)}--${B}\r\n\r\n--${B}--\r\n` },
    { name: 'urlencoded with a broken percent-escape', type: 'application/x-www-form-urlencoded', body: (csrf) => `_csrf=${encodeURIComponent(csrf)}&body=%E0%A4%A&login=x` },
    { name: 'urlencoded with a lone %', type: 'application/x-www-form-urlencoded', body: (csrf) => `_csrf=${encodeURIComponent(csrf)}&%` },
    { name: 'urlencoded escaping invalid UTF-8', type: 'application/x-www-form-urlencoded', body: (csrf) => `_csrf=${encodeURIComponent(csrf)}&body=%FF%FE` },
    { name: 'urlencoded with raw bytes that are not UTF-8', type: 'application/x-www-form-urlencoded; charset=utf-8', body: (csrf) => new Blob([`_csrf=${encodeURIComponent(csrf)}&body=`, new Uint8Array([0xff, 0xfe])]) },
  ];

  const badRequest = (['en', 'ru', 'nl'] as const).map((lang) => translator(lang)('web.error.bad_request'));

  async function send(browser: Browser, path: string, type: string, body: string | Blob, cookies: 'by-path' | 'none'): Promise<Page> {
    return browser.request(path, { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': type }, body, cookies });
  }

  /** The signed-in walker who holds a role the route names, so that a refusal comes from the body. */
  function walkerFor(record: RouteRecord): Browser {
    const { access } = record;
    if (access.kind !== 'staff' || access.roles === 'any') return admin;
    return access.roles.some((role) => adminUser.roles.includes(role)) ? admin : funder;
  }

  /** What a caller may be answered: 400 from the body check, or first the access guard's answer. */
  function allowed(record: RouteRecord, signedIn: boolean): number[] {
    if (record.access.kind === 'machine') return record.path === '/api/test/refused' ? [401] : [400];
    if (record.access.kind === 'staff' && !signedIn) return [400, 403];
    return [400];
  }

  describe('malformed bodies', () => {
    test('every POST route answers 400 to a body that does not parse, signed in or not, and changes nothing', async () => {
      const posts = routesOf(t.app).filter((r) => r.method === 'POST' && r.path !== '/staff/logout');
      posts.push(...routesOf(t.app).filter((r) => r.path === '/staff/logout'));
      assert.ok(posts.length >= 15, `only ${posts.length} POST routes`);
      const anonymous = new Browser(t);
      const tables = ['users', 'invites', 'help_requests', 'messages', 'cases', 'case_notes', 'case_needs', 'sessions', 'vault_keys', 'audit_events'];
      const before = await Promise.all(tables.map((table) => countRows(t.db, table)));
      const problems: string[] = [];
      for (const record of posts) {
        for (const malformed of MALFORMED) {
          for (const [who, browser] of [['anonymous', anonymous], ['signed in', walkerFor(record)]] as const) {
            const page = await send(browser, addressOf(record), malformed.type, malformed.body(browser.csrfToken ?? ''), who === 'anonymous' ? 'none' : 'by-path');
            if (!allowed(record, who === 'signed in').includes(page.status)) problems.push(`${who} POST ${record.path}, ${malformed.name}: ${page.status}`);
            else if (page.status === 400 && record.access.kind !== 'machine' && !badRequest.some((message) => page.html.includes(message))) {
              problems.push(`${who} POST ${record.path}, ${malformed.name}: 400 without the translated message`);
            }
          }
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(await Promise.all(tables.map((table) => countRows(t.db, table))), before, 'a malformed body changed a table');
      assert.equal((await admin.get('/staff/cases')).status, 200, 'the session survived: logout never ran');
    });

    test('what is not a form at all reaches no handler as one, and is never a 5xx', async () => {
      const problems: string[] = [];
      for (const record of routesOf(t.app).filter((r) => r.method === 'POST' && r.path !== '/staff/logout' && r.access.kind !== 'machine')) {
        for (const [type, body] of [['application/json', '{"not json'], ['text/plain', 'hello'], ['application/octet-stream', '\u0000\u0001']]) {
          const page = await send(admin, addressOf(record), type!, body!, 'by-path');
          if (page.status >= 500) problems.push(`POST ${record.path} with ${type}: ${page.status}`);
        }
      }
      assert.deepEqual(problems, []);
    });

    test('a machine route answers 400 in JSON to JSON that does not parse, and 401 when its verifier refuses', async () => {
      const browser = new Browser(t);
      const bad = await browser.request('/api/test/echo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"amount": 10' });
      assert.equal(bad.status, 400, 'broken JSON');
      assert.deepEqual(JSON.parse(bad.html), { error: 'bad_request' }, 'a stable code for machines');
      const good = await browser.request('/api/test/echo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"amount": 10}' });
      assert.equal(good.status, 200, 'good JSON');
      assert.deepEqual(JSON.parse(good.html), { got: { amount: 10 } }, 'the parsed body');
      const refused = await browser.request('/api/test/refused', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(refused.status, 401, 'a refused machine caller');
      assert.deepEqual(JSON.parse(refused.html), { error: 'unauthorized' }, 'a stable code for machines');
    });

    test('well-formed forms still pass: Cyrillic, + and % typed by a person, and a browser\'s multipart form', async () => {
      const typed = await submitHelp(t, 'ru', { needs: ['clothing'], story: 'Мне нужна помощь + 100% срочно & быстро = да' });
      assert.ok(typed.receipt, 'an urlencoded form with Cyrillic, +, % and & is accepted');
      const form = new FormData();
      form.append('needs', 'clothing');
      form.append('story', 'Помогите, пожалуйста');
      const multipart = await new Browser(t).request('/en/help', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin' }, body: form });
      assert.equal(multipart.status, 200, 'a multipart form is accepted');
      const staffBrowser = await loggedIn(t, adminUser);
      const csrf = new FormData();
      csrf.append('_csrf', staffBrowser.csrfToken ?? '');
      csrf.append('language', 'nl');
      assert.equal((await staffBrowser.request('/staff/language', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin' }, body: csrf })).status, 303, 'a multipart staff form with its token');
      assertShows(await staffBrowser.get('/staff/cases'), translator('nl')('staff.nav.cases'), 'the staff page in the language just chosen');
    });
  });
});
