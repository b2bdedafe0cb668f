import type { Db, Queryable } from '../db/client.ts';
import type { RateLimiter } from '../web/rate-limit.ts';
import { appendAudit } from '../audit/log.ts';
import { checkPassword, findUserById, findUserByLogin } from './users.ts';
import { setStage, startSession, type Session } from './sessions.ts';
import { verifyTotp } from './totp.ts';
import { beginStep, stepSucceeded, type LoginAttempt } from './login-throttle.ts';

export type LoginResult =
  | { ok: true; cookie: string; stage: 'totp' | 'enrol' }
  | { ok: false; reason: 'invalid' | 'locked' };

/**
 * The password step. It answers the same for an unknown login, a wrong password, an inactive
 * account and an account refused from this address for now (login-throttle.ts), so the form
 * tells an attacker nothing about who works here.
 */
export async function logIn(db: Db, limits: RateLimiter, attempt: LoginAttempt & { password: string }): Promise<LoginResult> {
  const who = { login: attempt.login, address: attempt.address };
  if (!beginStep(limits, who)) {
    const user = await findUserByLogin(db, attempt.login);
    await db.transaction((tx) => appendAudit(tx, user?.id ?? null, { kind: 'login.failed', userId: user?.id ?? null, reason: 'locked' }));
    return { ok: false, reason: 'locked' };
  }
  // A password that was never checked (the server was too busy: 503) is no failed attempt.
  const { user, keys } = await checkPassword(db, attempt.login, attempt.password).catch((error: unknown) => {
    stepSucceeded(limits, who);
    throw error;
  });
  if (!user || !keys || !user.active) {
    const reason = user && keys ? 'inactive' : 'password';
    await db.transaction((tx) => appendAudit(tx, user?.id ?? null, { kind: 'login.failed', userId: user?.id ?? null, reason }));
    return { ok: false, reason: 'invalid' };
  }
  stepSucceeded(limits, who);
  const stage = user.totpEnrolled ? 'totp' : 'enrol';
  const cookie = await db.transaction((tx) => startSession(tx, user.id, keys, stage));
  return { ok: true, cookie, stage };
}

export type CodeResult = 'accepted' | 'wrong' | 'throttled';

/**
 * The second step: a code from the authenticator. It counts against the account and address
 * like a password, so a session that passed the password step cannot go on guessing codes once
 * that account is refused from this address.
 */
export async function confirmCode(db: Db, limits: RateLimiter, session: Session, code: string | null, address: string): Promise<CodeResult> {
  const user = await findUserById(db, session.userId);
  const who = { login: user?.login ?? '', address };
  if (!user || !beginStep(limits, who)) {
    await db.transaction((tx) => appendAudit(tx, session.userId, { kind: 'login.failed', userId: session.userId, reason: 'locked' }));
    return 'throttled';
  }
  const accepted = await db.transaction(async (tx) => {
    if (code !== null && user.active && (await verifyTotp(tx, session.userId, session.keys, code))) {
      await setStage(tx, session, 'active');
      await recordSuccess(tx, session.userId);
      return true;
    }
    await appendAudit(tx, session.userId, { kind: 'login.failed', userId: session.userId, reason: 'totp' });
    return false;
  });
  if (!accepted) return 'wrong';
  stepSucceeded(limits, who);
  return 'accepted';
}

/** A login completed (code accepted or authenticator enrolled). */
export async function recordSuccess(tx: Queryable, userId: string) {
  await appendAudit(tx, userId, { kind: 'login.succeeded', userId });
}
