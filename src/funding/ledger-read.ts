import type { Queryable } from '../db/client.ts';
import { TX_KINDS, type LedgerEntry, type TxKind } from './ledger-rules.ts';

/**
 * Reading the books. The totals (balances, months, kind counts) are the rows the ledger keeps in
 * the same transaction as the entries: a few rows whatever the number of entries behind them.
 */

/** One transaction's entries in line order (none: no such transaction). */
export async function entriesOf(db: Queryable, seq: bigint): Promise<LedgerEntry[]> {
  const rows = await db.query<{ account: string; amount_cents: bigint }>(
    'select account, amount_cents from ledger_entries where transaction_seq = $1 order by line',
    [seq],
  );
  return rows.map((row) => ({ account: row.account, amountCents: row.amount_cents }));
}

/** Balances (hledger's sign: an income account's is negative), every account's or the ones named; an account never moved is 0. */
export async function accountBalances(db: Queryable, accounts?: readonly string[]): Promise<Map<string, bigint>> {
  const rows = await db.query<{ name: string; balance: bigint }>(
    `select a.name, coalesce(b.balance_cents, 0) as balance
       from ledger_accounts a left join ledger_balances b on b.account = a.name
      where $1::text[] is null or a.name = any($1::text[])
      order by a.name`,
    [accounts ?? null],
  );
  return new Map(rows.map((row) => [row.name, row.balance]));
}

export type MonthlyMovement = { account: string; month: string; debitCents: bigint; creditCents: bigint };

/**
 * Debits and credits per account and month, for accounts whose names start with the prefix
 * ('expenses:' for spending), from one month to another (first days, YYYY-MM-01), both included.
 * Months without a movement have no row.
 */
export async function monthlyMovements(
  db: Queryable,
  range: { accountPrefix: string; fromMonth: string; toMonth: string },
): Promise<MonthlyMovement[]> {
  const rows = await db.query<{ account: string; month: string; debit_cents: bigint; credit_cents: bigint }>(
    `select account, month, debit_cents, credit_cents from ledger_monthly
      where starts_with(account, $1) and month between $2::date and $3::date
      order by account, month`,
    [range.accountPrefix, range.fromMonth, range.toMonth],
  );
  return rows.map((row) => ({ account: row.account, month: row.month, debitCents: row.debit_cents, creditCents: row.credit_cents }));
}

/** How many transactions of each kind were posted (a reversal counts as its own kind); 0 for a kind never posted. */
export async function kindCounts(db: Queryable): Promise<Map<TxKind, bigint>> {
  const rows = await db.query<{ kind: TxKind; count: bigint }>('select kind, count from ledger_kind_counts');
  const counts = new Map<TxKind, bigint>(TX_KINDS.map((kind) => [kind, 0n]));
  for (const row of rows) counts.set(row.kind, row.count);
  return counts;
}

export type ExportTransaction = {
  seq: bigint;
  occurredOn: string;
  kind: TxKind;
  description: string;
  reverses: bigint | null;
  entries: LedgerEntry[];
};

/**
 * Transactions in seq order after fromSeq, at most limit of them: page on with the last one's seq
 * (keyset), so an export of the whole books holds one page in memory at a time. With a date range
 * (YYYY-MM-DD, both included), only the transactions that occurred within it.
 */
export async function listTransactions(
  db: Queryable,
  page: { fromSeq?: bigint; limit: number; occurredFrom?: string; occurredTo?: string },
): Promise<ExportTransaction[]> {
  const limit = Math.max(1, Math.min(Math.trunc(page.limit), 10_000));
  const range = [page.occurredFrom ?? null, page.occurredTo ?? null];
  const transactions = await db.query<{ seq: bigint; occurred_on: string; kind: TxKind; description: string; reverses: bigint | null }>(
    `select seq, occurred_on, kind, description, reverses from ledger_transactions
      where seq > $1 and ($3::date is null or occurred_on >= $3::date) and ($4::date is null or occurred_on <= $4::date)
      order by seq limit $2`,
    [page.fromSeq ?? 0n, limit, ...range],
  );
  if (transactions.length === 0) return [];
  // Only the listed transactions' entries: with a date range, others lie between them.
  const entries = await db.query<{ transaction_seq: bigint; account: string; amount_cents: bigint }>(
    `select e.transaction_seq, e.account, e.amount_cents from ledger_entries e join ledger_transactions t on t.seq = e.transaction_seq
      where e.transaction_seq between $1 and $2 and ($3::date is null or t.occurred_on >= $3::date) and ($4::date is null or t.occurred_on <= $4::date)
      order by e.transaction_seq, e.line`,
    [transactions[0]!.seq, transactions.at(-1)!.seq, ...range],
  );
  const bySeq = new Map<bigint, LedgerEntry[]>();
  for (const row of entries) {
    const list = bySeq.get(row.transaction_seq) ?? [];
    list.push({ account: row.account, amountCents: row.amount_cents });
    bySeq.set(row.transaction_seq, list);
  }
  return transactions.map((row) => ({
    seq: row.seq,
    occurredOn: row.occurred_on,
    kind: row.kind,
    description: row.description,
    reverses: row.reverses,
    entries: bySeq.get(row.seq) ?? [],
  }));
}

/**
 * The newest transactions of one kind that stand (none reversed), with their entries, newest
 * first: the public list of recent expenses. Read once per kept page, never per view.
 */
export async function recentTransactions(db: Queryable, kind: TxKind, limit: number): Promise<ExportTransaction[]> {
  const rows = await db.query<{ seq: bigint; occurred_on: string; kind: TxKind; description: string; reverses: bigint | null }>(
    `select t.seq, t.occurred_on, t.kind, t.description, t.reverses from ledger_transactions t
      where t.kind = $1 and not exists (select 1 from ledger_transactions r where r.reverses = t.seq)
      order by t.seq desc limit $2`,
    [kind, Math.max(1, Math.min(Math.trunc(limit), 1000))],
  );
  if (rows.length === 0) return [];
  const entries = await db.query<{ transaction_seq: bigint; account: string; amount_cents: bigint }>(
    'select transaction_seq, account, amount_cents from ledger_entries where transaction_seq = any($1::int8[]) order by transaction_seq, line',
    [rows.map((row) => row.seq)],
  );
  return rows.map((row) => ({
    seq: row.seq,
    occurredOn: row.occurred_on,
    kind: row.kind,
    description: row.description,
    reverses: row.reverses,
    entries: entries.filter((entry) => entry.transaction_seq === row.seq).map((entry) => ({ account: entry.account, amountCents: entry.amount_cents })),
  }));
}
