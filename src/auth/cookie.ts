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
