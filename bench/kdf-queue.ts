/**
 * Benchmark of the bounded key-derivation queue under a flood of wrong receipts. Prints
 * figures; asserts nothing.
 *
 *   npx tsx bench/kdf-queue.ts        (about a minute)
 *
 * The attack it plays: someone floods the status form with wrong receipts through the onion
 * listener, opening a new Tor circuit for every request, so no per-client limit ever stops them
 * (the residual risk docs/onion.md describes). Every such request costs the server one argon2id
 * run (19 MiB, 2 passes). Measured twice, on loopback only, with the embedded database in a
 * temporary folder that is removed afterwards:
 *
 * - "bounded": the default queue (one derivation per core, 32 waiting; past that 503 at once);
 * - "unbounded": KDF_QUEUE_LENGTH=10000, which is how Beside behaved before the queue.
 *
 * It prints how many flood requests were checked (404) or turned away (503), the latency
 * p50/p99 of each, and the latency of a health check and of the help form (a page that derives
 * nothing), idle and during the flood, from a client on the ordinary listener.
 *
 * The server runs in a child process (this file with `--serve`), so the load generator here does
 * not share its event loop; on a 2-core machine each gets a core.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const ONION = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';
/** Flood requests in flight at once, each on a connection (and Tor circuit) of its own. */
const FLOOD_CONCURRENCY = 64;
/** Every flood is bounded in time and in count, so it stops by itself. */
const FLOOD_MS = 8_000;
const FLOOD_MAX_REQUESTS = 20_000;
const IDLE_PROBES = 40;

const thisFile = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Child: Beside itself, with an onion listener.

async function serve(port: number, onionPort: number, dataDir: string, queueLength: string): Promise<void> {
  const { start } = await import('../src/main.ts');
  const { loadConfig } = await import('../src/config.ts');
  const running = await start(
    loadConfig({ NODE_ENV: 'test', PORT: String(port), HOST, DATA_DIR: dataDir, ONION_ADDRESS: ONION, ONION_PORT: String(onionPort), KDF_QUEUE_LENGTH: queueLength }),
  );
  process.on('message', () => void running.close().finally(() => process.exit(0)));
  process.send!('ready');
}

// ---------------------------------------------------------------------------------------------
// Parent: load generator.

async function freePort(): Promise<number> {
  const probe = createNetServer().listen(0, HOST);
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

type Server = { child: ChildProcess; port: number; onionPort: number };

async function startServer(dataDir: string, queueLength: string): Promise<Server> {
  const [port, onionPort] = [await freePort(), await freePort()];
  const child = fork(thisFile, ['--serve', String(port), String(onionPort), dataDir, queueLength], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the server exited early (code ${String(code)})`);
    }),
  ]);
  return { child, port, onionPort };
}

async function stopServer(server: Server): Promise<void> {
  const exited = once(server.child, 'exit');
  server.child.send('stop');
  await exited;
}

type Answer = { status: number; ms: number };

/** One request; through the onion listener when a circuit is given (with Tor's PROXY header). */
function send(port: number, method: string, path: string, circuit?: number, body?: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: HOST,
        port,
        method,
        path,
        headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {},
        ...(circuit === undefined
          ? { agent: false }
          : {
              createConnection: () => {
                const socket = connect(port, HOST);
                socket.write(`PROXY TCP6 fc00:dead:beef:4dad::${(circuit >>> 16).toString(16)}:${(circuit & 0xffff).toString(16)} ::1 65535 80\r\n`);
                return socket;
              },
            }),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    request.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    request.end(body);
  });
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
const spread = (values: number[]) => `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))} (n=${values.length})`;

/** Health check and help form, one at a time, from an ordinary visitor, until `until` says stop. */
async function probe(server: Server, until: () => boolean): Promise<{ health: number[]; page: number[] }> {
  const health: number[] = [];
  const page: number[] = [];
  while (!until()) {
    const a = await send(server.port, 'GET', '/api/health');
    if (a.status === 200) health.push(a.ms);
    const b = await send(server.port, 'GET', '/en/help');
    if (b.status === 200) page.push(b.ms);
  }
  return { health, page };
}

async function flood(server: Server): Promise<{ byStatus: Map<number, number[]>; seconds: number }> {
  const byStatus = new Map<number, number[]>();
  let sent = 0;
  let circuit = 1;
  const started = performance.now();
  const over = () => sent >= FLOOD_MAX_REQUESTS || performance.now() - started > FLOOD_MS;
  const worker = async () => {
    while (!over()) {
      sent += 1;
      const guess = String(sent).padStart(20, '0').replace(/(\d{4})(?=\d)/g, '$1-');
      const answer = await send(server.onionPort, 'POST', '/en/help/status', circuit++, `action=open&receipt=${guess}`);
      byStatus.set(answer.status, [...(byStatus.get(answer.status) ?? []), answer.ms]);
    }
  };
  await Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, worker));
  return { byStatus, seconds: (performance.now() - started) / 1000 };
}

async function measure(label: string, dataDir: string, queueLength: string): Promise<void> {
  const server = await startServer(dataDir, queueLength);
  try {
    let idleCount = 0;
    const idle = await probe(server, () => idleCount++ >= IDLE_PROBES);
    let flooding = true;
    const during = probe(server, () => !flooding);
    const { byStatus, seconds } = await flood(server);
    flooding = false;
    const busy = await during;
    const total = [...byStatus.values()].reduce((sum, list) => sum + list.length, 0);
    console.log(`\n${label}`);
    console.log(`  flood: ${total} wrong receipts in ${seconds.toFixed(1)} s from ${FLOOD_CONCURRENCY} concurrent clients, each request on a new Tor circuit`);
    for (const [status, times] of [...byStatus].sort(([a], [b]) => a - b)) {
      const what = status === 404 ? 'checked (argon2id ran)' : status === 503 ? 'turned away busy, Retry-After' : status === 0 ? 'connection failed' : 'other';
      console.log(`    ${status} ${what}: ${times.length} (${((100 * times.length) / total).toFixed(1)}%), ${spread(times)}`);
    }
    console.log(`  health check, idle:        ${spread(idle.health)}`);
    console.log(`  health check, during flood: ${spread(busy.health)}`);
    console.log(`  help form, idle:           ${spread(idle.page)}`);
    console.log(`  help form, during flood:   ${spread(busy.page)}`);
  } finally {
    await stopServer(server);
  }
}

if (process.argv[2] === '--serve') {
  const [port, onionPort, dataDir, queueLength] = process.argv.slice(3);
  await serve(Number(port), Number(onionPort), dataDir!, queueLength!);
} else {
  const dataDir = await mkdtemp(join(tmpdir(), 'beside-bench-kdf-'));
  try {
    console.log(`Key-derivation queue under a flood of wrong receipts (${availableParallelism()} cores, Node ${process.version})`);
    await measure('bounded: the default queue (one derivation per core, 32 waiting, then 503)', dataDir, '32');
    await measure('unbounded: KDF_QUEUE_LENGTH=10000, as before the queue', dataDir, '10000');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
