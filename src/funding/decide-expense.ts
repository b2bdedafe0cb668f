import { appendAudit } from '../audit/log.ts';
import { openVaultAsUser } from '../crypto/vaults.ts';
import type { Db, Queryable } from '../db/client.ts';
import type { StaffSession } from '../web/context.ts';
import { rejectReasonField, type ExpenseState } from './expense-content.ts';

export type Decision = 'approved' | 'rejected' | 'own' | 'not_waiting' | 'locked';

type Locked = { id: string; state: ExpenseState; submitted_by: string; vault_id: string };

/** The expense's row, held until the decision commits: two treasurers deciding at once take turns. */
export async function lockExpense(tx: Queryable, id: string): Promise<Locked | null> {
  const [row] = await tx.query<Locked>('select id, state, submitted_by, vault_id from expenses where id = $1 for update', [id]);
  return row ?? null;
}

/**
 * A treasurer approves a submitted expense: never the one who submitted it ('own'; the database
 * refuses it again with expenses_four_eyes). null: no such expense.
 */
export async function approveExpense(db: Db, staff: StaffSession, id: string): Promise<Decision | null> {
  return db.transaction(async (tx) => {
    const row = await lockExpense(tx, id);
    if (!row) return null;
    if (row.submitted_by === staff.userId) return 'own';
    if (row.state !== 'submitted') return 'not_waiting';
    await tx.query("update expenses set state = 'approved', approved_by = $2, decided_at = now() where id = $1", [id, staff.userId]);
    await appendAudit(tx, staff.userId, { kind: 'expense.approved', expenseId: id });
    return 'approved';
  });
}

/**
 * A treasurer rejects a submitted expense with a reason, sealed in the expense's vault (it may
 * name someone). Rejecting one's own is allowed: it spends nothing. 'locked': the treasurer does
 * not hold the expense's vault and so cannot seal the reason.
 */
export async function rejectExpense(db: Db, staff: StaffSession, id: string, reason: string): Promise<Decision | null> {
  return db.transaction(async (tx) => {
    const row = await lockExpense(tx, id);
    if (!row) return null;
    if (row.state !== 'submitted') return 'not_waiting';
    const vault = await openVaultAsUser(tx, staff, row.vault_id, 'expense.reject');
    if (!vault) return 'locked';
    await tx.query("update expenses set state = 'rejected', rejected_by = $2, reject_reason = $3, decided_at = now() where id = $1", [
      id,
      staff.userId,
      vault.seal(rejectReasonField, { id, rejected_by: staff.userId }, reason),
    ]);
    await appendAudit(tx, staff.userId, { kind: 'expense.rejected', expenseId: id });
    return 'rejected';
  });
}
