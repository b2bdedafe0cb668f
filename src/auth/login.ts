import type { Db } from '../db/client.ts';
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
    const [state] = await tx.query<{ failed_logins: number; locked_until: Date | null }>(
      'select failed_logins, locked_until from users where id = $1 for update',
      [user.id],
    );
    if (state?.locked_until && state.locked_until > now) {
      await appendAudit(tx, user.id, { kind: 'login.failed', userId: user.id, reason: 'locked' });
      return { ok: false, reason: 'locked' } as const;
    }
    if (!keys || !user.active) {
      await recordFailure(tx, user.id, (state?.failed_logins ?? 0) + 1, now);
      await appendAudit(tx, user.id, { kind: 'login.failed', userId: user.id, reason: keys ? 'inactive' : 'password' });
      return { ok: false, reason: 'invalid' } as const;
    }
    const stage = user.totpEnrolled ? 'totp' : 'enrol';
    const cookie = await startSession(tx, user.id, keys, stage);
    return { ok: true, cookie, stage } as const;
  });
}

export async function recordFailure(tx: Parameters<typeof appendAudit>[0], userId: string, failures: number, now: Date) {
  const lockRounds = Math.floor(failures / FAILURES_BEFORE_LOCK);
  const lockedUntil =
    failures % FAILURES_BEFORE_LOCK === 0 ? new Date(now.getTime() + LOCK_MINUTES * 60_000 * 2 ** Math.min(lockRounds - 1, 6)) : null;
  await tx.query('update users set failed_logins = $2, locked_until = coalesce($3, locked_until) where id = $1', [
    userId,
    failures,
    lockedUntil,
  ]);
}

export async function recordSuccess(tx: Parameters<typeof appendAudit>[0], userId: string) {
  await tx.query('update users set failed_logins = 0, locked_until = null where id = $1', [userId]);
  await appendAudit(tx, userId, { kind: 'login.succeeded', userId });
}
