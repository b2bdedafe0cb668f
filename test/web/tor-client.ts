import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { formBody, type Fields, type Page } from '../support/app.ts';

/**
 * Speaks to the onion listener as Tor does (HiddenServiceExportCircuitID haproxy): each TCP
 * connection opens with a PROXY v1 header whose source address carries the circuit id in its
 * low 32 bits, then plain HTTP follows.
 */
export function torHeader(circuitId: number): string {
  const high = (circuitId >>> 16).toString(16);
  const low = (circuitId & 0xffff).toString(16);
  return `PROXY TCP6 fc00:dead:beef:4dad::${high}:${low} ::1 65535 80\r\n`;
}

/** One HTTP request over a fresh connection from the given circuit, as Tor Browser sends a form. */
export function torRequest(port: number, circuitId: number, method: string, path: string, fields?: Fields, headers: Record<string, string> = {}): Promise<Page> {
  const body = fields ? formBody(fields).toString() : undefined;
  const all: Record<string, string> = {
    Host: 'beside.onion',
    'Sec-Fetch-Site': 'same-origin',
    ...(body !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    ...headers,
  };
  // An empty value removes a header, e.g. the Sec-Fetch-Site an older browser does not send.
  const sent = Object.fromEntries(Object.entries(all).filter(([, value]) => value !== ''));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        method,
        path,
        host: '127.0.0.1',
        port,
        headers: sent,
        createConnection: () => {
          const socket = connect(port, '127.0.0.1');
          socket.write(torHeader(circuitId));
          return socket;
        },
      },
      (incoming) => {
        let html = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (html += chunk));
        incoming.on('end', () => {
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const item of [value ?? []].flat()) answerHeaders.append(name, item);
          }
          resolve({ status: incoming.statusCode ?? 0, headers: answerHeaders, html, location: answerHeaders.get('location'), setCookies: answerHeaders.getSetCookie() });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Writes raw bytes to the listener and collects whatever comes back until the listener closes
 * the connection: "" means it was refused without an answer.
 */
export function rawExchange(port: number, ...chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}
