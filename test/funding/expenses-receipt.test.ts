import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE } from '../../src/auth/cookie.ts';
import { countRows, createStaff, initialiseInstance, loggedIn, startTestApp, type Browser, type TestApp } from '../support/app.ts';

describe('test/funding/expenses-receipt.test.ts', () => {
  /**
   * An expense's receipt: attached by its submitter (the token the form's first field), checked by
   * content, stored encrypted, downloaded by the submitter and the treasurers only; everyone
   * else gets "not found" and stores nothing.
   */
  let t: TestApp;
  let worker: Browser;
  let other: Browser;
  let treasurer: Browser;

  before(async () => {
    t = await startTestApp();
    await initialiseInstance(t.db);
    worker = await loggedIn(t, await createStaff(t.db, { login: 'rc-worker', roles: ['caseworker'] }));
    other = await loggedIn(t, await createStaff(t.db, { login: 'rc-other', roles: ['caseworker'] }));
    treasurer = await loggedIn(t, await createStaff(t.db, { login: 'rc-treasurer', roles: ['treasurer'] }));
  });

  after(() => t?.close());

  async function submit(): Promise<string> {
    const made = await worker.staffPost('/staff/expenses/new', { amount: '9,99', purpose: 'general', category: 'documents', spentOn: '2026-01-10', description: 'Copies' });
    return /^\/staff\/expenses\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1] ?? assert.fail(made.html.slice(0, 300));
  }

  function upload(browser: Browser, id: string, bytes: Uint8Array, name: string, token = browser.csrfToken ?? '') {
    const boundary = '----besidereceipt';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    return browser.request(`/staff/expenses/${id}/receipt`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: new Uint8Array(Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(`\r\n--${boundary}--\r\n`)])),
    });
  }

  const pdf = (size: number) => new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.5\n'), randomBytes(size - 9)]));

  test('the submitter attaches a PDF; they and a treasurer download exactly it; nobody else', async () => {
    const id = await submit();
    const bytes = pdf(200_000);
    const sent = await upload(worker, id, bytes, 'квитанция.pdf');
    assert.equal(sent.status, 303, sent.html.slice(0, 300));
    assert.equal(sent.location, `/staff/expenses/${id}?done=receipt_added`);
    for (const reader of [worker, treasurer]) {
      const got = await download(reader, id);
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('content-type'), 'application/pdf');
      assert.equal(got.headers.get('cache-control'), 'no-store');
      assert.match(got.headers.get('content-disposition') ?? '', /^attachment; .*filename\*=UTF-8''%D0%BA/);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), Buffer.from(bytes), 'the same bytes back');
    }
    assert.equal((await other.get(`/staff/expenses/${id}/receipt`)).status, 404);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'expense.receipt_added'"), 1);
    const again = await upload(worker, id, pdf(1_000), 'second.pdf');
    assert.equal(again.status, 404, 'one receipt per expense');
  });

  /** The raw answer, bytes and all (the test browser reads bodies as text). */
  test('a receipt that comes after the money went out is still taken; a rejected expense takes none', async () => {
    const paid = await submit();
    assert.equal((await treasurer.staffPost(`/staff/expenses/${paid}/approve`, {})).status, 303);
    // Nothing was given for this purpose in this test: paying it needs the override and its reason.
    const pay = await treasurer.staffPost(`/staff/expenses/${paid}/pay`, { override: 'yes', reason: 'paid from reserves' });
    assert.equal(pay.status, 303, pay.html.slice(0, 300));
    assert.equal((await t.db.query<{ state: string }>('select state from expenses where id = $1', [paid]))[0]!.state, 'paid');
    const sent = await upload(worker, paid, pdf(1_000), 'bon.pdf');
    assert.equal(sent.location, `/staff/expenses/${paid}?done=receipt_added`);
    assert.equal((await download(treasurer, paid)).status, 200);

    const rejected = await submit();
    assert.equal((await treasurer.staffPost(`/staff/expenses/${rejected}/reject`, { reason: 'not ours' })).status, 303);
    const files = await countRows(t.db, 'files');
    assert.equal((await upload(worker, rejected, pdf(1_000), 'bon.pdf')).status, 404);
    assert.equal(await countRows(t.db, 'files'), files, 'nothing stored for a rejected expense');
  });

  async function download(browser: Browser, id: string): Promise<Response> {
    const url = new URL(`/staff/expenses/${id}/receipt`, t.config.publicUrl);
    return t.app.request(url.href, { headers: { Cookie: `${SESSION_COOKIE}=${browser.cookie()}`, 'X-Forwarded-For': browser.address } });
  }

  test('a file that is not a PDF, JPEG or PNG is refused by its content, and nothing is stored', async () => {
    const id = await submit();
    const files = await countRows(t.db, 'files');
    for (const [bytes, name, refused] of [
      [new TextEncoder().encode('just text, named as a pdf'), 'fake.pdf', 'type'],
      [pdf(2_000), 'scan.png', 'mismatch'],
      [pdf(2_000), '../../etc/passwd.pdf', 'name'],
    ] as const) {
      const sent = await upload(worker, id, bytes, name);
      assert.equal(sent.location, `/staff/expenses/${id}?refused=${refused}`, name);
    }
    assert.equal(await countRows(t.db, 'files'), files);
    assert.equal(await countRows(t.db, 'expenses', 'id = $1 and receipt_file_id is null', [id]), 1);
  });

  test('another caseworker, or a post without the token, attaches nothing', async () => {
    const id = await submit();
    const files = await countRows(t.db, 'files');
    assert.equal((await upload(other, id, pdf(1_000), 'r.pdf')).status, 404);
    assert.notEqual((await upload(worker, id, pdf(1_000), 'r.pdf', 'wrong-token')).status, 303);
    assert.equal(await countRows(t.db, 'files'), files);
    assert.equal(await countRows(t.db, 'expenses', 'id = $1 and receipt_file_id is null', [id]), 1);
  });
});
