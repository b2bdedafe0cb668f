import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Camt053Error, parseCamt053, type CamtEntry } from '../../src/funding/camt053.ts';
import { findRfReference } from '../../src/funding/rf-reference.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const ing = fixture('camt053-v02-ing.xml');
const prefixed = fixture('camt053-v08-prefixed.xml');

function refused(xml: string | Uint8Array, code: string, limits?: Parameters<typeof parseCamt053>[1]): Camt053Error {
  let caught: unknown;
  try {
    parseCamt053(xml, limits);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Camt053Error, `expected a Camt053Error, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

const entriesOf = (xml: string) => parseCamt053(xml).statements.flatMap((statement) => statement.entries);
const byRef = (entries: CamtEntry[], ref: string) => entries.find((entry) => entry.entryRef === ref);

describe('test/funding/camt053.test.ts', () => {
  test('a version 02 statement: account, id and one line per booked entry or batch part', () => {
    const { statements } = parseCamt053(ing);
    assert.equal(statements.length, 1);
    const [statement] = statements;
    assert.equal(statement?.accountIban, 'NL20INGB0001234567');
    assert.equal(statement?.statementId, '0001234567EUR20260302');
    assert.deepEqual(
      statement?.entries.map((entry) => [entry.entryRef, entry.direction, entry.amountCents]),
      [
        ['INGB20260302000001', 'credit', 2500n],
        ['INGB20260302000002', 'credit', 1250n],
        ['INGB20260302000003', 'debit', 65000n],
        ['INGB20260302000004/1', 'credit', 100000n],
        ['INGB20260302000004/2', 'credit', 1n],
        [statement?.entries[5]?.entryRef, 'debit', 345n],
        [statement?.entries[6]?.entryRef, 'debit', 345n],
        ['INGB20260302000008', 'credit', 65000n],
      ],
    );
    // Opening balance plus every line is the closing balance the bank printed: nothing lost, nothing twice.
    const net = statement!.entries.reduce((sum, entry) => sum + (entry.direction === 'credit' ? entry.amountCents : -entry.amountCents), 0n);
    assert.equal(152000n + net, 255061n);
  });

  test('a gift with its RF reference in the structured field: every field of the line', () => {
    assert.deepEqual(byRef(entriesOf(ing), 'INGB20260302000001'), {
      entryRef: 'INGB20260302000001',
      bookingDate: '2026-03-02',
      valueDate: '2026-03-02',
      amountCents: 2500n,
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      structuredRef: 'RF6956436082132501597161',
      unstructured: null,
      counterpartyName: 'J. de Vries',
      counterpartyIban: 'NL39RABO0300065264',
      additionalInfo: null,
      endToEndId: 'NOTPROVIDED',
    });
  });

  test('unstructured text is joined, entities decoded, and a typed reference can be found in it', () => {
    const gift = byRef(entriesOf(ing), 'INGB20260302000002');
    assert.equal(gift?.structuredRef, null);
    assert.equal(gift?.unstructured, 'Gift voor opvang RF69 5932 4471 9365 8912 0928 — succes!');
    assert.equal(gift?.counterpartyName, 'Смит & Янсен');
    assert.equal(gift?.counterpartyIban, 'NL25BUNQ2025550123');
    assert.equal(gift?.amountCents, 1250n, '"12.5" is 1250 cents');
    assert.equal(findRfReference(gift?.unstructured ?? ''), 'RF6959324471936589120928');
  });

  test('a payment out names the creditor; a returned one is a reversal', () => {
    const entries = entriesOf(ing);
    const rent = byRef(entries, 'INGB20260302000003');
    assert.equal(rent?.direction, 'debit');
    assert.equal(rent?.counterpartyName, 'Verhuur B.V.');
    assert.equal(rent?.counterpartyIban, 'NL02ABNA0123456789');
    assert.equal(rent?.reversal, false);
    const returned = byRef(entries, 'INGB20260302000008');
    assert.equal(returned?.reversal, true);
    assert.equal(returned?.direction, 'credit');
  });

  test('a batch gives one line per transaction, each with its own amount and reference', () => {
    const entries = entriesOf(ing);
    assert.equal(byRef(entries, 'INGB20260302000004/1')?.structuredRef, 'RF1991302553594522902009');
    assert.equal(byRef(entries, 'INGB20260302000004/2')?.structuredRef, 'RF0678727020506792677028', 'printed with spaces in the file');
    assert.equal(byRef(entries, 'INGB20260302000004/2')?.counterpartyIban, 'BE68539007547034');
    assert.equal(byRef(entries, 'INGB20260302000004'), undefined, 'the batch itself is not a line');
  });

  test('entries without a reference get a hash of their own fields; identical ones are told apart by order', () => {
    const [first, second] = entriesOf(ing).filter((entry) => entry.entryRef.startsWith('sha256:'));
    assert.match(first?.entryRef ?? '', /^sha256:[0-9a-f]{32}$/);
    assert.equal(second?.entryRef, `${first?.entryRef}~2`);
    assert.equal(first?.additionalInfo, 'Kosten zakelijk betalingsverkeer');
    assert.equal(first?.valueDate, null);
  });

  test('pending entries are not lines', () => {
    assert.equal(entriesOf(ing).some((entry) => entry.entryRef === 'INGB20260302000007' || entry.amountCents === 4000n), false);
  });

  test('importing the same file twice gives the same references, and so does a re-export with other spacing', () => {
    assert.deepEqual(entriesOf(ing), entriesOf(ing));
    const squeezed = ing.replace(/>\s+</g, '><');
    assert.notEqual(squeezed, ing);
    assert.deepEqual(entriesOf(squeezed), entriesOf(ing));
    const refs = entriesOf(ing).map((entry) => entry.entryRef);
    assert.equal(new Set(refs).size, refs.length, 'no two lines share a reference');
  });

  test('a bank that repeats a reference does not merge two entries', () => {
    const repeated = ing.replace('<AcctSvcrRef>INGB20260302000003</AcctSvcrRef>', '<AcctSvcrRef>INGB20260302000001</AcctSvcrRef>');
    const refs = entriesOf(repeated).map((entry) => entry.entryRef);
    assert.deepEqual(refs.slice(0, 3), ['INGB20260302000001', 'INGB20260302000002', 'INGB20260302000001~2']);
  });

  test('version 08 with a namespace prefix: two statements, parties under <Pty>, status codes, booking times', () => {
    const { statements } = parseCamt053(prefixed);
    assert.deepEqual(statements.map((statement) => [statement.statementId, statement.accountIban]), [
      ['STMT-2026-03-03', 'NL36INGB0007654321'],
      ['STMT-2026-03-04', 'NL36INGB0007654321'],
    ]);
    const entries = statements.flatMap((statement) => statement.entries);
    const gift = byRef(entries, 'STMT-2026-03-03:1');
    assert.equal(gift?.counterpartyName, 'Élodie Dubois');
    assert.equal(gift?.structuredRef, 'RF6718442083600102084027');
    assert.equal(gift?.bookingDate, '2026-03-03', 'the date the bank wrote, not moved to UTC');
    assert.equal(gift?.valueDate, '2026-03-03');
    assert.equal(byRef(entries, 'STMT-2026-03-03:2')?.counterpartyName, 'Kledingbank Noord');
    // NtryRef restarts in each statement; the statement's id keeps them apart.
    assert.ok(byRef(entries, 'STMT-2026-03-04:2'));
  });

  test('a batch of a gift less a fee splits by direction; one whose parts do not add up stays whole, unmatched', () => {
    const entries = entriesOf(prefixed);
    assert.deepEqual(
      [byRef(entries, 'STMT-2026-03-04:1/1'), byRef(entries, 'STMT-2026-03-04:1/2')].map((line) => [line?.direction, line?.amountCents, line?.structuredRef]),
      [
        ['credit', 8000n, 'RF0678727020506792677028'],
        ['debit', 500n, null],
      ],
    );
    const whole = byRef(entries, 'STMT-2026-03-04:2');
    assert.equal(whole?.amountCents, 3000n);
    assert.equal(whole?.structuredRef, null, 'no reference is guessed for part of the money');
    assert.equal(whole?.additionalInfo, 'Verzamelbetaling');
  });

  test('amounts are exact from their text, up to 18 digits, never through a float', () => {
    const withAmount = (amount: string) => ing.replace('<Amt Ccy="EUR">25.00</Amt>\n        <CdtDbtInd>CRDT', `<Amt Ccy="EUR">${amount}</Amt>\n        <CdtDbtInd>CRDT`);
    assert.equal(entriesOf(withAmount('9999999999999999.99'))[0]?.amountCents, 999999999999999999n);
    assert.equal(entriesOf(withAmount('0.1'))[0]?.amountCents, 10n);
    assert.equal(entriesOf(withAmount('12.34000'))[0]?.amountCents, 1234n);
    for (const bad of ['12,50', '-25.00', '1e3', '12.345', '', '25.00.1', '0x10', '99999999999999999.99', ' 2 5']) {
      const error = refused(withAmount(bad), 'bad_amount');
      assert.equal(error.where, 'statement 1, entry 1');
    }
    refused(ing.replace('<Amt Ccy="EUR">25.00</Amt>\n        <CdtDbtInd>CRDT', '<Amt>25.00</Amt>\n        <CdtDbtInd>CRDT'), 'bad_amount');
  });

  test('bad dates and directions are refused with the place in the file', () => {
    const error = refused(ing.replace('<BookgDt><Dt>2026-03-02</Dt></BookgDt>', '<BookgDt><Dt>2026-02-30</Dt></BookgDt>'), 'bad_date');
    assert.equal(error.where, 'statement 1, entry 1');
    refused(ing.replace('<BookgDt><Dt>2026-03-02</Dt></BookgDt>', '<BookgDt><Dt>02-03-2026</Dt></BookgDt>'), 'bad_date');
    refused(ing.replace('<BookgDt><Dt>2026-03-02</Dt></BookgDt>', ''), 'bad_date');
    refused(ing.replace('<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>BOOK', '<CdtDbtInd>BOTH</CdtDbtInd>\n        <Sts>BOOK'), 'bad_entry');
    refused(ing.replace('<Id>0001234567EUR20260302</Id>', ''), 'bad_entry');
  });

  test('"billion laughs" is refused before any entity is expanded', () => {
    const error = refused(fixture('camt053-billion-laughs.xml'), 'doctype_refused');
    assert.doesNotMatch(error.message, /lol/);
  });

  test('an external entity is never resolved: a planted file stays unread', () => {
    const folder = mkdtempSync(join(tmpdir(), 'beside-xxe-'));
    try {
      const canary = `canary-${process.pid}-${Date.now()}`;
      const secret = join(folder, 'secret.txt');
      writeFileSync(secret, canary);
      const xml = fixture('camt053-external-entity.xml').replace('file:///etc/hostname', `file://${secret}`);
      assert.ok(xml.includes(secret), 'the attack names the planted file');
      const error = refused(xml, 'doctype_refused');
      assert.doesNotMatch(`${error.message} ${error.where ?? ''}`, new RegExp(canary));
      // Other spellings of the same attack.
      refused(xml.replace('<!DOCTYPE', '<!doctype'), 'doctype_refused');
      refused(`\uFEFF${xml}`, 'doctype_refused');
      refused(new TextEncoder().encode(xml), 'doctype_refused');
      refused(Buffer.from(`\uFEFF${xml}`, 'utf16le'), 'not_xml');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('a truncated file is refused, not read in part', () => {
    for (const cut of [0.2, 0.5, 0.9, 0.999]) refused(ing.slice(0, Math.floor(ing.length * cut)), 'not_xml');
  });

  test('other documents are refused: not XML, other messages, other versions, no namespace', () => {
    for (const junk of ['', 'hello', '{"statements": []}', '<html><body>hi</body></html>', '<Document>']) refused(junk, junk === '<html><body>hi</body></html>' ? 'not_camt053' : 'not_xml');
    refused(ing.replace('camt.053.001.02"', 'camt.052.001.02"'), 'not_camt053');
    refused(ing.replace('camt.053.001.02"', 'camt.053.001.09"'), 'not_camt053');
    refused(ing.replace(' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', ''), 'not_camt053');
    refused(ing.replace(/BkToCstmrStmt>/g, 'BkToCstmrAcctRpt>'), 'not_camt053');
    refused(Uint8Array.from([0x3c, 0xff, 0xfe, 0x3e]), 'not_xml');
  });

  test('size and entry limits: refused before reading, with a typed error', () => {
    refused(ing, 'too_large', { maxBytes: 1000 });
    refused(new TextEncoder().encode(ing), 'too_large', { maxBytes: 1000 });
    refused(`${ing}${' '.repeat(10 * 1024 * 1024)}`, 'too_large');
    assert.equal(parseCamt053(ing, { maxEntries: 8 }).statements[0]?.entries.length, 8);
    refused(ing, 'too_many_entries', { maxEntries: 7 });
  });
});
