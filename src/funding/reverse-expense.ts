import { appendAudit } from '../audit/log.ts';
import { todayIn } from '../i18n/days.ts';
import { openVaultAsUser } from '../crypto/vaults.ts';
import type { Db } from '../db/client.ts';
import type { StaffSession } from '../web/context.ts';
import { reverseTransaction } from './ledger-post.ts';
import { reverseReasonField } from './expense-content.ts';

export type ExpenseReversal = { done: 'reversed'; seq: bigint } | { done: 'not_paid' | 'locked' };

/**
 * A paid expense is never edited: it is corrected by reversing its booking in the ledger, with a
 * reason sealed in the expense's vault. The row keeps both seqs; a new expense records the right
 * amount. The expense's row is locked first, then the chain (in reverseTransaction).
 */
export async function reverseExpense(db: Db, staff: StaffSession, id: string, reason: string): Promise<ExpenseReversal | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ state: string; vault_id: string; ledger_seq: bigint | null }>(
      'select state, vault_id, ledger_seq from expenses where id = $1 for update',
      [id],
    );
    if (!row) return null;
    if (row.state !== 'paid' || row.ledger_seq === null) return { done: 'not_paid' };
    const vault = await openVaultAsUser(tx, staff, row.vault_id, 'expense.reverse');
    if (!vault) return { done: 'locked' };
    const posted = await reverseTransaction(tx, row.ledger_seq, { occurredOn: todayIn(), description: 'Expense reversed', actorUserId: staff.userId });
    await tx.query("update expenses set state = 'reversed', reversal_seq = $2, reverse_reason = $3 where id = $1", [
      id,
      posted.seq,
      vault.seal(reverseReasonField, { id, reversal_seq: posted.seq }, reason),
    ]);
    await appendAudit(tx, staff.userId, { kind: 'expense.reversed', expenseId: id, seq: posted.seq.toString() });
    return { done: 'reversed', seq: posted.seq };
  });
}
