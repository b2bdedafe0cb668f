import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { isConfirmedCoordinator } from '../auth/users.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { openCaseAccess, memberRole } from './case-access.ts';
import { eraseCaseRecords } from './erase-case.ts';

/** How the person asked to be forgotten: a category, never their words. */
export const FORGET_REASONS = ['status_page', 'in_person', 'in_writing', 'through_someone'] as const;
export type ForgetReason = (typeof FORGET_REASONS)[number];

export type ForgetAsk = { askedBy: string; askedAt: Date; reason: ForgetReason };

/**
 * Who may ask for a case to be forgotten, or confirm it: a confirmed coordinator in the
 * coordinator role on the case. One rule for the routes, the operations and the page.
 */
async function mayForget(tx: Queryable, userId: string, caseId: string): Promise<boolean> {
  return (await memberRole(tx, caseId, userId)) === 'coordinator' && (await isConfirmedCoordinator(tx, userId));
}

/** The holder opens the case's core (proving their key, locking the case row) and may forget it. */
async function openForForgetting(tx: Queryable, holder: KeyHolder, caseId: string): Promise<boolean> {
  const access = await openCaseAccess(tx, holder, caseId, 'forget', ['core'], true);
  return access !== null && access.role === 'coordinator' && (await isConfirmedCoordinator(tx, holder.userId));
}

async function askOf(tx: Queryable, caseId: string): Promise<ForgetAsk | null> {
  const [row] = await tx.query<{ asked_by: string; asked_at: Date; reason: ForgetReason }>(
    'select asked_by, asked_at, reason from case_forget_requests where case_id = $1',
    [caseId],
  );
  return row ? { askedBy: row.asked_by, askedAt: row.asked_at, reason: row.reason } : null;
}

/** The first coordinator records the person's wish. False for anyone who may not (as for a missing case). */
export async function askToForget(db: Db, holder: KeyHolder, caseId: string, reason: ForgetReason): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openForForgetting(tx, holder, caseId))) return false;
    const rows = await tx.query(
      'insert into case_forget_requests (case_id, reason, asked_by) values ($1, $2, $3) on conflict (case_id) do nothing returning 1',
      [caseId, reason, holder.userId],
    );
    if (rows.length > 0) await appendAudit(tx, holder.userId, { kind: 'case.forget_asked', caseId, reason });
    return true;
  });
}

/** Either coordinator takes the ask back (the person changed their mind, or it was a mistake). */
export async function withdrawForget(db: Db, holder: KeyHolder, caseId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openForForgetting(tx, holder, caseId))) return false;
    const rows = await tx.query('delete from case_forget_requests where case_id = $1 returning 1', [caseId]);
    if (rows.length > 0) await appendAudit(tx, holder.userId, { kind: 'case.forget_withdrawn', caseId });
    return true;
  });
}

export type ConfirmOutcome = 'erased' | 'same_person' | 'not_asked' | 'unconfirmed' | null;

/**
 * Four eyes: a second confirmed coordinator on the case confirms, and the case is erased at once.
 * The coordinator who asked cannot confirm their own ask. Null for anyone who may not act.
 */
export async function confirmForget(db: Db, holder: KeyHolder, caseId: string, confirmed: boolean): Promise<ConfirmOutcome> {
  return db.transaction(async (tx) => {
    if (!(await openForForgetting(tx, holder, caseId))) return null;
    const ask = await askOf(tx, caseId);
    if (!ask) return 'not_asked';
    if (ask.askedBy === holder.userId) return 'same_person';
    if (!confirmed) return 'unconfirmed';
    await eraseCaseRecords(tx, holder.userId, caseId, 'person');
    return 'erased';
  });
}

export type ForgetState = { ask: ForgetAsk | null; personAsked: boolean; mayConfirm: boolean; closedAt: Date | null };

/** What the case page shows of forgetting, for a coordinator who may act (null for anyone else). */
export async function forgetState(db: Db, userId: string, caseId: string): Promise<ForgetState | null> {
  return db.transaction(async (tx) => {
    if (!(await mayForget(tx, userId, caseId))) return null;
    const ask = await askOf(tx, caseId);
    const [flag] = await tx.query<{ asked: boolean; closed_at: Date | null }>(
      `select closed_at, exists (select 1 from help_requests where case_id = $1 and erasure_requested_at is not null) as asked
       from cases where id = $1`,
      [caseId],
    );
    return { ask, personAsked: flag?.asked ?? false, mayConfirm: ask !== null && ask.askedBy !== userId, closedAt: flag?.closed_at ?? null };
  });
}
