import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { checkPassword } from './users.ts';
import { startSession } from './sessions.ts';

/** After this many failures in a row an account locks, for longer each time it happens again. */
const FAILURES_BEFORE_LOCK = 5;
const LOCK_MINUTES = 15;

export type LoginResult =
  | { ok: true; cookie: string; stage: 'totp' | 'enrol' }
  | { ok: false; reason: 'invalid' | 'locked' };

/**
 * The password step. It answers the same for an unknown login, a wrong password and an inactive
 * account, so the form tells an attacker nothing about who works here.
 */
export async function logIn(db: Db, login: string, password: string, now = new Date()): Promise<LoginResult> {
  const { user, keys } = await checkPassword(db, login, password);
  return db.transaction(async (tx) => {
    if (!user) {
      await appendAudit(tx, null, { kind: 'login.failed', userId: null, reason: 'password' });
      return { ok: false, reason: 'invalid' } as const;
    }
    const [state] = await tx.query<{ locked_until: Date | null }>(
      'select locked_until from users where id = $1 for update',
      [user.id],
    );
    if (state?.locked_until && state.locked_until > now) {
      await appendAudit(tx, user.id, { kind: 'login.failed', userId: user.id, reason: 'locked' });
      return { ok: false, reason: 'locked' } as const;
    }
    if (!keys || !user.active) {
      await recordFailure(tx, user.id, now);
      await appendAudit(tx, user.id, { kind: 'login.failed', userId: user.id, reason: keys ? 'inactive' : 'password' });
      return { ok: false, reason: 'invalid' } as const;
    }
    const stage = user.totpEnrolled ? 'totp' : 'enrol';
    const cookie = await startSession(tx, user.id, keys, stage);
    return { ok: true, cookie, stage } as const;
  });
}

/** Counts one more failure in a row (password or code); every fifth locks the account, each time longer. */
export async function recordFailure(tx: Queryable, userId: string, now: Date): Promise<void> {
  const [row] = await tx.query<{ failed_logins: number }>(
    'update users set failed_logins = failed_logins + 1 where id = $1 returning failed_logins',
    [userId],
  );
  const failures = row?.failed_logins ?? 0;
  if (failures === 0 || failures % FAILURES_BEFORE_LOCK !== 0) return;
  const rounds = failures / FAILURES_BEFORE_LOCK;
  const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000 * 2 ** Math.min(rounds - 1, 6));
  await tx.query('update users set locked_until = $2 where id = $1', [userId, lockedUntil]);
}

export async function recordSuccess(tx: Queryable, userId: string) {
  await tx.query('update users set failed_logins = 0, locked_until = null where id = $1', [userId]);
  await appendAudit(tx, userId, { kind: 'login.succeeded', userId });
}
