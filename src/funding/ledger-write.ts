import type { Queryable } from '../db/client.ts';
import { hashTransaction, type ChainedTransaction } from './ledger-hash.ts';
import { monthOf, movementsOf } from './ledger-rules.ts';

/**
 * Writes one chained transaction: its row, its entries, and what it adds to the kept totals
 * (balances, its month, the number of its kind), in ONE statement. It runs while the chain's lock
 * is held, and every post waits for that lock until the previous one commits: each round trip
 * saved here is one less for every gift queued behind it.
 *
 * The row is inserted with `on conflict (source_ref) do nothing`; every other part reads the
 * row's seq from it, so a duplicate writes nothing at all and the statement answers no row.
 * (Data-modifying WITH parts always run to completion; PostgreSQL checks the entries' foreign
 * key at the end of the statement, when the row is in.) The totals' rows are taken in account
 * order, as everywhere; posts cannot wait on each other for them anyway, since they hold the
 * chain's lock.
 */
export async function writeTransaction(tx: Queryable, t: ChainedTransaction): Promise<bigint | null> {
  const params: unknown[] = [
    t.seq, t.id, t.kind, t.occurredOn, t.recordedAt, t.description, t.sourceRef, t.reverses, t.actorUserId, t.prevHash, hashTransaction(t),
    monthOf(t.occurredOn),
  ];
  const slot = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const entries = t.entries.map((e) => `(${slot(e.line, 'int2')}, ${slot(e.account, 'text')}, ${slot(e.amountCents, 'int8')})`);
  const movements = movementsOf(t.entries);
  const balances = movements.map((m) => `(${slot(m.account, 'text')}, ${slot(m.sumCents, 'int8')}, ${slot(m.entries, 'int8')})`);
  const months = movements.map((m) => `(${slot(m.account, 'text')}, ${slot(m.debitCents, 'int8')}, ${slot(m.creditCents, 'int8')})`);
  const [row] = await tx.query<{ seq: bigint }>(
    `with booked as (
       insert into ledger_transactions (seq, id, kind, occurred_on, recorded_at, description, source_ref, reverses, actor_user_id, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (source_ref) do nothing
       returning seq
     ), entries as (
       insert into ledger_entries (transaction_seq, line, account, amount_cents)
       select booked.seq, e.line, e.account, e.amount from booked, (values ${entries.join(', ')}) as e(line, account, amount)
     ), balances as (
       insert into ledger_balances (account, balance_cents, entry_count)
       select b.account, b.amount, b.n from booked, (values ${balances.join(', ')}) as b(account, amount, n) order by b.account
       on conflict (account) do update set balance_cents = ledger_balances.balance_cents + excluded.balance_cents,
                                           entry_count = ledger_balances.entry_count + excluded.entry_count
     ), months as (
       insert into ledger_monthly (account, month, debit_cents, credit_cents)
       select m.account, $12::date, m.debit, m.credit from booked, (values ${months.join(', ')}) as m(account, debit, credit) order by m.account
       on conflict (account, month) do update set debit_cents = ledger_monthly.debit_cents + excluded.debit_cents,
                                                 credit_cents = ledger_monthly.credit_cents + excluded.credit_cents
     ), kinds as (
       insert into ledger_kind_counts (kind, count) select $3, 1 from booked
       on conflict (kind) do update set count = ledger_kind_counts.count + 1
     )
     select seq from booked`,
    params,
  );
  return row?.seq ?? null;
}
