import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { exportBooks } from '../../src/funding/export-books.ts';
import { postTransaction, reverseTransaction } from '../../src/funding/ledger.ts';
import { spendAccount } from '../../src/funding/purposes.ts';
import { translator } from '../../src/i18n/index.ts';
import type { StaffSession } from '../../src/web/context.ts';
import { countRows, createStaff, initialiseInstance, loggedIn, startTestApp, type Browser, type StaffUser, type TestApp } from '../support/app.ts';
import { gift, mollieGift } from './ledger-support.ts';

describe('test/funding/exports.test.ts', () => {
  /**
   * The accountant's exports (CSV and an hledger journal, streamed page by page) and "Check the
   * books": treasurer only, audited, balanced, and a spreadsheet formula in a description is text.
   */
  let t: TestApp;
  let treasurer: StaffUser;
  let books: Browser;
  let caseworker: Browser;
  const FORMULA = '=HYPERLINK("http://evil.example/","click")';

  before(async () => {
    t = await startTestApp();
    await initialiseInstance(t.db);
    treasurer = await createStaff(t.db, { login: 'export-treasurer', roles: ['treasurer'] });
    books = await loggedIn(t, treasurer);
    caseworker = await loggedIn(t, await createStaff(t.db, { login: 'export-caseworker', roles: ['caseworker'] }));
    await postTransaction(t.db, gift('shelter', 2_500n, 'export:1', '2025-01-10'));
    await postTransaction(t.db, mollieGift('psych', 10_000n, 329n, 'export:2', '2025-02-20'));
    const spent = await postTransaction(t.db, {
      kind: 'expense',
      occurredOn: '2025-03-05',
      description: FORMULA,
      entries: [
        { account: spendAccount('shelter'), amountCents: 1_999n },
        { account: 'assets:bank', amountCents: -1_999n },
      ],
      actorUserId: null,
    });
    await reverseTransaction(t.db, spent.seq, { occurredOn: '2025-03-06', description: 'Reversal; wrong amount', actorUserId: null });
  });

  after(() => t?.close());

  /** CSV rows after the header, split on commas outside quotes (our cells hold no newline). */
  function csvRows(text: string): string[][] {
    const lines = text.split('\r\n');
    assert.equal(lines.at(-1), '', 'every row ends with CRLF');
    return lines.slice(1, -1).map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]!).slice(0, 6));
  }

  /** Sums each journal transaction's postings, in cents, by its seq tag. */
  function journalSums(text: string): Map<string, bigint> {
    const sums = new Map<string, bigint>();
    for (const block of text.trim().split(/\n\n+/)) {
      const [head, ...postings] = block.split('\n');
      const seq = /seq:(\d+)/.exec(head!)?.[1];
      assert.ok(seq, `a transaction line with its seq: ${head}`);
      assert.ok(postings.length >= 2, 'two postings or more');
      let sum = 0n;
      for (const posting of postings) {
        const amount = /EUR (-?)(\d+)\.(\d{2})$/.exec(posting);
        assert.ok(amount, `a posting with an amount: ${posting}`);
        sum += (amount[1] ? -1n : 1n) * (BigInt(amount[2]!) * 100n + BigInt(amount[3]!));
      }
      sums.set(seq, sum);
    }
    return sums;
  }

  test('the CSV is an attachment, every transaction in it balances, and a formula stays text', async () => {
    const before = await countRows(t.db, 'audit_events', "kind = 'ledger.exported'");
    const page = await books.get('/staff/funding/export.csv');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(page.headers.get('content-disposition'), 'attachment; filename="beside-books.csv"');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.ok(page.html.startsWith('seq,date,kind,description,account,amount\r\n'));
    const rows = csvRows(page.html);
    assert.equal(rows.length, 2 + 3 + 2 + 2, 'every entry is a row');
    const sums = new Map<string, bigint>();
    for (const [seq, , , , , amount] of rows) {
      const [euros, cents] = amount!.replace('-', '').split('.');
      sums.set(seq!, (sums.get(seq!) ?? 0n) + (amount!.startsWith('-') ? -1n : 1n) * (BigInt(euros!) * 100n + BigInt(cents!)));
    }
    assert.deepEqual([...sums.values()], [0n, 0n, 0n, 0n], 'four transactions, each summing to zero');
    const expense = rows.filter((row) => row[2] === 'expense');
    assert.equal(expense.length, 2);
    for (const row of expense) assert.ok(row[3]!.startsWith(`"'=HYPERLINK`), `the formula is neutralised: ${row[3]}`);
    assert.ok(!/(^|,)"?[=+@]/m.test(page.html), 'no cell starts a formula');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'ledger.exported'"), before + 1, 'the export is audited');
  });

  test('the journal balances transaction by transaction, and hledger reads it', async () => {
    const page = await books.get('/staff/funding/export.journal');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-disposition'), 'attachment; filename="beside-books.journal"');
    const sums = journalSums(page.html);
    assert.deepEqual([...sums.keys()], ['1', '2', '3', '4']);
    assert.ok([...sums.values()].every((sum) => sum === 0n), 'every transaction sums to zero');
    assert.ok(!/Reversal; wrong/.test(page.html), 'a ";" in a description cannot forge tags');
    const hledger = spawnSync('hledger', ['-f', '-', 'balance', '--flat', '--no-elide'], { input: page.html, encoding: 'utf8' });
    if (hledger.error) return; // not installed here: the sums above are the proof
    assert.equal(hledger.status, 0, hledger.stderr);
    assert.match(hledger.stdout, /EUR 25\.00\s+assets:bank\n/);
    assert.match(hledger.stdout, /-+\n\s+0\s*$/, 'the books sum to zero');
  });

  test('a date range keeps only the transactions that occurred within it, both days included', async () => {
    const page = await books.get('/staff/funding/export.journal?from=2025-02-20&to=2025-03-05');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-disposition'), 'attachment; filename="beside-books-from-2025-02-20-to-2025-03-05.journal"');
    assert.deepEqual([...journalSums(page.html).keys()], ['2', '3']);
    const empty = await books.get('/staff/funding/export.csv?from=2030-01-01');
    assert.equal(empty.html, 'seq,date,kind,description,account,amount\r\n', 'an empty range is the header alone');
    const [audit] = await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'ledger.exported' order by seq desc limit 1");
    assert.deepEqual(JSON.parse(audit!.detail), { format: 'csv', from: '2030-01-01', to: null });
  });

  test('a wrong range is refused with the form, and exports nothing', async () => {
    const before = await countRows(t.db, 'audit_events', "kind = 'ledger.exported'");
    for (const query of ['from=2025-03-01&to=2025-02-01', 'from=yesterday', 'to=2025-02-30']) {
      const page = await books.get(`/staff/funding/export.csv?${query}`);
      assert.equal(page.status, 400, query);
      assert.match(page.html, /id="range-problem"/);
    }
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'ledger.exported'"), before);
  });

  test('paged small, the stream gives exactly what one page gives', async () => {
    const staff = { userId: treasurer.id } as StaffSession;
    for (const format of ['csv', 'journal'] as const) {
      const whole = await new Response(await exportBooks(t.db, staff, format, { from: null, to: null })).text();
      const paged = await new Response(await exportBooks(t.db, staff, format, { from: null, to: null }, 1)).text();
      assert.equal(paged, whole, format);
    }
  });

  test('only the treasurer: a caseworker gets "not found" for the books, the exports and the check', async () => {
    const before = await countRows(t.db, 'audit_events', "kind in ('ledger.exported', 'ledger.checked')");
    for (const path of ['/staff/funding/books', '/staff/funding/export.csv', '/staff/funding/export.journal']) {
      const page = await caseworker.get(path);
      assert.equal(page.status, 404, path);
      assert.ok(!page.html.includes('EUR'), path);
    }
    assert.equal((await caseworker.staffPost('/staff/funding/books/check')).status, 404);
    assert.equal(await countRows(t.db, 'audit_events', "kind in ('ledger.exported', 'ledger.checked')"), before);
  });

  test('the books page links both downloads and the check, and the check says the books are in order', async () => {
    const page = await books.get('/staff/funding/books');
    assert.equal(page.status, 200);
    assert.match(page.html, /action="\/staff\/funding\/export\.csv"/);
    assert.match(page.html, /formaction="\/staff\/funding\/export\.journal"/);
    const checked = await books.staffPost('/staff/funding/books/check');
    assert.equal(checked.status, 200);
    assert.match(checked.html, /data-verdict="ok"/);
    assert.match(checked.html, /4 transactions checked/);
    const [audit] = await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'ledger.checked' order by seq desc limit 1");
    assert.deepEqual(JSON.parse(audit!.detail), { problems: 0 });
  });

  test('the check counts in Russian with one, few and many', () => {
    const ru = translator('ru');
    assert.deepEqual(
      [1, 2, 5, 21, 22].map((n) => ru('books.check.transactions', { n })),
      ['проверена 1 проводка', 'проверены 2 проводки', 'проверено 5 проводок', 'проверена 21 проводка', 'проверены 22 проводки'],
    );
    assert.deepEqual([1, 2, 5, 21, 22].map((n) => ru('books.check.entries', { n })), ['1 запись', '2 записи', '5 записей', '21 запись', '22 записи']);
  });

  test('the check shows an amount edited in the database, and audits how many problems it found', async () => {
    const tamper = (sql: string) =>
      t.db.transaction(async (tx) => {
        await tx.query('set local session_replication_role = replica');
        await tx.query(sql);
      });
    await tamper('update ledger_entries set amount_cents = amount_cents + 1 where transaction_seq = 1 and line = 1');
    try {
      const checked = await books.staffPost('/staff/funding/books/check');
      assert.equal(checked.status, 200);
      assert.match(checked.html, /data-verdict="problems"/);
      assert.match(checked.html, /#1: does not balance/);
      const [audit] = await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'ledger.checked' order by seq desc limit 1");
      assert.ok(JSON.parse(audit!.detail).problems > 0);
    } finally {
      await tamper('update ledger_entries set amount_cents = amount_cents - 1 where transaction_seq = 1 and line = 1');
    }
  });
});
