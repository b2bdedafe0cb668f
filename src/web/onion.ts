import type { AddressInfo, Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { App } from './context.ts';
import { markArrivedOverTor } from './arrival.ts';
import { MAX_PROXY_HEADER_BYTES, parseTorProxyHeader } from './proxy-protocol.ts';

/** Tor writes the header as soon as it opens the connection; a silent caller is not Tor. */
const HEADER_TIMEOUT_MS = 5_000;

export type OnionListener = { port: number; close(): Promise<void> };

/**
 * The second door, for Tor only (docs/onion.md): every connection must begin with the PROXY
 * header Tor sends for `HiddenServiceExportCircuitID haproxy`, naming its circuit; a connection
 * without a valid one is closed before a byte of HTTP is read. The requests then go to the same
 * app, marked with their circuit, so per-client limits count each Tor circuit on its own.
 */
export async function listenForTor(app: App, options: { port: number; host: string }): Promise<OnionListener> {
  const http = createAdaptorServer({ fetch: app.fetch }) as HttpServer;
  // The HTTP server listens itself (so its timeouts and connection tracking work), but Node's
  // handling of a new connection runs only once the connection has shown Tor's header.
  const handOver = http.listeners('connection') as ((socket: Socket) => void)[];
  http.removeAllListeners('connection');
  http.on('connection', (socket: Socket) => acceptFromTor(socket, () => handOver.forEach((listener) => listener.call(http, socket))));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  return {
    port: (http.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}

/** Reads the header line, then hands the connection, with whatever followed it, to HTTP. */
function acceptFromTor(socket: Socket, serveHttp: () => void): void {
  let received = Buffer.alloc(0);
  const refuse = () => socket.destroy();
  socket.on('error', refuse);
  socket.setTimeout(HEADER_TIMEOUT_MS, refuse);
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const end = received.indexOf('\r\n');
    if (end === -1) {
      if (received.length >= MAX_PROXY_HEADER_BYTES) refuse();
      return;
    }
    socket.off('data', onData);
    socket.pause();
    socket.setTimeout(0);
    const header = parseTorProxyHeader(received.subarray(0, end + 2).toString('latin1'));
    if (!header) return refuse();
    socket.off('error', refuse);
    markArrivedOverTor(socket, header.circuitId);
    const rest = received.subarray(end + 2);
    if (rest.length > 0) socket.unshift(rest);
    serveHttp();
    socket.resume();
  };
  socket.on('data', onData);
}
