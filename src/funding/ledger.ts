/**
 * The double-entry ledger: post (and reverse) transactions, read the totals it keeps, list the
 * books for exports, and check them. See src/db/migrations/0019_ledger.sql for what the database
 * itself holds to.
 */
export { checkLedger, type LedgerVerdict } from './ledger-check.ts';
export { postTransaction, reverseTransaction, type PostOutcome, type Reversal } from './ledger-post.ts';
export {
  accountBalances,
  kindCounts,
  listTransactions,
  monthlyMovements,
  recentTransactions,
  type ExportTransaction,
  type MonthlyMovement,
} from './ledger-read.ts';
export {
  isTxKind,
  LedgerError,
  TX_KINDS,
  type LedgerEntry,
  type LedgerErrorCode,
  type NewLedgerTransaction,
  type TxKind,
} from './ledger-rules.ts';
