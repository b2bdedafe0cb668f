import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isIP } from 'node:net';
import type { AppEnv } from './context.ts';
import { torCircuitOf } from './arrival.ts';

/**
 * Whom a request counts as for the per-client rate limits (help requests, wrong receipts, login
 * attempts): in-memory keys only, never stored or logged.
 *
 * - Through the onion listener: the Tor circuit (every Tor user arrives from Tor's own local
 *   address, so an address would make one budget for all of them, which one abuser could spend).
 *   X-Forwarded-For is never read there: it would let a caller pick a fresh budget.
 * - Otherwise: the caller's address (behind a reverse proxy with TRUST_PROXY=true, the last
 *   X-Forwarded-For entry), an IPv6 address by its /64.
 *
 * The two never share a key, so neither kind of visitor can spend the other's budget.
 */
export function clientAddress(c: Context<AppEnv>): string {
  const circuit = torCircuitOf(c);
  if (circuit !== undefined) return `tor-circuit:${circuit}`;
  const key = rateLimitKey(rawAddress(c));
  // Not an address ("unknown", or text a misconfigured proxy passed on) cannot pose as a circuit.
  return key.startsWith('tor-circuit:') ? `clearnet:${key}` : key;
}

function rawAddress(c: Context<AppEnv>): string {
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

/**
 * Whom an address counts as: an IPv4 address itself, an IPv6 address its /64 (one subscriber
 * usually holds a whole /64 and could otherwise take a fresh address for every attempt). An
 * IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the IPv4 address it carries. Anything that is
 * not an address stays as it is, cut short.
 */
export function rateLimitKey(address: string): string {
  // Some proxies add the port: "192.0.2.1:5678", "[2001:db8::1]:443".
  const bare = address
    .trim()
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1')
    .replace(/^\[(.*)\](:\d+)?$/, '$1')
    .replace(/%.*$/, '');
  if (isIP(bare) === 4) return bare;
  if (isIP(bare) !== 6) return address.slice(0, 64);
  const groups = ipv6Groups(bare.toLowerCase());
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, "::" expanded and a dotted IPv4 tail converted. */
export function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
