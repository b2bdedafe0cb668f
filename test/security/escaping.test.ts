import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Browser,
  createStaff,
  initialiseInstance,
  loggedIn,
  personPost,
  startTestApp,
  submitHelp,
  textOf,
  type Page,
  type TestApp,
} from '../support/app.ts';

describe('test/security/escaping.test.ts', () => {
  /** What an attacker posing as a person in need might type, hoping a coordinator's page runs it. */
  const PAYLOAD = `<script>alert(1)</script><img src=x onerror="alert(2)"><a href='javascript:alert(3)'>x</a></textarea><svg onload=alert(4)>"&amp;`;

  let t: TestApp;
  const pages: [string, Page][] = [];

  before(async () => {
    t = await startTestApp();
    const { admin } = await initialiseInstance(t.db);
    const caseworker = await createStaff(t.db, { login: 'xsscw', roles: ['caseworker'], displayName: `<b onmouseover=alert(5)>cw</b>` });
    const person = new Browser(t);
    const fields = { story: PAYLOAD, city: PAYLOAD, contact: PAYLOAD, safeTimes: PAYLOAD, codeWord: PAYLOAD.slice(0, 100), otherNeed: PAYLOAD };
    const submitted = await submitHelp(person, 'ru', { needs: ['other'], ...fields });
    await personPost(person, 'ru', { action: 'write', receipt: submitted.receipt, body: PAYLOAD });
    const coordinator = await loggedIn(t, admin);
    await coordinator.staffPost(`/staff/requests/${submitted.requestId}/reply`, { body: PAYLOAD });
    pages.push(['request page', await coordinator.get(`/staff/requests/${submitted.requestId}`)]);
    pages.push(['status page', await personPost(person, 'ru', { action: 'open', receipt: submitted.receipt })]);
    pages.push(['form kept after an error', await person.post('/ru/help', fields)]);
    const made = await coordinator.staffPost(`/staff/requests/${submitted.requestId}/case`, { assignee: caseworker.id });
    await coordinator.staffPost(`${made.location!.split('?')[0]}/notes`, { body: PAYLOAD });
    pages.push(['case page', await coordinator.get(made.location!.split('?')[0]!)]);
  });

  after(() => t?.close());

  test('what a person or a colleague writes reaches every page as text, never as markup', () => {
    assert.equal(pages.length, 4);
    for (const [name, page] of pages) {
      assert.ok(page.status === 200 || page.status === 400, `${name}: ${page.status}`);
      // The payload is there, as the reader typed it...
      assert.ok(textOf(page.html).includes(PAYLOAD), `${name}: the text is shown`);
      // ...and none of it became an element or an attribute.
      assert.doesNotMatch(page.html, /<script>alert/i, name);
      assert.doesNotMatch(page.html, /<img\s+src=x/i, name);
      assert.doesNotMatch(page.html, /<svg\s+onload/i, name);
      assert.doesNotMatch(page.html, /<b\s+onmouseover/i, name);
      assert.doesNotMatch(page.html, /<a\s+href='javascript/i, name);
      assert.equal((page.html.match(/<\/textarea>/g) ?? []).length, (page.html.match(/<textarea\b/g) ?? []).length, `${name}: a textarea was closed early`);
    }
  });
});
