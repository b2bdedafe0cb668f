import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExportError, toCsv, toHledger, type ExportTransaction } from '../../src/funding/journal-export.ts';

const gift: ExportTransaction = {
  seq: 12n,
  occurredOn: '2026-03-01',
  kind: 'gift',
  description: 'Gift · shelter',
  hash: 'ab12cd34',
  entries: [
    { account: 'assets:bank', amountCents: 2500n },
    { account: 'income:gifts:shelter', amountCents: -2500n },
  ],
};

const fee: ExportTransaction = {
  seq: 13n,
  occurredOn: '2026-03-02',
  kind: 'fee',
  description: 'Mollie fee',
  entries: [
    { account: 'expenses:fees:mollie', amountCents: 1n },
    { account: 'assets:mollie', amountCents: -1n },
  ],
};

/**
 * A reader of the subset of the hledger journal grammar we write: a transaction line (date,
 * description, "  ; " and comma-separated tags), then postings (four spaces, an account that
 * ends at two spaces, "EUR", a signed decimal with two places), then a blank line.
 */
function readJournal(journal: string) {
  const transactions: { date: string; description: string; tags: Record<string, string>; postings: { account: string; cents: bigint }[] }[] = [];
  for (const block of journal.split('\n\n').filter((part) => part.trim() !== '')) {
    const [head = '', ...lines] = block.split('\n').filter((line) => line !== '');
    const match = /^(\d{4}-\d{2}-\d{2}) ([^;\n]+?)  ; (.+)$/.exec(head);
    assert.ok(match, `transaction line: ${JSON.stringify(head)}`);
    const tags = Object.fromEntries(match[3]!.split(', ').map((tag) => tag.split(/:(.*)/s).slice(0, 2)));
    const postings = lines.map((line) => {
      const posting = /^ {4}(\S(?:\S| (?! ))*) {2,}EUR (-?)(\d+)\.(\d{2})$/.exec(line);
      assert.ok(posting, `posting line: ${JSON.stringify(line)}`);
      const cents = BigInt(posting[3]!) * 100n + BigInt(posting[4]!);
      return { account: posting[1]!, cents: posting[2] ? -cents : cents };
    });
    transactions.push({ date: match[1]!, description: match[2]!, tags, postings });
  }
  return transactions;
}

