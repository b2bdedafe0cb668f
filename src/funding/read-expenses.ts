import { displayNames } from '../auth/users.ts';
import { memberRole } from '../cases/case-members.ts';
import { openVaultAsUser } from '../crypto/vaults.ts';
import type { Db, Queryable } from '../db/client.ts';
import type { StaffSession } from '../web/context.ts';
import { descriptionField, overrideReasonField, rejectReasonField, reverseReasonField, sealedText, type ExpenseCategory, type ExpenseState } from './expense-content.ts';
import type { Purpose } from './purposes.ts';

export type ExpenseRow = {
  id: string;
  amountCents: bigint;
  purpose: Purpose;
  category: ExpenseCategory;
  state: ExpenseState;
  spentOn: string;
  submittedAt: Date;
};

const LIST_COLUMNS = 'id, amount_cents, purpose, category, state, spent_on, submitted_at';
type ListRow = { id: string; amount_cents: bigint; purpose: Purpose; category: ExpenseCategory; state: ExpenseState; spent_on: string; submitted_at: Date };
const LIST_MAX = 200;

function present(row: ListRow): ExpenseRow {
  return { id: row.id, amountCents: row.amount_cents, purpose: row.purpose, category: row.category, state: row.state, spentOn: row.spent_on, submittedAt: row.submitted_at };
}

/** What one staff member submitted, newest first: plain columns only. */
export async function listOwnExpenses(db: Queryable, userId: string): Promise<ExpenseRow[]> {
  const rows = await db.query<ListRow>(`select ${LIST_COLUMNS} from expenses where submitted_by = $1 order by submitted_at desc, id limit ${LIST_MAX}`, [userId]);
  return rows.map(present);
}

/** The treasurers' queue: submitted and approved expenses, oldest first. */
export async function listExpenseQueue(db: Queryable): Promise<ExpenseRow[]> {
  const rows = await db.query<ListRow>(`select ${LIST_COLUMNS} from expenses where state in ('submitted', 'approved') order by state, submitted_at, id limit ${LIST_MAX}`);
  return rows.map(present);
}

/** What the expense's page shows; sealed texts are null when absent, 'locked' when the viewer holds no key. */
export type ExpenseView = ExpenseRow & {
  submittedBy: string;
  mine: boolean;
  approvedBy: string | null;
  paidOn: string | null;
  /** the case's pseudonym, only for a member of its team; 'hidden' for anyone else */
  case: { id: string; pseudonym: string } | 'hidden' | null;
  description: string | 'locked' | 'unverified';
  rejectReason: string | null;
  overrideReason: string | null;
  reverseReason: string | null;
  receipt: boolean;
};

type FullRow = ListRow & {
  submitted_by: string;
  approved_by: string | null;
  rejected_by: string | null;
  paid_on: string | null;
  ledger_seq: bigint | null;
  reversal_seq: bigint | null;
  case_id: string | null;
  vault_id: string;
  description: Uint8Array | null;
  reject_reason: Uint8Array | null;
  override_reason: Uint8Array | null;
  reverse_reason: Uint8Array | null;
  receipt_file_id: string | null;
};

/**
 * One expense, for its submitter or a treasurer; anyone else gets null, as for a missing one.
 * Opening its vault decrypts the description (audited by openVaultAsUser).
 */
export async function readExpense(db: Db, staff: StaffSession, id: string): Promise<ExpenseView | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<FullRow>('select * from expenses where id = $1', [id]);
    if (!row) return null;
    const mine = row.submitted_by === staff.userId;
    if (!mine && !staff.roles.includes('treasurer')) return null;
    const names = await displayNames(tx, [row.submitted_by, ...(row.approved_by ? [row.approved_by] : [])]);
    const vault = await openVaultAsUser(tx, staff, row.vault_id, 'expense.read');
    const text = sealedText(4000);
    const open = (box: Uint8Array | null, field: typeof rejectReasonField | typeof overrideReasonField | typeof reverseReasonField) => {
      if (!box || !vault) return null;
      const opened = vault.tryOpen(field, row as never, box, text);
      return opened.ok ? opened.value : null;
    };
    let description: ExpenseView['description'] = 'locked';
    if (vault && row.description) {
      const opened = vault.tryOpen(descriptionField, row, row.description, text);
      description = opened.ok ? opened.value : 'unverified';
    }
    return {
      ...present(row),
      submittedBy: names.get(row.submitted_by) ?? '—',
      mine,
      approvedBy: row.approved_by ? (names.get(row.approved_by) ?? '—') : null,
      paidOn: row.paid_on,
      case: await caseOf(tx, row.case_id, staff.userId),
      description,
      rejectReason: open(row.reject_reason, rejectReasonField),
      overrideReason: open(row.override_reason, overrideReasonField),
      reverseReason: open(row.reverse_reason, reverseReasonField),
      receipt: row.receipt_file_id !== null,
    };
  });
}

/** A linked case by its pseudonym, only to a member of its team; never its id to anyone else. */
async function caseOf(tx: Queryable, caseId: string | null, userId: string): Promise<ExpenseView['case']> {
  if (!caseId) return null;
  if (!(await memberRole(tx, caseId, userId))) return 'hidden';
  const [found] = await tx.query<{ pseudonym: string }>('select pseudonym from cases where id = $1', [caseId]);
  return found ? { id: caseId, pseudonym: found.pseudonym } : null;
}
