import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from './context.ts';

/**
 * The caller's address, for in-memory rate limits only: it is never stored or logged. Behind a
 * reverse proxy (TRUST_PROXY=true) the proxy's X-Forwarded-For names the caller.
 */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.get('deps').config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // requests made in tests through app.request have no socket
  }
}
