import type { Socket } from 'node:net';
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';

/**
 * Which door a request came through. Connections accepted by the onion listener (onion.ts) are
 * marked with the Tor circuit their PROXY header named; every other request came through the
 * ordinary listener. The mark lives on the socket only, in memory, and is never stored or logged.
 */
const circuits = new WeakMap<Socket, number>();

export function markArrivedOverTor(socket: Socket, circuitId: number): void {
  circuits.set(socket, circuitId);
}

/** The Tor circuit of a request that came through the onion listener; undefined otherwise. */
export function torCircuitOf(c: Context<AppEnv>): number | undefined {
  const socket = (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;
  return socket ? circuits.get(socket) : undefined;
}

/** The origin the person's browser sees: the onion address for Tor arrivals, PUBLIC_URL otherwise. */
export function ownOrigin(c: Context<AppEnv>): string {
  const { config } = c.get('deps');
  return config.onion && torCircuitOf(c) !== undefined ? `http://${config.onion.address}` : config.publicUrl.origin;
}
