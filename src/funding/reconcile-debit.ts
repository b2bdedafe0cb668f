import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { todayIn } from '../i18n/days.ts';
import type { StaffSession } from '../web/context.ts';
import { postTransaction } from './ledger-post.ts';
import { payExpenseIn } from './pay-expense.ts';
import { lockLine } from './statement-lines.ts';
import type { ExpenseCategory } from './expense-content.ts';
import type { Purpose } from './purposes.ts';

/**
 * A payment out of the bank, as the statement shows it, meets the books. Either it paid an
 * expense: one already marked paid (its payment was booked then; linking records that the bank
 * shows it, and books nothing) or one approved and not yet paid (which is marked paid from the
 * line, on the line's day, and booked once, by the expense's own source ref, so the expense's
 * "Mark paid" button cannot book it again). Or it is bank costs, booked by hand, once, by the
 * line's source ref.
 *
 * Locks in one order: the line's row, then the expense's, then (when posting) the ledger's chain.
 */
export type Reconciled =
  | 'reconciled'
  | 'paid'
  | 'not_waiting'
  | 'not_euro'
  | 'amount_differs'
  /** rejected, still to be approved, reversed, or already linked to another line */
  | 'not_linkable'
  /** the expense spends more than its purpose raised: that needs the override (and reason) on the expense's page */
  | 'short';

export async function linkDebitToExpense(db: Db, staff: StaffSession, lineId: string, expenseId: string): Promise<Reconciled | null> {
  return db.transaction(async (tx) => {
    const line = await lockLine(tx, lineId);
    if (!line) return null;
    if (line.state !== 'debit') return 'not_waiting';
    if (line.currency !== 'EUR') return 'not_euro';
    const [expense] = await tx.query<{ state: string; amount_cents: bigint; ledger_seq: bigint | null }>(
      'select state, amount_cents, ledger_seq from expenses where id = $1 for update',
      [expenseId],
    );
    if (!expense) return null;
    // Asked only once the expense's row is ours (a statement of its own, so it sees what another
    // line's link committed while this one waited for the row).
    const linked = (await tx.query('select 1 from bank_statement_lines where expense_id = $1', [expenseId])).length > 0;
    if (linked || (expense.state !== 'paid' && expense.state !== 'approved')) return 'not_linkable';
    if (expense.amount_cents !== line.amount_cents) return 'amount_differs';
    let seq = expense.ledger_seq;
    let done: Reconciled = 'reconciled';
    if (seq === null) {
      const payment = await payExpenseIn(tx, staff, expenseId, null, line.booking_date);
      if (!payment) return null;
      // Without an override, 'locked' (a key to seal its reason) cannot come: only 'short' does.
      if (payment.done !== 'paid' && payment.done !== 'already_paid') return payment.done === 'short' ? 'short' : 'not_linkable';
      seq = payment.seq;
      done = 'paid';
    }
    await tx.query("update bank_statement_lines set state = 'reconciled', expense_id = $2, ledger_seq = $3, decided_by = $4, decided_on = $5 where id = $1", [
      lineId,
      expenseId,
      seq,
      staff.userId,
      todayIn(),
    ]);
    await appendAudit(tx, staff.userId, { kind: 'statement.line_reconciled', lineId, expenseId, seq: seq.toString() });
    return done;
  });
}

/** Books a payment out as the bank's own costs (account fees, transfer charges): expenses:fees:bank debited, the bank credited. */
export async function bookBankCosts(db: Db, staff: StaffSession, lineId: string): Promise<'booked' | 'not_waiting' | 'not_euro' | null> {
  return db.transaction(async (tx) => {
    const line = await lockLine(tx, lineId);
    if (!line) return null;
    if (line.state !== 'debit') return 'not_waiting';
    if (line.currency !== 'EUR') return 'not_euro';
    const posted = await postTransaction(tx, {
      kind: 'fee',
      occurredOn: line.booking_date,
      description: 'Bank costs',
      sourceRef: line.source_ref,
      entries: [
        { account: 'expenses:fees:bank', amountCents: line.amount_cents },
        { account: 'assets:bank', amountCents: -line.amount_cents },
      ],
      actorUserId: staff.userId,
    });
    await tx.query("update bank_statement_lines set state = 'booked', booked_as = 'bank_costs', ledger_seq = $2, decided_by = $3, decided_on = $4 where id = $1", [
      lineId,
      posted.seq,
      staff.userId,
      todayIn(),
    ]);
    await appendAudit(tx, staff.userId, { kind: 'statement.costs_booked', lineId, seq: posted.seq.toString() });
    return 'booked';
  });
}

/** An expense a payment out may be linked to: plain columns only (its description stays sealed on its own page). */
export type LinkableExpense = { id: string; amountCents: bigint; purpose: Purpose; category: ExpenseCategory; spentOn: string; paid: boolean };

/**
 * The expenses that may pay these amounts: approved or paid, not linked to a line yet, of exactly
 * one of the amounts; oldest first, a bounded number per amount.
 */
export async function listLinkableExpenses(db: Queryable, amounts: readonly bigint[], perAmount = 20): Promise<Map<bigint, LinkableExpense[]>> {
  const byAmount = new Map<bigint, LinkableExpense[]>();
  if (amounts.length === 0) return byAmount;
  const rows = await db.query<{ id: string; amount_cents: bigint; purpose: Purpose; category: ExpenseCategory; spent_on: string; state: string }>(
    `select id, amount_cents, purpose, category, spent_on, state from (
       select e.*, row_number() over (partition by e.amount_cents order by e.spent_on, e.id) as n
         from expenses e
        where e.amount_cents = any($1::int8[]) and e.state in ('approved', 'paid')
          and not exists (select 1 from bank_statement_lines l where l.expense_id = e.id)
     ) ranked where n <= $2 order by spent_on, id`,
    [[...new Set(amounts)], perAmount],
  );
  for (const row of rows) {
    const list = byAmount.get(row.amount_cents) ?? [];
    list.push({ id: row.id, amountCents: row.amount_cents, purpose: row.purpose, category: row.category, spentOn: row.spent_on, paid: row.state === 'paid' });
    byAmount.set(row.amount_cents, list);
  }
  return byAmount;
}
