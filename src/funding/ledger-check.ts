import { isDb, type Queryable } from '../db/client.ts';
import { hashTransaction, hexOf, LEDGER_GENESIS, sameBytes } from './ledger-hash.ts';
import { mirrorEntries, monthOf, movementsOf, sameEntries, type LedgerEntry } from './ledger-rules.ts';
import { entriesOf } from './ledger-read.ts';

export type LedgerVerdict = {
  transactions: bigint;
  entries: bigint;
  /** The last transaction's hash (hex), or '' for empty books: kept elsewhere, it shows a cut tail later. */
  headHash: string;
  headSeq: bigint;
  problems: string[];
};

type TransactionRow = {
  seq: bigint;
  id: string;
  kind: string;
  occurred_on: string;
  recorded_at: Date;
  sub_ms: boolean;
  description: string;
  source_ref: string | null;
  reverses: bigint | null;
  actor_user_id: string | null;
  prev_hash: Uint8Array;
  hash: Uint8Array;
};

const BATCH = 2_000;
/** Books rewritten wholesale would give a problem per transaction: the first ones say enough. */
const MAX_PROBLEMS = 1_000;

/**
 * Recomputes the books from their entries and compares: every transaction balances with two
 * entries or more, the hash chain is unbroken and every hash is right, a reversal mirrors what it
 * reverses, and every kept total (balances, monthly rows, kind counts) equals what the entries
 * give. Reads the transactions in pages by seq, so a million entries never sit in memory at once;
 * what it keeps is one total per account, per account and month, and per kind. Given the
 * database, it reads in one snapshot, so posts made meanwhile do not show as differences.
 */
export async function checkLedger(db: Queryable): Promise<LedgerVerdict> {
  if (isDb(db)) {
    return db.transaction(async (tx) => {
      await tx.query('set transaction isolation level repeatable read, read only');
      return checkLedger(tx);
    });
  }
  const problems: string[] = [];
  let unlisted = 0;
  const report = (problem: string) => (problems.length < MAX_PROBLEMS ? problems.push(problem) : unlisted++);
  const balances = new Map<string, { sum: bigint; entries: bigint }>();
  const months = new Map<string, { debit: bigint; credit: bigint }>();
  const kinds = new Map<string, bigint>();
  let prevHash: Uint8Array = LEDGER_GENESIS;
  let expected = 1n;
  let transactions = 0n;
  let entryCount = 0n;
  let last: TransactionRow | undefined;

  for await (const { row, entries } of readBooks(db)) {
    const at = `transaction #${row.seq}`;
    if (row.seq !== expected) report(`${at}: transactions #${expected}…#${row.seq - 1n} are missing`);
    if (!sameBytes(row.prev_hash, prevHash)) report(`${at}: the hash chain is broken (its previous hash is not the one before it)`);
    const recomputed = hashTransaction({
      seq: row.seq,
      id: row.id,
      kind: row.kind,
      occurredOn: row.occurred_on,
      recordedAt: row.recorded_at,
      description: row.description,
      sourceRef: row.source_ref,
      reverses: row.reverses,
      actorUserId: row.actor_user_id,
      entries,
      prevHash: row.prev_hash,
    });
    if (row.sub_ms || !sameBytes(recomputed, row.hash)) report(`${at}: edited (its hash does not match its columns and entries)`);
    const sum = entries.reduce((total, entry) => total + entry.amountCents, 0n);
    if (entries.length < 2 || sum !== 0n) report(`${at}: does not balance (${entries.length} entries summing to ${sum})`);
    if (row.reverses !== null && !sameEntries(entries, mirrorEntries(await entriesOf(db, row.reverses)))) {
      report(`${at}: does not mirror transaction #${row.reverses}, which it reverses`);
    }
    for (const movement of movementsOf(entries)) {
      const balance = balances.get(movement.account) ?? { sum: 0n, entries: 0n };
      balance.sum += movement.sumCents;
      balance.entries += movement.entries;
      balances.set(movement.account, balance);
      const key = `${movement.account} ${monthOf(row.occurred_on)}`;
      const month = months.get(key) ?? { debit: 0n, credit: 0n };
      month.debit += movement.debitCents;
      month.credit += movement.creditCents;
      months.set(key, month);
    }
    kinds.set(row.kind, (kinds.get(row.kind) ?? 0n) + 1n);
    prevHash = row.hash;
    expected = row.seq + 1n;
    transactions += 1n;
    entryCount += BigInt(entries.length);
    last = row;
  }

  const [stored] = await db.query<{ n: bigint }>('select count(*) as n from ledger_entries');
  if (stored!.n !== entryCount) report(`${stored!.n - entryCount} entries belong to no transaction`);
  [...(await compareBalances(db, balances)), ...(await compareMonths(db, months)), ...(await compareKinds(db, kinds))].forEach(report);
  if (unlisted > 0) problems.push(`… and ${unlisted} more problems`);
  return { transactions, entries: entryCount, headSeq: last?.seq ?? 0n, headHash: last ? hexOf(last.hash) : '', problems };
}

