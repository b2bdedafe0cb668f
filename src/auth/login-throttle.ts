import type { RateLimiter } from '../web/rate-limit.ts';

/**
 * How guessing at the staff login is slowed and refused. Everything is counted in memory only
 * (addresses are never stored or logged), per process, by the rate-limit key of the address (an
 * IPv6 caller counts by its /64):
 *
 * - per account and address: at most 5 failed steps (a wrong password or a wrong code) in a
 *   15-minute window; after that this address gets the "wrong login" answer for that account,
 *   even with the right password or code, until the window ends. Other addresses are not
 *   affected, so a stranger cannot keep a colleague out; an unknown login counts the same way,
 *   so the answer tells nothing about who works here.
 * - per address: at most 20 password attempts in 15 minutes, whatever the account, and each
 *   failure from the address makes its next answer slower (up to 3 s).
 */
export const FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const ATTEMPTS_PER_ADDRESS = 20;

/** Who is trying: the login name as typed (normalised) and the rate-limit key of the address. */
export type LoginAttempt = { login: string; address: string };

const accountKey = (who: LoginAttempt) => `login-account:${who.login.trim().toLowerCase()}\n${who.address}`;

/**
 * Counts one step (password or code) against the account and address before it is checked, so
 * attempts sent in parallel count too; answers false when the limit is already reached.
 */
export function beginStep(limits: RateLimiter, who: LoginAttempt): boolean {
  return limits.attempt(accountKey(who), FAILURES_PER_ACCOUNT_AND_ADDRESS, LOGIN_WINDOW_MS);
}

/** A step that succeeded was no failure: it no longer counts. */
export function stepSucceeded(limits: RateLimiter, who: LoginAttempt): void {
  limits.refund(accountKey(who));
}

/** Whether the account is refused from this address for now, without counting an attempt. */
export function isThrottled(limits: RateLimiter, who: LoginAttempt): boolean {
  return limits.exhausted(accountKey(who), FAILURES_PER_ACCOUNT_AND_ADDRESS);
}

/** The per-address limit on password attempts, whatever the account. */
export function addressMayTry(limits: RateLimiter, address: string): boolean {
  return limits.attempt(`login:${address}`, ATTEMPTS_PER_ADDRESS, LOGIN_WINDOW_MS);
}

/** How long the next answer waits after this many failed logins from the address: doubling from 150 ms, at most 3 s. */
export function slowDownMs(failures: number): number {
  return Math.min(3000, 150 * 2 ** Math.min(failures, 5));
}

/** Each failed login from an address makes its next answer slower, up to 3 s. */
export async function slowDown(limits: RateLimiter, address: string): Promise<void> {
  const failures = limits.count(`login-failed:${address}`, LOGIN_WINDOW_MS);
  await limits.holdBack(slowDownMs(failures));
}
