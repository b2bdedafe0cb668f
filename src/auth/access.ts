import type { Context, MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import type { AppEnv } from '../web/context.ts';
import { AppError, notFound } from '../web/errors.ts';
import { translator } from '../i18n/index.ts';
import type { Role } from './roles.ts';
import { resumeSession, type Session } from './sessions.ts';
import { verifiedUser } from './users.ts';
import { clearSessionCookie, readSessionCookie } from './cookie.ts';

/** The session behind the request's cookie, whatever its stage, or null. */
export async function currentSession(c: Context<AppEnv>): Promise<Session | null> {
  const cookie = readSessionCookie(c);
  if (!cookie) return null;
  const session = await resumeSession(c.get('deps').db, cookie);
  if (!session) clearSessionCookie(c);
  return session;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Guards a staff route: a signed-in, fully authenticated user holding one of the roles. Without
 * a session a page asks to log in; with the wrong role the route does not exist for them.
 * Every post must carry the session's CSRF token. Roles a database writer gave (a row whose
 * entitlement tag fails) count as none: verifiedUser audits it, and role routes answer "not found".
 *
 * `csrf: 'in-stream'`: the post's body is a stream its handler reads (a file upload), so the
 * token is checked there, by checkCsrfToken on the form's first field, before any file byte is
 * taken (src/files/upload.ts). Never in the address, where proxies log it.
 */
export function requireStaff(roles: readonly Role[] | 'any', csrf: 'in-form' | 'in-stream' = 'in-form'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = await currentSession(c);
    if (!session || session.stage !== 'active') {
      if (c.req.method === 'GET') return c.redirect(`/staff/login?next=${encodeURIComponent(c.req.path)}`, 303);
      throw new AppError('forbidden');
    }
    const user = await verifiedUser(c.get('deps').db, session.userId, session.userId);
    if (!user || !user.active) throw new AppError('forbidden');
    c.set('lang', user.language);
    c.set('t', translator(user.language));
    c.set('staff', { userId: user.id, displayName: user.displayName, roles: user.roles, keys: session.keys, csrfToken: session.csrfToken });
    if (c.req.method === 'POST' && csrf === 'in-form') checkCsrfToken(c, (await c.req.parseBody())['_csrf']);
    if (roles !== 'any' && !user.roles.some((role) => roles.includes(role))) throw notFound();
    await next();
  };
}

/** A post's CSRF token against the signed-in session's: anything else is refused as forbidden. */
export function checkCsrfToken(c: Context<AppEnv>, sent: unknown): void {
  const session = c.get('staff');
  if (!session || typeof sent !== 'string' || !sameToken(sent, session.csrfToken)) throw new AppError('forbidden');
}

/** The signed-in staff member of a guarded route. */
export function staffOf(c: Context<AppEnv>) {
  const staff = c.get('staff');
  if (!staff) throw new AppError('forbidden');
  return staff;
}
