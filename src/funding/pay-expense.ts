import { appendAudit } from '../audit/log.ts';
import { todayIn } from '../i18n/days.ts';
import { openVaultAsUser } from '../crypto/vaults.ts';
import type { Db, Tx } from '../db/client.ts';
import type { StaffSession } from '../web/context.ts';
import { LEDGER_CHAIN_LOCK } from './ledger-hash.ts';
import { postTransaction } from './ledger-post.ts';
import { accountBalances } from './ledger-read.ts';
import { overrideReasonField } from './expense-content.ts';
import { giftAccount, spendAccount, type Purpose } from './purposes.ts';

export type Payment =
  | { done: 'paid' | 'already_paid'; seq: bigint }
  | { done: 'not_approved' | 'locked' }
  /** spent would pass raised for the purpose: how much is left to spend (never below 0) */
  | { done: 'short'; availableCents: bigint };

/** An override of "not below zero": the treasurer's reason, sealed (it may name someone). */
export type Override = { reason: string } | null;

/**
 * Marks an approved expense paid: one 'expense' transaction, debit the purpose's spending account
 * and credit the bank, described by its category alone, with sourceRef expense:<id>, so a second
 * tap books nothing ('already_paid'). Spending a purpose past what it raised needs an override
 * with a reason, audited as 'expense.overspent'.
 *
 * Locks in one order: the expense's row (a second tap waits here, then sees it paid), then the
 * ledger's chain lock, taken before the balances are read so no other post moves them between the
 * check and the booking; postTransaction takes the same lock again within this transaction.
 */
export async function payExpense(db: Db, staff: StaffSession, id: string, override: Override): Promise<Payment | null> {
  return db.transaction((tx) => payExpenseIn(tx, staff, id, override, todayIn()));
}

/**
 * payExpense within the caller's transaction, paid on the given day (a bank statement's line that
 * paid it names its own day). Locks the expense's row first: a caller holding other rows takes
 * them before (a statement line), never after.
 */
export async function payExpenseIn(tx: Tx, staff: StaffSession, id: string, override: Override, paidOn: string): Promise<Payment | null> {
  const [row] = await tx.query<{ state: string; amount_cents: bigint; purpose: Purpose; category: string; vault_id: string; ledger_seq: bigint | null }>(
    'select state, amount_cents, purpose, category, vault_id, ledger_seq from expenses where id = $1 for update',
    [id],
  );
  if (!row) return null;
  if (row.ledger_seq !== null) return { done: 'already_paid', seq: row.ledger_seq };
  if (row.state !== 'approved') return { done: 'not_approved' };
  await tx.query('select pg_advisory_xact_lock($1)', [LEDGER_CHAIN_LOCK]);
  const availableCents = await availableFor(tx, row.purpose);
  const short = row.amount_cents > availableCents;
  if (short && !override) return { done: 'short', availableCents: availableCents > 0n ? availableCents : 0n };
  const vault = short ? await openVaultAsUser(tx, staff, row.vault_id, 'expense.override') : null;
  if (short && !vault) return { done: 'locked' };
  const posted = await postTransaction(tx, {
    kind: 'expense',
    occurredOn: paidOn,
    description: `Expense · ${row.category}`,
    sourceRef: `expense:${id}`,
    entries: [
      { account: spendAccount(row.purpose), amountCents: row.amount_cents },
      { account: 'assets:bank', amountCents: -row.amount_cents },
    ],
    actorUserId: staff.userId,
  });
  const reason = vault && override ? vault.seal(overrideReasonField, { id, ledger_seq: posted.seq }, override.reason) : null;
  await tx.query("update expenses set state = 'paid', paid_by = $2, paid_on = $3, ledger_seq = $4, override_reason = $5 where id = $1", [
    id,
    staff.userId,
    paidOn,
    posted.seq,
    reason,
  ]);
  await appendAudit(tx, staff.userId, { kind: 'expense.paid', expenseId: id, seq: posted.seq.toString() });
  if (short) await appendAudit(tx, staff.userId, { kind: 'expense.overspent', expenseId: id, purpose: row.purpose, seq: posted.seq.toString() });
  return { done: 'paid', seq: posted.seq };
}

/** What a purpose may still spend: raised (its income, negative in hledger's sign) less spent. */
async function availableFor(tx: Parameters<typeof accountBalances>[0], purpose: Purpose): Promise<bigint> {
  const balances = await accountBalances(tx, [giftAccount(purpose), spendAccount(purpose)]);
  return -(balances.get(giftAccount(purpose)) ?? 0n) - (balances.get(spendAccount(purpose)) ?? 0n);
}
