import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';
import { torCircuitOf } from './arrival.ts';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The policy of a file people uploaded and we serve as it is (a supporter's logo): nothing in it
 * may run, load or be framed, even if a browser took it for a page. A route serving such a file
 * sets exactly this one; any other policy a route sets is replaced by the page policy above.
 */
export const FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'none'; script-src 'none'; sandbox; frame-ancestors 'none'";

/**
 * Security headers on every answer. HTML is never cached: a shared or seized phone must not
 * keep a copy of what a person read or wrote.
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const headers = c.res.headers;
  if (headers.get('Content-Security-Policy') !== FILE_CSP) headers.set('Content-Security-Policy', CSP);
  headers.set('Referrer-Policy', 'no-referrer');
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  const { config } = c.get('deps');
  if (config.tls) headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  // Tor Browser offers the onion service to people who reach the ordinary address (over https).
  if (config.onion && torCircuitOf(c) === undefined) {
    const url = new URL(c.req.url);
    headers.set('Onion-Location', `http://${config.onion.address}${url.pathname}${url.search}`);
  }
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
};
