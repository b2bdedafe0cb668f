import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { markCoordinatorConfirmed } from './coordinator-queries.ts';
import { isConfirmedCoordinator } from './users.ts';

/**
 * A confirmed coordinator vouches for a new coordinator colleague; from then on new help requests
 * are sealed to them too. No one confirms themselves, and an administrator who is not a confirmed
 * coordinator cannot confirm an account they invited, so no single person makes themselves a
 * reader. Answers false (shown as "not found") when the actor may not, or the colleague is not an
 * active coordinator; confirming someone already confirmed changes nothing and answers true.
 */
export async function confirmCoordinator(db: Db, actorUserId: string, userId: string): Promise<boolean> {
  if (actorUserId === userId) return false;
  return db.transaction(async (tx) => {
    if (!(await isConfirmedCoordinator(tx, actorUserId))) return false;
    if (await markCoordinatorConfirmed(tx, userId, actorUserId)) {
      await appendAudit(tx, actorUserId, { kind: 'user.coordinator_confirmed', userId });
      return true;
    }
    return isConfirmedCoordinator(tx, userId);
  });
}
