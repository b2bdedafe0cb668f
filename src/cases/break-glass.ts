import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { sealedField } from '../crypto/sealed.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { createVault, grantVault, hasGrant, openVaultAsUser, revokeGrant, rotateVault, userHolders, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import { isConfirmedCoordinator, listUsers, userPrincipal, verifiedUser } from '../auth/users.ts';
import { enqueueJob } from '../notify/jobs.ts';
import { openCaseAccess } from './case-access.ts';
import { memberRole, teamsOf } from './case-members.ts';
import { queueCaseMail } from './case-mail.ts';
import { readsPart } from './case-roles.ts';
import { lapseDue, lapsed, lapsesAt, scheduleLapse } from './break-glass-lapse.ts';

/**
 * Break-glass access: when the caseworker cannot be reached and a person is in danger, a confirmed
 * coordinator who holds no grant on a case asks to open its core, stating a reason. A colleague who
 * holds the core approves with one click, which seals the core (and only the core) to them until
 * `expires_at`; a job then revokes the grant, and the next holder to open the case rotates the
 * core's key. The caseworker and the administrators are told; everything is audited.
 *
 * The reason is sealed in a vault of its own, to the requester, the core's holders when it was
 * asked (whoever can approve, the caseworker among them) and the recovery key: it may say why the
 * person is in danger, which administrators without a grant must not read. They see who, which
 * case, when and until when.
 */
/** How long an approved access lasts; the page and the approve button say "24 hours" (safety-messages.ts). */
export const BREAK_GLASS_HOURS = 24;
export const REASON_MAX = 2000;

export const reasonSchema = z.string().trim().min(1).max(REASON_MAX);

export const breakGlassReasonField = sealedField({
  table: 'break_glass_requests',
  field: 'reason',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'requester_id', 'created_at'],
  shred: 'clear',
});

type RequestRow = {
  id: string;
  case_id: string;
  requester_id: string;
  vault_id: string;
  reason: Uint8Array | null;
  status: 'pending' | 'approved' | 'ended' | 'lapsed';
  approved_by: string | null;
  approved_at: Date | null;
  expires_at: Date | null;
  lapses_at: Date;
  created_at: Date;
};
const COLUMNS = 'id, case_id, requester_id, vault_id, reason, status, approved_by, approved_at, expires_at, lapses_at, created_at';

/** Whether someone is on the case's team or holds its core: then break-glass is not for them. */
export async function holdsCase(tx: Queryable, userId: string, caseId: string, coreVaultId: string): Promise<boolean> {
  return (await memberRole(tx, caseId, userId)) !== null || (await hasGrant(tx, coreVaultId, userId));
}

export type BreakGlassAsk = 'requested' | 'refused';

/**
 * Asks to open a case's core, with a reason (required; the route refuses an empty one first). The
 * request lapses unanswered after `pendingMinutes` (break-glass-lapse.ts); one of the asker's that
 * lapsed already is marked so first, and they ask afresh.
 */
export async function requestBreakGlass(db: Db, holder: KeyHolder, caseId: string, reason: string, pendingMinutes: number, now = new Date()): Promise<BreakGlassAsk> {
  const text = reasonSchema.safeParse(reason);
  if (!text.success) return 'refused';
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ core_vault_id: string }>('select core_vault_id from cases where id = $1 for update', [caseId]);
    if (!row || !(await isConfirmedCoordinator(tx, holder.userId))) return 'refused';
    if (await holdsCase(tx, holder.userId, caseId, row.core_vault_id)) return 'refused';
    await lapseDue(tx, { caseId, requesterId: holder.userId }, now);
    const open = await tx.query("select 1 from break_glass_requests where case_id = $1 and requester_id = $2 and status in ('pending', 'approved')", [caseId, holder.userId]);
    if (open.length > 0) return 'requested'; // asked already: a double tap asks once
    const readers = [];
    for (const userId of (await userHolders(tx, [row.core_vault_id])).get(row.core_vault_id) ?? []) {
      const user = await verifiedUser(tx, userId, holder.userId);
      if (user?.active && user.entitled) readers.push(userPrincipal(user));
    }
    const me = await verifiedUser(tx, holder.userId, holder.userId);
    if (!me?.entitled) return 'refused';
    const { recovery } = await instanceKeys(tx);
    const place = { id: randomUUID(), case_id: caseId, requester_id: holder.userId, created_at: now };
    const vault = await createVault(tx, 'break_glass', { table: 'break_glass_requests', id: place.id }, [userPrincipal(me), ...readers, ...(recovery ? [recovery] : [])], holder.userId);
    const lapses = lapsesAt(now, pendingMinutes);
    await tx.query('insert into break_glass_requests (id, case_id, requester_id, vault_id, reason, created_at, lapses_at) values ($1, $2, $3, $4, $5, $6, $7)', [
      place.id,
      caseId,
      holder.userId,
      vault.id,
      vault.seal(breakGlassReasonField, place, text.data),
      place.created_at,
      lapses,
    ]);
    await scheduleLapse(tx, place.id, lapses);
    await appendAudit(tx, holder.userId, { kind: 'case.break_glass_requested', caseId, breakGlassId: place.id });
    return 'requested';
  });
}

