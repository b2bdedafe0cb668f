import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { revokeAllGrants } from '../crypto/vaults.ts';
import { endUserSessions } from './sessions.ts';
import { runDeactivationHooks } from './deactivation-hooks.ts';
import { lockEntitlement, retagUser } from './user-entitlements.ts';

/** Deactivates a colleague: their sessions end and every vault grant they held is removed. */
export async function deactivateUser(db: Db, actorUserId: string, userId: string): Promise<boolean> {
  if (actorUserId === userId) return false;
  return db.transaction(async (tx) => {
    const before = await lockEntitlement(tx, userId);
    const rows = await tx.query('update users set active = false where id = $1 and active returning id', [userId]);
    if (rows.length === 0) return false;
    // A forged row is deactivated all the same, and keeps a tag that fails.
    if (before?.entitled) await retagUser(tx, userId);
    await endUserSessions(tx, userId);
    await revokeAllGrants(tx, actorUserId, userId);
    await runDeactivationHooks(tx, actorUserId, userId);
    await appendAudit(tx, actorUserId, { kind: 'user.deactivated', userId });
    return true;
  });
}
