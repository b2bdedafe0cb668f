import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import {
  Browser,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  startTestApp,
  submitHelp,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/security/cross-site.test.ts', () => {
  /**
   * Cross-site request forgery: staff forms carry a per-session token, and every form post (staff
   * or public, cookie-less) must come from our own origin as the browser reports it.
   */
  const ru = translator('ru');
  let t: TestApp;
  let coordinator: StaffUser;
  let requestId: string;

  before(async () => {
    t = await startTestApp();
    await initialiseInstance(t.db);
    coordinator = await createStaff(t.db, { login: 'csrfcoord', roles: ['coordinator'] });
    ({ requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'cross-site test' }));
  });

  after(() => t?.close());

  /** Replaces one character of a base64url text with one that differs in its high bits. */
  function changeOneChar(text: string, index: number): string {
    const replacement = text[index] === 'A' ? 'Q' : 'A';
    return text.slice(0, index) + replacement + text.slice(index + 1);
  }

  describe('cross-site requests', () => {
    test('a staff post without the CSRF token, or with a wrong one, changes nothing', async () => {
      const browser = await loggedIn(t, coordinator);
      const other = await loggedIn(t, coordinator);
      assert.notEqual(other.csrfToken, browser.csrfToken);
      const attempts = {
        'no token': {},
        'an empty token': { _csrf: '' },
        'a wrong token': { _csrf: 'x'.repeat(browser.csrfToken!.length) },
        'the token of another session': { _csrf: other.csrfToken! },
        'the token with one character changed': { _csrf: changeOneChar(browser.csrfToken!, 3) },
      };
      for (const [what, token] of Object.entries(attempts)) {
        const reply = await browser.post(`/staff/requests/${requestId}/reply`, { body: 'csrf', ...token });
        assert.equal(reply.status, 403, what);
        const status = await browser.post(`/staff/requests/${requestId}/status`, { status: 'closed', ...token });
        assert.equal(status.status, 403, what);
      }
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 0);
      assert.equal(await countRows(t.db, 'help_requests', "id = $1 and status = 'new'", [requestId]), 1);
      // The control: the same post with the session's token goes through.
      const ok = await browser.staffPost(`/staff/requests/${requestId}/status`, { status: 'triage' });
      assert.equal(ok.status, 303);
      assert.equal(await countRows(t.db, 'help_requests', "id = $1 and status = 'triage'", [requestId]), 1);
    });

    test('a staff post from another site is refused even with the right token', async () => {
      const browser = await loggedIn(t, coordinator); // the coordinator holds the request's key
      const fromElsewhere: Record<string, string>[] = [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }, { 'Sec-Fetch-Site': '', Origin: 'https://evil.example' }];
      for (const headers of fromElsewhere) {
        const page = await browser.staffPost(`/staff/requests/${requestId}/reply`, { body: 'from elsewhere' }, headers);
        assert.equal(page.status, 403, JSON.stringify(headers));
      }
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), 0);
    });

    test('the public help form refuses posts from other sites and stores nothing', async () => {
      const before = await countRows(t.db, 'help_requests');
      const person = new Browser(t);
      const fields = { needs: 'clothing', story: 'cross-site' };
      const crossSite = await person.post('/ru/help', fields, { 'Sec-Fetch-Site': 'cross-site' });
      assert.equal(crossSite.status, 403);
      assertShows(crossSite, ru('web.error.forbidden'), 'the refusal');
      assert.equal((await person.post('/ru/help', fields, { 'Sec-Fetch-Site': 'same-site' })).status, 403);
      // An older browser that sends no Sec-Fetch-Site: its Origin decides.
      assert.equal((await person.post('/ru/help', fields, { 'Sec-Fetch-Site': '', Origin: 'https://evil.example' })).status, 403);
      assert.equal((await person.post('/ru/help', fields, { 'Sec-Fetch-Site': '', Origin: 'http://beside.test.evil.example' })).status, 403);
      assert.equal(await countRows(t.db, 'help_requests'), before, 'nothing was stored');
      // The controls: our own origin is accepted, with or without Sec-Fetch-Site.
      // (Two different stories: the same story twice would be one request, shown as a repeat.)
      assert.equal((await person.post('/ru/help', { ...fields, story: 'same origin, no Sec-Fetch-Site' }, { 'Sec-Fetch-Site': '', Origin: 'http://beside.test' })).status, 200);
      assert.equal((await person.post('/ru/help', fields)).status, 200);
      assert.equal(await countRows(t.db, 'help_requests'), before + 2);
    });

    test('the login form refuses posts from other sites', async () => {
      const page = await new Browser(t).post('/staff/login', { login: coordinator.login, password: coordinator.password }, { 'Sec-Fetch-Site': 'cross-site' });
      assert.equal(page.status, 403);
      assert.deepEqual(page.setCookies, []);
    });
  });
});