/** RFC 4180 rows, quotes undone. */
function readCsv(csv: string): string[][] {
  assert.ok(csv.endsWith('\r\n'));
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const char = csv[i]!;
    if (quoted) {
      if (char === '"' && csv[i + 1] === '"') (cell += '"'), i++;
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(cell), (cell = '');
    else if (char === '\r' && csv[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += char;
  }
  return rows;
}

describe('test/funding/journal-export.test.ts', () => {
  test('the journal, exactly as hledger and ledger read it', () => {
    assert.equal(
      toHledger([gift, fee]),
      [
        '2026-03-01 Gift · shelter  ; seq:12, kind:gift, hash:ab12cd34',
        '    assets:bank            EUR 25.00',
        '    income:gifts:shelter  EUR -25.00',
        '',
        '2026-03-02 Mollie fee  ; seq:13, kind:fee',
        '    expenses:fees:mollie   EUR 0.01',
        '    assets:mollie         EUR -0.01',
        '',
      ].join('\n'),
    );
    assert.equal(toHledger([]), '');
  });

  test('read back by the grammar, every transaction balances to the cent, large amounts included', () => {
    const large: ExportTransaction = {
      seq: 9007199254740993n,
      occurredOn: '2026-12-31',
      kind: 'payout',
      description: 'Payout',
      entries: [
        { account: 'assets:bank', amountCents: 9_007_199_254_740_993n }, // 2^53 + 1: a float would lose the last cent
        { account: 'assets:stripe', amountCents: -9_007_199_254_740_990n },
        { account: 'expenses:fees:stripe', amountCents: -3n },
      ],
    };
    const read = readJournal(toHledger([gift, fee, large]));
    assert.equal(read.length, 3);
    for (const transaction of read) assert.equal(transaction.postings.reduce((sum, posting) => sum + posting.cents, 0n), 0n);
    assert.deepEqual(read[2]?.postings.map((posting) => posting.cents), [9_007_199_254_740_993n, -9_007_199_254_740_990n, -3n]);
    assert.equal(read[2]?.tags.seq, '9007199254740993');
    assert.equal(read[0]?.tags.hash, 'ab12cd34');
  });

  test('a description cannot break the journal: no new line, no forged comment or tag, no virtual account', () => {
    const hostile: ExportTransaction = {
      ...gift,
      description: 'Gift\n2026-01-01 Forged\n    assets:bank  EUR 1000000.00 ; seq:1, kind:forged',
      kind: 'gift, hash:forged',
      entries: [
        { account: '(assets:bank)', amountCents: 100n },
        { account: 'income:gifts:general  EUR 5.00', amountCents: -100n },
      ],
    };
    const journal = toHledger([hostile]);
    const [read] = readJournal(journal);
    assert.equal(journal.split('\n').filter((line) => /^\d{4}-/.test(line)).length, 1, 'one transaction line');
    assert.equal(read?.tags.seq, '12');
    assert.equal(read?.tags.kind, 'gift_hash:forged');
    assert.equal(read?.tags.hash, 'ab12cd34');
    assert.deepEqual(read?.postings.map((posting) => [posting.account, posting.cents]), [
      ['assets:bank)', 100n],
      ['income:gifts:general EUR 5.00', -100n],
    ]);
  });

  test('an unbalanced or undated transaction is refused, not written', () => {
    assert.throws(() => toHledger([{ ...gift, entries: [{ account: 'assets:bank', amountCents: 2500n }, { account: 'income:gifts:shelter', amountCents: -2499n }] }]), ExportError);
    assert.throws(() => toHledger([{ ...gift, entries: [{ account: 'assets:bank', amountCents: 0n }] }]), ExportError);
    assert.throws(() => toCsv([{ ...gift, occurredOn: '01-03-2026' }]), ExportError);
  });

  test('CSV: one row per entry, RFC 4180 quoting, amounts with two decimals', () => {
    const quoted: ExportTransaction = { ...fee, description: 'Coat, size "L"\nand boots' };
    const csv = toCsv([gift, quoted]);
    assert.ok(csv.startsWith('seq,date,kind,description,account,amount\r\n12,2026-03-01,gift,Gift · shelter,assets:bank,25.00\r\n'));
    assert.deepEqual(readCsv(csv), [
      ['seq', 'date', 'kind', 'description', 'account', 'amount'],
      ['12', '2026-03-01', 'gift', 'Gift · shelter', 'assets:bank', '25.00'],
      ['12', '2026-03-01', 'gift', 'Gift · shelter', 'income:gifts:shelter', '-25.00'],
      ['13', '2026-03-02', 'fee', 'Coat, size "L"\nand boots', 'expenses:fees:mollie', '0.01'],
      ['13', '2026-03-02', 'fee', 'Coat, size "L"\nand boots', 'assets:mollie', '-0.01'],
    ]);
  });

  test('CSV: a cell a spreadsheet would run as a formula is made text; negative amounts stay numbers', () => {
    const formulas = ['=HYPERLINK("http://evil.example","x")', '+31 6 1234', '-2+3', '@SUM(A1)', '\tTab', '\rReturn'];
    const rows = readCsv(toCsv(formulas.map((description, i) => ({ ...gift, seq: BigInt(i), kind: description, description }))));
    for (const [i, formula] of formulas.entries()) {
      const [, , kind, description, , amount] = rows[1 + 2 * i] ?? [];
      assert.equal(description, `'${formula}`);
      assert.equal(kind, `'${formula}`);
      assert.equal(amount, '25.00');
      assert.equal(rows[2 + 2 * i]?.[5], '-25.00', 'our own negative amount is not neutralised');
    }
    assert.equal(readCsv(toCsv([{ ...gift, description: 'Gift = love' }]))[1]?.[3], 'Gift = love', 'only a leading sign counts');
  });
});
