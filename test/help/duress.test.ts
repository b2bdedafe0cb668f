import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatDateTime, translator, type Lang } from '../../src/i18n/index.ts';
import { RECEIPT_DIGITS, duressCode, lastGroup } from '../../src/help/receipt.ts';
import { LOOKUP_KIND_BOX_BYTES } from '../../src/crypto/receipt-keys.ts';
import { keyDerivationsRun } from '../../src/crypto/kdf-queue.ts';
import {
  Browser,
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  receiptOf,
  startTestApp,
  type HelpFields,
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/help/duress.test.ts', () => {
  const en = translator('en');
  let t: TestApp;
  let coordinator: Browser;
  let caseworker: StaffUser;
  let caseworkerBrowser: Browser;

  before(async () => {
    t = await startTestApp();
    const { admin } = await initialiseInstance(t.db);
    caseworker = await createStaff(t.db, { login: 'duresscw', roles: ['caseworker'] });
    coordinator = await loggedIn(t, admin);
    caseworkerBrowser = await loggedIn(t, caseworker);
  });

  after(() => t?.close());

  type Sent = { receipt: string; requestId: string; page: Page };

  /** The help form as a person sends it, with the code for danger's four digits when given. */
  async function submit(lang: Lang, fields: HelpFields & { duressEnding?: string }): Promise<Sent> {
    const before = new Set((await t.db.query<{ id: string }>('select id from help_requests')).map((row) => row.id));
    const page = await new Browser(t).post(`/${lang}/help`, fields);
    const receipt = receiptOf(page.html);
    assert.equal(page.status, 200, 'the form is accepted');
    assert.ok(receipt, 'a receipt is shown');
    const added = (await t.db.query<{ id: string }>('select id from help_requests')).filter((row) => !before.has(row.id));
    assert.equal(added.length, 1, 'one request');
    return { receipt, requestId: added[0]!.id, page };
  }

  const open = (receipt: string, lang: Lang = 'en') => personPost(new Browser(t), lang, { action: 'open', receipt });
  const coercedAt = async (requestId: string) =>
    (await t.db.query<{ coerced_at: Date | null }>('select coerced_at from help_requests where id = $1', [requestId]))[0]!.coerced_at;
  /** What differs between two answers of the same template by nature: the code typed and the one-time token. */
  const shape = (html: string, receipt: string) =>
    html
      .replaceAll(receipt, 'CODE')
      .replace(/name="token" value="[^"]*"/, 'name="token" value="TOKEN"');

  test('the help form explains the code for danger in each language, and keeps it out of autocomplete', async () => {
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const tr = translator(lang);
      const page = await new Browser(t).get(`/${lang}/help`);
      assertShows(page, tr('help.duress.title'), `the ${lang} form`);
      assertShows(page, tr('help.duress.explain'), `the ${lang} form`);
      assert.match(page.html, /<label for="duressEnding">/, 'the field has its label');
      assert.match(page.html, /<input id="duressEnding"[^>]*autocomplete="off"/);
    }
  });

  test('four digits or nothing: a wrong ending comes back with what was typed and nothing is made', async () => {
    const story = marker('story');
    const before = await countRows(t.db, 'help_requests');
    const page = await new Browser(t).post('/ru/help', { needs: ['legal'], story, duressEnding: '12' });
    assert.equal(page.status, 400);
    assertShows(page, translator('ru')('help.duress.error', { count: 4 }));
    assertShows(page, story, 'the story is kept');
    assert.equal(await countRows(t.db, 'help_requests'), before);
  });

  test('a request is found by two rows whether or not a code for danger was chosen, and neither says which it is', async () => {
    const withCode = await submit('en', { needs: ['legal'], story: marker('story'), duressEnding: '4321' });
    const without = await submit('en', { needs: ['legal'], story: marker('story') });
    assertShows(withCode.page, en('help.duress.reminder'));
    assert.match(withCode.page.html, /data-duress-ending[^>]*>4321</);
    assert.doesNotMatch(without.page.html, /data-duress-reminder/);
    assert.notEqual(lastGroup(withCode.receipt), '4321', 'the receipt never ends in the chosen digits');
    for (const sent of [withCode, without]) {
      const rows = await t.db.query<{ lookup_hash: Uint8Array; key_salt: Uint8Array; kind_box: Uint8Array }>(
        'select lookup_hash, key_salt, kind_box from receipt_lookups where request_id = $1',
        [sent.requestId],
      );
      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.deepEqual([row.lookup_hash.length, row.key_salt.length, row.kind_box.length], [32, 16, LOOKUP_KIND_BOX_BYTES], 'every row has one shape');
      }
    }
    // Nothing stores the digits or the codes: search every text form of the row for them.
    const dump = JSON.stringify(await t.db.query('select * from receipt_lookups'));
    for (const secret of ['4321', withCode.receipt, duressCode(withCode.receipt, '4321')]) assert.ok(!dump.includes(secret));
    const columns = await t.db.query<{ column_name: string }>("select column_name from information_schema.columns where table_name = 'receipt_lookups'");
    assert.deepEqual(columns.map((c) => c.column_name).sort(), ['key_salt', 'kind_box', 'lookup_hash', 'request_id'], 'no kind, no time');
  });

  test('the code for danger shows the page of a request with nothing new, and marks the request for the team', async () => {
    const story = marker('story');
    const sent = await submit('en', { needs: ['housing'], story, duressEnding: '0007' });
    const fromPerson = marker('person');
    const fromTeam = marker('team');
    assert.equal((await personPost(new Browser(t), 'en', { action: 'write', receipt: sent.receipt, body: fromPerson })).status, 200);
    assert.equal((await coordinator.staffPost(`/staff/requests/${sent.requestId}/reply`, { body: fromTeam })).status, 303);

    const auditBefore = await countRows(t.db, 'audit_events', "kind = 'request.coerced'");
    const page = await open(duressCode(sent.receipt, '0007'));
    assert.equal(page.status, 200);
    assertShows(page, en('status.state.new'));
    assertShows(page, en('status.none', { hours: t.config.replyWithinHours }));
    for (const secret of [story, fromPerson, fromTeam]) assertNotShows(page, secret, 'the innocent page');
    assert.ok(await coercedAt(sent.requestId), 'the request is marked');
    const audit = await t.db.query<{ subject_id: string; detail: string }>("select subject_id, detail from audit_events where kind = 'request.coerced' order by seq desc limit 1");
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'request.coerced'"), auditBefore + 1, 'audited once');
    assert.equal(audit[0]!.subject_id, sent.requestId);
    assert.deepEqual(JSON.parse(audit[0]!.detail), { requestId: sent.requestId }, 'the audit entry carries the id and no content');

    // The same template as a real request with nothing new: only the code and the token differ.
    const fresh = await submit('en', { needs: ['housing'], story: marker('story') });
    const real = await open(fresh.receipt);
    assert.equal(shape(page.html, duressCode(sent.receipt, '0007')), shape(real.html, fresh.receipt));

    // The real receipt still opens everything.
    const again = await open(sent.receipt);
    assertShows(again, fromPerson);
    assertShows(again, fromTeam);
  });

  test('the flag shows on the inbox row, the request and the case, in each language', async () => {
    const sent = await submit('ru', { needs: ['legal'], story: marker('story'), duressEnding: '1122' });
    const calm = await submit('ru', { needs: ['legal'], story: marker('story') });
    const caseRequest = await submit('ru', { needs: ['legal'], story: marker('story'), duressEnding: '5566' });
    const made = await coordinator.staffPost(`/staff/requests/${caseRequest.requestId}/case`, { assignee: caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1];
    assert.ok(caseId, 'the request became a case');
    assert.doesNotMatch((await caseworkerBrowser.get(`/staff/cases/${caseId}`)).html, /data-coerced=/, 'no flag before the code is used');

    assert.equal((await open(duressCode(sent.receipt, '1122'), 'ru')).status, 200);
    assert.equal((await open(duressCode(caseRequest.receipt, '5566'), 'ru')).status, 200);
    assert.ok(await coercedAt(caseRequest.requestId), 'a request that became a case is marked too');

    const rowOf = (html: string, id: string) => new RegExp(`<tr data-request="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    for (const lang of ['en', 'ru', 'nl'] as const) {
      const tr = translator(lang);
      await coordinator.staffPost('/staff/language', { language: lang });
      await caseworkerBrowser.staffPost('/staff/language', { language: lang });
      const inbox = await coordinator.get('/staff');
      assertShows(rowOf(inbox.html, sent.requestId), tr('duress.flag'), `the ${lang} inbox row`);
      assertNotShows(rowOf(inbox.html, calm.requestId), tr('duress.flag'), `the ${lang} inbox row of a calm request`);
      assert.ok(rowOf(inbox.html, calm.requestId), 'the calm request is listed');
      const request = await coordinator.get(`/staff/requests/${sent.requestId}`);
      assertShows(request, tr('duress.flag'), `the ${lang} request page`);
      assert.match(request.html, /role="alert" data-coerced=/);
      assertNotShows(await coordinator.get(`/staff/requests/${calm.requestId}`), tr('duress.flag'), `the ${lang} page of a calm request`);
      const casePage = await caseworkerBrowser.get(`/staff/cases/${caseId}`);
      assertShows(casePage, tr('duress.flag'), `the ${lang} case page`);
      assertShows(casePage, tr('duress.flag.explain'), `the ${lang} case page`);
      // The time carries its zone, named in each language's way.
      const at = await coercedAt(caseRequest.requestId);
      assertShows(casePage, formatDateTime(lang, at!), `the ${lang} case page`);
      assert.match(formatDateTime(lang, at!), /CET|CEST|GMT\+[12]|MSK/);
    }
    await coordinator.staffPost('/staff/language', { language: 'en' });
  });

  test('a wrong code answers as an unknown one, and so does the code for danger of a request that has none', async () => {
    const sent = await submit('en', { needs: ['clothing'], story: marker('story') });
    const other = lastGroup(sent.receipt) === '9999' ? '9998' : '9999';
    for (const code of [duressCode(sent.receipt, other), '1234-5678-9012-3456-7890']) {
      const page = await open(code);
      assert.equal(page.status, 404);
      assertShows(page, en('status.notFound'));
    }
    assert.equal(await coercedAt(sent.requestId), null);
  });

  test('under duress, writing, hiding and erasing answer as they would and keep nothing', async () => {
    const sent = await submit('en', { needs: ['housing'], story: marker('story'), duressEnding: '2468' });
    const duress = duressCode(sent.receipt, '2468');
    const dictated = marker('dictated');
    const messagesBefore = await countRows(t.db, 'messages', 'request_id = $1', [sent.requestId]);
    const written = await personPost(new Browser(t), 'en', { action: 'write', receipt: duress, body: dictated });
    assert.equal(written.status, 200);
    assertShows(written, en('status.sent'));
    assertShows(written, dictated, 'the answer looks like a sent message');
    assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [sent.requestId]), messagesBefore, 'nothing dictated reaches the conversation');
    assertNotShows(await open(duress), dictated);

    const hidden = await personPost(new Browser(t), 'en', { action: 'hide', receipt: duress, confirm: 'yes' });
    assertShows(hidden, en('status.hidden'));

    const erased = await personPost(new Browser(t), 'en', { action: 'erase', receipt: duress, confirm: 'yes' });
    assert.equal(erased.status, 200);
    assertShows(erased, en('status.erased'));
    assert.equal((await open(duress)).status, 404, 'the code for danger then finds nothing, as an erased receipt would');
    const real = await open(sent.receipt);
    assert.equal(real.status, 200, 'the real request is kept');
    assert.equal(await countRows(t.db, 'receipt_lookups', 'request_id = $1', [sent.requestId]), 2, 'still two rows');
    assert.ok(await coercedAt(sent.requestId));
    const status = (await t.db.query<{ status: string }>('select status from help_requests where id = $1', [sent.requestId]))[0]!.status;
    assert.notEqual(status, 'erased');

    // Erasing with the real receipt forgets both codes.
    assert.equal((await personPost(new Browser(t), 'en', { action: 'erase', receipt: sent.receipt, confirm: 'yes' })).status, 200);
    assert.equal(await countRows(t.db, 'receipt_lookups', 'request_id = $1', [sent.requestId]), 0);
  });

  test('a repeated post shows the first receipt, whose code for danger works; the write token still counts once', async () => {
    const fields = { needs: ['legal' as const], story: marker('story'), duressEnding: '1357' };
    const browser = new Browser(t);
    const requestsBefore = await countRows(t.db, 'help_requests');
    const first = await browser.post('/en/help', fields);
    const second = await browser.post('/en/help', fields);
    const receipt = receiptOf(first.html)!;
    assert.equal(receiptOf(second.html), receipt, 'the same receipt');
    assert.match(second.html, /data-duress-ending[^>]*>1357</);
    assert.equal(await countRows(t.db, 'help_requests'), requestsBefore + 1, 'one request');
    assert.equal(await countRows(t.db, 'receipt_lookups'), 2 * (await countRows(t.db, 'help_requests', "status <> 'erased'")), 'two rows a request');
    assert.equal((await open(duressCode(receipt, '1357'))).status, 200);

    const page = await open(receipt);
    const token = /name="token" value="([^"]+)"/.exec(page.html)![1]!;
    const body = marker('once');
    for (let i = 0; i < 2; i++) await new Browser(t).post('/en/help/status', { action: 'write', receipt, body, token });
    const shown = await open(receipt);
    assert.equal(shown.html.split(body).length - 1, 1, 'the message is there once');
  });

  test('the real code and the code for danger cannot be told apart by status, headers, size or time', async () => {
    const sent = await submit('en', { needs: ['legal'], story: marker('story'), duressEnding: '8642' });
    const duress = duressCode(sent.receipt, '8642');
    const wrong = '0000-1111-2222-3333-4444';
    const N = 15;
    const runs: Record<'real' | 'duress' | 'wrong', { ms: number; page: Page }[]> = { real: [], duress: [], wrong: [] };
    const timed = async (code: string) => {
      const browser = new Browser(t);
      const started = performance.now();
      const page = await personPost(browser, 'en', { action: 'open', receipt: code });
      return { ms: performance.now() - started, page };
    };
    await timed(sent.receipt); // warm up
    for (let i = 0; i < N; i++) {
      // Interleaved, in alternating order, so a slow moment of the machine falls on both.
      const order = i % 2 === 0 ? (['real', 'duress', 'wrong'] as const) : (['duress', 'real', 'wrong'] as const);
      for (const kind of order) runs[kind].push(await timed(kind === 'real' ? sent.receipt : kind === 'duress' ? duress : wrong));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const sizes = (kind: keyof typeof runs) => runs[kind].map((run) => Buffer.byteLength(run.page.html));
    const figures = Object.fromEntries(
      (Object.keys(runs) as (keyof typeof runs)[]).map((kind) => [kind, { medianMs: Number(median(runs[kind].map((r) => r.ms)).toFixed(1)), bytes: median(sizes(kind)) }]),
    );
    console.log('duress timing and size', JSON.stringify(figures));

    for (const run of [...runs.real, ...runs.duress]) assert.equal(run.page.status, 200);
    const headerNames = (page: Page) => [...page.headers.keys()].sort().join(',');
    const realHeaders = headerNames(runs.real[0]!.page);
    for (const run of [...runs.real, ...runs.duress]) {
      assert.equal(headerNames(run.page), realHeaders, 'the same headers');
      assert.deepEqual(run.page.setCookies, [], 'no cookie');
    }
    for (const name of ['content-type', 'cache-control', 'content-security-policy', 'referrer-policy']) {
      assert.equal(runs.duress[0]!.page.headers.get(name), runs.real[0]!.page.headers.get(name), name);
    }
    const realBytes = median(sizes('real'));
    for (const bytes of sizes('duress')) assert.ok(Math.abs(bytes - realBytes) / realBytes < 0.03, `sizes within 3%: ${bytes} vs ${realBytes}`);

    const realMs = figures.real!.medianMs;
    const duressMs = figures.duress!.medianMs;
    assert.ok(Math.abs(realMs - duressMs) < Math.max(50, 0.5 * Math.max(realMs, duressMs)), `median times within noise: ${realMs} vs ${duressMs} ms`);
  });

  test('the receipt, the code for danger and a wrong code each cost the same two argon2id derivations', async () => {
    const sent = await submit('en', { needs: ['legal'], story: marker('story'), duressEnding: '9753' });
    const other = lastGroup(sent.receipt) === '1111' ? '2222' : '1111';
    const codes = { real: sent.receipt, duress: duressCode(sent.receipt, '9753'), wrong: duressCode(sent.receipt, other), unknown: '5555-4444-3333-2222-1111' };
    const cost: Record<string, number> = {};
    for (const [kind, code] of Object.entries(codes)) {
      const before = keyDerivationsRun();
      await open(code);
      cost[kind] = keyDerivationsRun() - before;
    }
    assert.deepEqual(cost, { real: 2, duress: 2, wrong: 2, unknown: 2 });
    assert.equal(RECEIPT_DIGITS, 20, 'codes of the length the status form takes');
  });
});