/** The case a request is on, and whether it was granted or had lapsed unanswered (nothing granted). */
export type BreakGlassApproval = { caseId: string; outcome: 'approved' | 'lapsed' };

/**
 * A colleague who holds the case's core approves: the core is sealed to the requester until the
 * access expires. The case row is locked first, so two approvals at once make one grant; the
 * second finds the request approved already and changes nothing. A request past its time has
 * lapsed and grants nothing. Null for anyone who may not approve, as for a missing request.
 */
export async function approveBreakGlass(db: Db, holder: KeyHolder, requestId: string, now = new Date()): Promise<BreakGlassApproval | null> {
  return db.transaction(async (tx) => {
    const [found] = await tx.query<{ case_id: string }>('select case_id from break_glass_requests where id = $1', [requestId]);
    if (!found) return null;
    const access = await openCaseAccess(tx, holder, found.case_id, 'break_glass', ['core'], true);
    const core = access?.vaults.core;
    if (!core) return null;
    const granted = await grantBreakGlass(tx, core, requestId, { approvedBy: holder.userId }, now);
    if (granted === 'lapsed') return { caseId: found.case_id, outcome: 'lapsed' };
    return granted ? { caseId: granted, outcome: 'approved' } : null;
  });
}

/**
 * The recovery holders approve from the command line (`beside break-glass`): the coordinator's
 * open request on the case, with its reason, is granted with the rebuilt recovery key. The caller
 * has locked the case row and opened its core as the recovery principal.
 */
export async function approveBreakGlassWithRecovery(tx: Queryable, core: Vault, caseId: string, requesterId: string, now = new Date()): Promise<string | null> {
  const [row] = await tx.query<{ id: string }>("select id from break_glass_requests where case_id = $1 and requester_id = $2 and status in ('pending', 'approved')", [caseId, requesterId]);
  const granted = row ? await grantBreakGlass(tx, core, row.id, { approvedBy: null }, now) : null;
  return granted === 'lapsed' ? null : granted;
}

/**
 * Seals the opened core to the requester of a pending request, once; the expiry is queued and
 * everyone told. A request past its time is marked lapsed instead ('lapsed'), and nothing granted.
 */
async function grantBreakGlass(tx: Queryable, core: Vault, requestId: string, by: { approvedBy: string | null }, now: Date): Promise<string | 'lapsed' | null> {
  const [row] = await tx.query<RequestRow>(`select ${COLUMNS} from break_glass_requests where id = $1 for update`, [requestId]);
  if (!row || row.requester_id === by.approvedBy) return null;
  if (row.status === 'approved') return row.case_id; // approved a moment ago
  if (row.status === 'lapsed' || lapsed(row, now)) {
    await lapseDue(tx, { id: requestId }, now);
    return 'lapsed';
  }
  if (row.status !== 'pending') return null;
  const requester = await verifiedUser(tx, row.requester_id, by.approvedBy);
  if (!requester?.active || !requester.entitled || !requester.confirmedCoordinator) return null;
  if (!(await grantVault(tx, by.approvedBy, core, userPrincipal(requester)))) return null; // their key failed its check (audited)
  const expiresAt = new Date(now.getTime() + BREAK_GLASS_HOURS * 3600_000);
  await tx.query(
    "update break_glass_requests set status = 'approved', approved_with = $2, approved_by = $3, approved_at = $4, expires_at = $5 where id = $1",
    [requestId, by.approvedBy ? 'colleague' : 'recovery', by.approvedBy, now, expiresAt],
  );
  await enqueueJob(tx, 'break_glass.expire', { breakGlassId: requestId }, expiresAt);
  await appendAudit(tx, by.approvedBy, { kind: 'case.break_glass_approved', caseId: row.case_id, breakGlassId: requestId, userId: row.requester_id });
  await tellAboutBreakGlass(tx, row.case_id, now);
  return row.case_id;
}

/** Who is told by e-mail that a case was opened with break-glass: its caseworker and every administrator. */
async function tellAboutBreakGlass(tx: Queryable, caseId: string, now: Date): Promise<void> {
  const caseworkers = (await teamsOf(tx, [caseId])).filter((m) => m.role === 'caseworker').map((m) => m.userId);
  const admins = (await listUsers(tx)).filter((user) => user.active && user.roles.includes('administrator')).map((user) => user.id);
  await queueCaseMail(tx, [...caseworkers, ...admins], 'break_glass', now);
}

/**
 * At expiry (the job): the requester's grant on the core is revoked, unless they have joined the
 * team since in a role that reads it. The job holds no key, so it cannot re-encrypt the core: it
 * marks the rotation due, and the next colleague who opens the case rotates it (rotateAfterBreakGlass).
 */
