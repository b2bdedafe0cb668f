import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { createVault, grantVault, type KeyHolder, type Principal } from '../crypto/vaults.ts';
import { findUserById } from '../auth/users.ts';
import { CASE_ROLES } from '../auth/roles.ts';
import { lockRequest, openRequest, releaseRequestToCase } from '../help/triage.ts';
import { sealContent } from '../help/content.ts';
import { newPseudonym } from './pseudonym.ts';

async function freePseudonym(tx: Queryable): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = newPseudonym();
    const taken = await tx.query('select 1 from cases where pseudonym = $1', [candidate]);
    if (taken.length === 0) return candidate;
  }
  return `${newPseudonym()}${randomUUID().slice(0, 3)}`;
}

/**
 * Turns a help request into a case: a new core vault for the person's details (sealed to the
 * coordinator, the recovery key and the assignee), the request's needs become the case's, and the
 * assignee is granted the conversation too. Answers null when the coordinator may not open the
 * request or the assignee cannot follow cases.
 */
export async function createCaseFromRequest(db: Db, holder: KeyHolder, requestId: string, assigneeId: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    await lockRequest(tx, requestId);
    const opened = await openRequest(tx, holder, requestId);
    if (!opened) return null;
    if (opened.summary.caseId) return opened.summary.caseId;
    const assignee = await findUserById(tx, assigneeId);
    if (!assignee?.active || !assignee.roles.some((role) => CASE_ROLES.includes(role))) return null;
    const creator = await findUserById(tx, holder.userId);
    const { recoveryPublicKey } = await instanceKeys(tx);
    const principals: Principal[] = [{ principal: 'user', userId: holder.userId, publicKey: creator!.publicKey }];
    if (recoveryPublicKey) principals.push({ principal: 'recovery', publicKey: recoveryPublicKey });
    const core = await createVault(tx, 'core', principals, holder.userId);
    const caseId = randomUUID();
    const { summary } = opened;
    await tx.query(
      `insert into cases (id, pseudonym, urgent, language, country, core_vault_id, request_id, content, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [caseId, await freePseudonym(tx), summary.urgent, summary.language, summary.country, core.vaultId, requestId, sealContent(core.key, 'cases', caseId, opened.content ?? {}), holder.userId],
    );
    for (const need of summary.needs) await tx.query('insert into case_needs (case_id, need) values ($1, $2)', [caseId, need]);
    await releaseRequestToCase(tx, requestId, caseId);
    await appendAudit(tx, holder.userId, { kind: 'case.created', caseId, requestId });
    await assign(tx, holder, { caseId, coreVault: core, conversationVault: opened.vault }, assignee);
    return caseId;
  });
}

/** Assigns a colleague: they are granted the case's core vault and its conversation. */
export async function assign(
  tx: Queryable,
  holder: KeyHolder,
  target: { caseId: string; coreVault: { vaultId: string; key: Uint8Array }; conversationVault: { vaultId: string; key: Uint8Array } | null },
  user: { id: string; publicKey: Uint8Array },
): Promise<void> {
  await tx.query('insert into case_assignments (case_id, user_id, assigned_by) values ($1, $2, $3) on conflict do nothing', [
    target.caseId,
    user.id,
    holder.userId,
  ]);
  await grantVault(tx, holder.userId, target.coreVault, { userId: user.id, publicKey: user.publicKey });
  if (target.conversationVault) await grantVault(tx, holder.userId, target.conversationVault, { userId: user.id, publicKey: user.publicKey });
  await tx.query('update cases set updated_at = now() where id = $1', [target.caseId]);
  await appendAudit(tx, holder.userId, { kind: 'case.assigned', caseId: target.caseId, userId: user.id });
}
