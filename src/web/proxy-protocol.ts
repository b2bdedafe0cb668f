import { isIPv6 } from 'node:net';
import { ipv6Groups } from './client-address.ts';

/**
 * The PROXY protocol v1 header Tor sends on each connection of an onion service configured with
 * `HiddenServiceExportCircuitID haproxy`, for example
 *
 *   PROXY TCP6 fc00:dead:beef:4dad::ffff:ffff ::1 65535 42\r\n
 *
 * The low 32 bits of the source address are the circuit the connection arrived on (Tor's spec,
 * "haproxy-proxy"); everything else is ignored. The parser is strict on purpose: the header is
 * the only thing that tells one Tor user from another, so anything that is not exactly what the
 * protocol allows is refused rather than guessed at. (proxy-protocol-js accepts any text as an
 * address and any number as a port, so it would not save the checks below.)
 */
export type TorCircuit = { circuitId: number };

/** The protocol's own limit: 107 bytes for the longest header, CRLF included. */
export const MAX_PROXY_HEADER_BYTES = 107;

const PORT = /^(0|[1-9]\d{0,4})$/;

/** Parses one header line (with its CRLF); null for anything but a valid TCP6 header. */
export function parseTorProxyHeader(line: string): TorCircuit | null {
  if (line.length > MAX_PROXY_HEADER_BYTES || !line.endsWith('\r\n')) return null;
  const parts = line.slice(0, -2).split(' ');
  if (parts.length !== 6) return null;
  const [signature, family, source, destination, sourcePort, destinationPort] = parts as [string, string, string, string, string, string];
  // Tor always speaks TCP6; UNKNOWN or TCP4 would come from something else.
  if (signature !== 'PROXY' || family !== 'TCP6') return null;
  if (!isStrictIPv6(source) || !isStrictIPv6(destination)) return null;
  if (!isPort(sourcePort) || !isPort(destinationPort)) return null;
  const groups = ipv6Groups(source);
  return { circuitId: groups[6]! * 0x10000 + groups[7]! };
}

/** An IPv6 address as the protocol writes it: no zone, no brackets, no embedded IPv4 dots. */
function isStrictIPv6(text: string): boolean {
  return /^[0-9a-fA-F:]+$/.test(text) && isIPv6(text);
}

function isPort(text: string): boolean {
  return PORT.test(text) && Number(text) <= 65535;
}
