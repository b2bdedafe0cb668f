import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { hasInstanceSecret, useInstanceSecret } from '../../src/crypto/instance-secret.ts';
import { hashTransaction, LEDGER_GENESIS, sameBytes, type ChainedTransaction } from '../../src/funding/ledger-hash.ts';
import {
  checkTransaction,
  isCalendarDay,
  LedgerError,
  mirrorEntries,
  monthOf,
  movementsOf,
  type LedgerErrorCode,
} from '../../src/funding/ledger-rules.ts';
import { gift } from './ledger-support.ts';

describe('test/funding/ledger-rules.test.ts', () => {
  const codeOf = (run: () => void): LedgerErrorCode | 'none' => {
    try {
      run();
      return 'none';
    } catch (error) {
      if (error instanceof LedgerError) return error.code;
      throw error;
    }
  };

  test('a transaction balances, has two entries or more, and moves money on each', () => {
    const base = gift('shelter', 1_000n);
    assert.equal(codeOf(() => checkTransaction(base)), 'none');
    const three = { ...base, entries: [...base.entries.slice(0, 1), { account: 'income:gifts:legal', amountCents: -400n }, { account: 'income:gifts:shelter', amountCents: -600n }] };
    assert.equal(codeOf(() => checkTransaction(three)), 'none');
    assert.equal(codeOf(() => checkTransaction({ ...base, entries: [{ account: 'assets:bank', amountCents: 1n }, { account: 'income:gifts:legal', amountCents: 1n }] })), 'unbalanced');
    assert.equal(codeOf(() => checkTransaction({ ...base, entries: base.entries.slice(1) })), 'too_few_entries');
    assert.equal(codeOf(() => checkTransaction({ ...base, entries: [...base.entries, { account: 'assets:bank', amountCents: 0n }] })), 'zero_amount');
    // A number is not money here: cents are bigint, so 0.1 + 0.2 never reaches the books.
    const float = { account: 'assets:bank', amountCents: 10 as unknown as bigint };
    assert.equal(codeOf(() => checkTransaction({ ...base, entries: [float, { account: 'income:gifts:legal', amountCents: -10n }] })), 'amount_out_of_range');
  });

  test('kind, day, description and source reference are checked', () => {
    const base = gift('legal', 5n);
    assert.equal(codeOf(() => checkTransaction({ ...base, kind: 'donation' as never })), 'bad_kind');
    assert.equal(codeOf(() => checkTransaction({ ...base, kind: 'reversal' })), 'bad_kind');
    assert.equal(codeOf(() => checkTransaction({ ...base, reverses: 1n })), 'bad_kind');
    assert.equal(codeOf(() => checkTransaction({ ...base, description: 'x'.repeat(201) })), 'bad_description');
    assert.equal(codeOf(() => checkTransaction({ ...base, sourceRef: '' })), 'bad_source_ref');
    for (const day of ['2025-2-01', '2025-02-29', '2025-13-01', '20250301', '2025-03-01T00:00']) {
      assert.equal(codeOf(() => checkTransaction({ ...base, occurredOn: day })), 'bad_date', day);
    }
    assert.ok(isCalendarDay('2024-02-29'));
    assert.equal(monthOf('2024-02-29'), '2024-02-01');
  });

  test('movements sum each account once, sorted by name, with debits and credits apart', () => {
    const entries = [
      { account: 'income:gifts:shelter', amountCents: -700n },
      { account: 'assets:mollie', amountCents: 1_000n },
      { account: 'expenses:fees:mollie', amountCents: 29n },
      { account: 'assets:mollie', amountCents: -29n },
      { account: 'income:gifts:general', amountCents: -300n },
    ];
    assert.deepEqual(movementsOf(entries), [
      { account: 'assets:mollie', sumCents: 971n, entries: 2n, debitCents: 1_000n, creditCents: 29n },
      { account: 'expenses:fees:mollie', sumCents: 29n, entries: 1n, debitCents: 29n, creditCents: 0n },
      { account: 'income:gifts:general', sumCents: -300n, entries: 1n, debitCents: 0n, creditCents: 300n },
      { account: 'income:gifts:shelter', sumCents: -700n, entries: 1n, debitCents: 0n, creditCents: 700n },
    ]);
    assert.deepEqual(mirrorEntries(entries.slice(0, 2)), [
      { account: 'income:gifts:shelter', amountCents: 700n },
      { account: 'assets:mollie', amountCents: -1_000n },
    ]);
  });

  test("a transaction's hash covers every column, every entry and the previous hash", () => {
    if (!hasInstanceSecret()) useInstanceSecret(new Uint8Array(randomBytes(32)));
    const base: ChainedTransaction = {
      seq: 7n,
      id: randomUUID(),
      kind: 'gift',
      occurredOn: '2025-03-14',
      recordedAt: new Date('2025-03-14T10:00:00.123Z'),
      description: 'Gift by bank transfer',
      sourceRef: 'camt:1',
      reverses: null,
      actorUserId: null,
      entries: [
        { line: 1, account: 'assets:bank', amountCents: 1_000n },
        { line: 2, account: 'income:gifts:legal', amountCents: -1_000n },
      ],
      prevHash: LEDGER_GENESIS,
    };
    const hash = hashTransaction(base);
    assert.ok(sameBytes(hash, hashTransaction({ ...base, entries: base.entries.map((entry) => ({ ...entry })) })), 'the same columns hash alike');
    const changes: Partial<ChainedTransaction>[] = [
      { seq: 8n },
      { id: randomUUID() },
      { kind: 'fee' },
      { occurredOn: '2025-03-15' },
      { recordedAt: new Date('2025-03-14T10:00:00.124Z') },
      { description: 'Gift by bank transfer.' },
      { sourceRef: null },
      { sourceRef: '' },
      { reverses: 1n },
      { actorUserId: randomUUID() },
      { prevHash: new Uint8Array(32).fill(1) },
      { entries: [{ line: 1, account: 'assets:bank', amountCents: 100n }, { line: 2, account: 'income:gifts:legal', amountCents: -100n }] },
      { entries: [{ line: 1, account: 'assets:bank', amountCents: 1_000n }, { line: 2, account: 'income:gifts:shelter', amountCents: -1_000n }] },
      { entries: [{ line: 2, account: 'assets:bank', amountCents: 1_000n }, { line: 1, account: 'income:gifts:legal', amountCents: -1_000n }] },
      { entries: [...base.entries, { line: 3, account: 'assets:bank', amountCents: 1n }] },
    ];
    for (const change of changes) assert.ok(!sameBytes(hash, hashTransaction({ ...base, ...change })), JSON.stringify(Object.keys(change)));
    // null and '' are different values, and hash differently.
    assert.ok(!sameBytes(hashTransaction({ ...base, sourceRef: null }), hashTransaction({ ...base, sourceRef: '' })));
  });
});