/** Every transaction in seq order with its entries, a page at a time. */
async function* readBooks(db: Queryable): AsyncGenerator<{ row: TransactionRow; entries: (LedgerEntry & { line: number })[] }> {
  let after = 0n;
  for (;;) {
    const rows = await db.query<TransactionRow>(
      `select seq, id, kind, occurred_on, recorded_at, recorded_at <> date_trunc('milliseconds', recorded_at) as sub_ms,
              description, source_ref, reverses, actor_user_id, prev_hash, hash
         from ledger_transactions where seq > $1 order by seq limit $2`,
      [after, BATCH],
    );
    if (rows.length === 0) return;
    const entries = await db.query<{ transaction_seq: bigint; line: number; account: string; amount_cents: bigint }>(
      `select transaction_seq, line, account, amount_cents from ledger_entries
        where transaction_seq between $1 and $2 order by transaction_seq, line`,
      [rows[0]!.seq, rows.at(-1)!.seq],
    );
    let at = 0;
    for (const row of rows) {
      while (at < entries.length && entries[at]!.transaction_seq < row.seq) at++;
      const own: (LedgerEntry & { line: number })[] = [];
      for (; at < entries.length && entries[at]!.transaction_seq === row.seq; at++) {
        const entry = entries[at]!;
        own.push({ line: entry.line, account: entry.account, amountCents: entry.amount_cents });
      }
      yield { row, entries: own };
    }
    after = rows.at(-1)!.seq;
  }
}

const entries = (n: bigint) => `${n} ${n === 1n ? 'entry' : 'entries'}`;

async function compareBalances(db: Queryable, expected: Map<string, { sum: bigint; entries: bigint }>): Promise<string[]> {
  const problems: string[] = [];
  const rows = await db.query<{ account: string; balance_cents: bigint; entry_count: bigint }>(
    'select account, balance_cents, entry_count from ledger_balances order by account',
  );
  const kept = new Map(rows.map((row) => [row.account, row]));
  for (const account of [...new Set([...expected.keys(), ...kept.keys()])].sort()) {
    const want = expected.get(account) ?? { sum: 0n, entries: 0n };
    const row = kept.get(account);
    const has = { sum: row?.balance_cents ?? 0n, entries: row?.entry_count ?? 0n };
    if (has.sum !== want.sum || has.entries !== want.entries) {
      problems.push(`balance of ${account}: kept ${has.sum} over ${entries(has.entries)}, the entries give ${want.sum} over ${entries(want.entries)} (difference ${has.sum - want.sum})`);
    }
  }
  return problems;
}

async function compareMonths(db: Queryable, expected: Map<string, { debit: bigint; credit: bigint }>): Promise<string[]> {
  const problems: string[] = [];
  const rows = await db.query<{ account: string; month: string; debit_cents: bigint; credit_cents: bigint }>(
    'select account, month, debit_cents, credit_cents from ledger_monthly order by account, month',
  );
  const kept = new Map(rows.map((row) => [`${row.account} ${row.month}`, { debit: row.debit_cents, credit: row.credit_cents }]));
  for (const key of [...new Set([...expected.keys(), ...kept.keys()])].sort()) {
    const want = expected.get(key) ?? { debit: 0n, credit: 0n };
    const has = kept.get(key) ?? { debit: 0n, credit: 0n };
    if (has.debit !== want.debit || has.credit !== want.credit) {
      const [account, month] = key.split(' ');
      problems.push(`${account} in ${month!.slice(0, 7)}: kept debits ${has.debit} and credits ${has.credit}, the entries give ${want.debit} and ${want.credit}`);
    }
  }
  return problems;
}

async function compareKinds(db: Queryable, expected: Map<string, bigint>): Promise<string[]> {
  const rows = await db.query<{ kind: string; count: bigint }>('select kind, count from ledger_kind_counts order by kind');
  const kept = new Map(rows.map((row) => [row.kind, row.count]));
  return [...new Set([...expected.keys(), ...kept.keys()])]
    .sort()
    .filter((kind) => (kept.get(kind) ?? 0n) !== (expected.get(kind) ?? 0n))
    .map((kind) => `number of ${kind} transactions: kept ${kept.get(kind) ?? 0n}, the books hold ${expected.get(kind) ?? 0n}`);
}
