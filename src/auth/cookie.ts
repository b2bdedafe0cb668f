import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../web/context.ts';

/** The staff cookie: only ever sent to /staff, never readable by script, never sent cross-site. */
export const SESSION_COOKIE = 'beside_staff';

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function writeSessionCookie(c: Context<AppEnv>, value: string): void {
  setCookie(c, SESSION_COOKIE, value, {
    path: '/staff',
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.get('deps').config.tls,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/staff', secure: c.get('deps').config.tls });
}


/**
 * The key to the recovery shares kept until the first administrator confirms them: sent only to
 * the page that shows them, and gone with the browser or within the hour the row lives.
 */
export const SHARES_COOKIE = 'beside_shares';
export const SHARES_PATH = '/staff/recovery-shares';

export function readSharesCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SHARES_COOKIE);
}

export function writeSharesCookie(c: Context<AppEnv>, value: string, maxAgeSeconds: number): void {
  setCookie(c, SHARES_COOKIE, value, {
    path: SHARES_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.get('deps').config.tls,
    maxAge: maxAgeSeconds,
  });
}

export function clearSharesCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SHARES_COOKIE, { path: SHARES_PATH, secure: c.get('deps').config.tls });
}
