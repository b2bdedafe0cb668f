import { appendAudit } from '../audit/log.ts';
import type { Db } from '../db/client.ts';
import type { StaffSession } from '../web/context.ts';
import { checkLedger, type LedgerVerdict } from './ledger-check.ts';

/**
 * "Check the books" from the treasurer's page: the same check as `beside ledger check`, audited
 * with the number of problems it found (never what they were about).
 */
export async function checkBooks(db: Db, staff: StaffSession): Promise<LedgerVerdict> {
  const verdict = await checkLedger(db);
  await appendAudit(db, staff.userId, { kind: 'ledger.checked', problems: verdict.problems.length });
  return verdict;
}
