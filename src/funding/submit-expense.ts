import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { findUserById, userPrincipal } from '../auth/users.ts';
import { memberRole } from '../cases/case-members.ts';
import { createVault } from '../crypto/vaults.ts';
import type { Db } from '../db/client.ts';
import type { StaffSession } from '../web/context.ts';
import { descriptionField, type ExpenseCategory } from './expense-content.ts';
import type { Purpose } from './purposes.ts';
import { readersOf } from './vault-readers.ts';

export type NewExpense = {
  amountCents: bigint;
  purpose: Purpose;
  category: ExpenseCategory;
  spentOn: string;
  description: string;
  /** the case need it served; only a case the submitter works on */
  caseId: string | null;
};

/**
 * Records an expense as submitted. Its description is sealed in a new 'expense' vault to every
 * active treasurer, the recovery key and the submitter (who reads back what they wrote). A case
 * link is kept only for a member of that case's team: anyone else gets 'no_case', the answer for
 * a case that does not exist, so the form cannot be used to learn which cases exist.
 */
export async function submitExpense(db: Db, staff: StaffSession, expense: NewExpense): Promise<{ id: string } | 'no_case'> {
  return db.transaction(async (tx) => {
    if (expense.caseId && !(await memberRole(tx, expense.caseId, staff.userId))) return 'no_case';
    const submitter = await findUserById(tx, staff.userId);
    if (!submitter) throw new Error('submitExpense: the signed-in user is gone.');
    const readers = await readersOf(tx, 'expense');
    if (!readers.some((reader) => reader.kind === 'user' && reader.ref === submitter.id)) readers.push(userPrincipal(submitter));
    const id = randomUUID();
    const vault = await createVault(tx, 'expense', { table: 'expenses', id }, readers, staff.userId);
    const place = { id, amount_cents: expense.amountCents, purpose: expense.purpose, category: expense.category, submitted_by: staff.userId };
    await tx.query(
      `insert into expenses (id, amount_cents, purpose, category, spent_on, vault_id, description, case_id, submitted_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, expense.amountCents, expense.purpose, expense.category, expense.spentOn, vault.id, vault.seal(descriptionField, place, expense.description), expense.caseId, staff.userId],
    );
    await appendAudit(tx, staff.userId, { kind: 'expense.submitted', expenseId: id });
    return { id };
  });
}
