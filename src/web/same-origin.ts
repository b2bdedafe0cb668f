import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors.ts';
import type { AppEnv } from './context.ts';
import { ownOrigin } from './arrival.ts';

/**
 * Cookie-less CSRF protection: a browser marks a form post from another site with
 * Sec-Fetch-Site, or with an Origin that is not ours. With Referrer-Policy no-referrer some
 * browsers send "Origin: null" for our own forms, so Sec-Fetch-Site decides where present.
 */
export const checkSameOrigin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const ours = ownOrigin(c);
  const allowed = site ? site === 'same-origin' || site === 'none' : origin === undefined || origin === ours;
  if (!allowed) throw new AppError('forbidden');
  await next();
};