export async function endBreakGlass(tx: Queryable, requestId: string, now: Date): Promise<boolean> {
  const [found] = await tx.query<{ case_id: string }>('select case_id from break_glass_requests where id = $1', [requestId]);
  if (!found) return false;
  const [caseRow] = await tx.query<{ core_vault_id: string }>('select core_vault_id from cases where id = $1 for update', [found.case_id]);
  const [row] = await tx.query<RequestRow>(`select ${COLUMNS} from break_glass_requests where id = $1 for update`, [requestId]);
  if (!caseRow || !row || row.status !== 'approved' || row.expires_at! > now) return false;
  const role = await memberRole(tx, row.case_id, row.requester_id, null);
  const revoked = !(role && readsPart(role, 'core')) && (await revokeGrant(tx, null, caseRow.core_vault_id, 'user', row.requester_id));
  await tx.query("update break_glass_requests set status = 'ended', ended_at = $2, rotation_due = $3 where id = $1", [requestId, now, revoked]);
  await appendAudit(tx, null, { kind: 'case.break_glass_ended', caseId: row.case_id, breakGlassId: requestId, revoked });
  return true;
}

/**
 * After a break-glass access ended (or is past its end), the first colleague who opens the case
 * and holds its core ends it and replaces the core's key, so a key the requester may have kept opens nothing (before or after).
 * Its own short transaction, taking the case row before the vault as every writer does.
 */
export async function rotateAfterBreakGlass(db: Db, holder: KeyHolder, caseId: string): Promise<boolean> {
  // An access past its end whose job has not run (or was deleted) is ended here too.
  const due = await db.query(
    "select 1 from break_glass_requests where case_id = $1 and (rotation_due or (status = 'approved' and expires_at <= now())) limit 1",
    [caseId],
  );
  if (due.length === 0) return false;
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'break_glass_rotate', ['core'], true);
    if (!access?.vaults.core) return false;
    const now = new Date();
    const lapsed = await tx.query<{ id: string }>("select id from break_glass_requests where case_id = $1 and status = 'approved' and expires_at <= $2", [caseId, now]);
    for (const { id } of lapsed) await endBreakGlass(tx, id, now);
    const ended = await tx.query<{ requester_id: string }>('select requester_id from break_glass_requests where case_id = $1 and rotation_due for update', [caseId]);
    if (ended.length === 0) return false;
    const gone = new Set<string>();
    for (const { requester_id } of ended) {
      const role = await memberRole(tx, caseId, requester_id, holder.userId);
      if (!(role && readsPart(role, 'core'))) gone.add(requester_id);
    }
    await rotateVault(tx, holder.userId, access.vaults.core, (principal) => !(principal.kind === 'user' && gone.has(principal.ref)));
    await tx.query('update break_glass_requests set rotation_due = false where case_id = $1 and rotation_due', [caseId]);
    return true;
  });
}

/** The reason of a request, for whoever holds its vault (the requester, the approvers); null otherwise. */
export async function readReason(tx: Queryable, holder: KeyHolder, row: Pick<RequestRow, 'id' | 'case_id' | 'requester_id' | 'vault_id' | 'reason' | 'created_at'>): Promise<string | null | false> {
  if (!row.reason) return null;
  const vault = await openVaultAsUser(tx, holder, row.vault_id, 'case.break_glass.reason');
  if (!vault) return null;
  const opened = vault.tryOpen(breakGlassReasonField, row, row.reason, reasonSchema);
  return opened.ok ? opened.value : false;
}

export type BreakGlassRecord = {
  id: string;
  caseId: string;
  requesterId: string;
  status: RequestRow['status'];
  approvedBy: string | null;
  approvedAt: Date | null;
  expiresAt: Date | null;
  /** when a request nobody answers lapses */
  lapsesAt: Date;
  createdAt: Date;
  /** null: sealed to others; false: could not be verified */
  reason: string | null | false;
};

/** A pending request past its time is shown as lapsed, whether or not its job has run. */
function present(row: RequestRow, reason: string | null | false, now: Date): BreakGlassRecord {
  return {
    id: row.id,
    caseId: row.case_id,
    requesterId: row.requester_id,
    status: lapsed(row, now) ? 'lapsed' : row.status,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    expiresAt: row.expires_at,
    lapsesAt: row.lapses_at,
    createdAt: row.created_at,
    reason,
  };
}

/** The break-glass requests of one case, newest first, with the reasons the viewer holds. */
export async function breakGlassOfCase(tx: Queryable, holder: KeyHolder, caseId: string, limit = 20, now = new Date()): Promise<BreakGlassRecord[]> {
  const rows = await tx.query<RequestRow>(`select ${COLUMNS} from break_glass_requests where case_id = $1 order by created_at desc limit $2`, [caseId, limit]);
  const records = [];
  for (const row of rows) records.push(present(row, await readReason(tx, holder, row), now));
  return records;
}

/** The viewer's own latest request on a case (any state), or null. */
export async function myBreakGlass(tx: Queryable, holder: KeyHolder, caseId: string, now = new Date()): Promise<BreakGlassRecord | null> {
  const [row] = await tx.query<RequestRow>(`select ${COLUMNS} from break_glass_requests where case_id = $1 and requester_id = $2 order by created_at desc limit 1`, [caseId, holder.userId]);
  return row ? present(row, await readReason(tx, holder, row), now) : null;
}
