/**
 * Benchmark of the public help page. Prints figures; asserts nothing.
 *
 *   npm run bench          (= tsx bench/help-page.ts; takes one to two minutes on a quiet machine)
 *   npm run bench:campaign (= tsx bench/help-page.ts --campaign: the same, for the campaign home
 *                          GET /en/, with the ledger seeded first by bench/campaign-seed.ts; the
 *                          home page asks the database for its version on every request)
 *
 * What it measures, on loopback (127.0.0.1) only, with the embedded database in a temporary folder
 * that is removed afterwards:
 *
 * 1. Weight of /en/help: the page and every same-origin asset it references (stylesheet, script,
 *    icon), raw bytes and gzip bytes (node:zlib, default level), and whether the server itself
 *    answered compressed when asked with Accept-Encoding: gzip. Target: under 30 KB gzip in all.
 * 2. Throughput of GET /en/help on Beside against a bare node:http server answering a fixed HTML
 *    page of the same bytes, with the same load generator in the same run: requests per second,
 *    the ratio Beside/bare (asked without compression, for gzip and for brotli; target ≥ 0.50,
 *    the page is pre-rendered), and p50/p99 latency. Rounds alternate between the servers. Each
 *    server child also reports the processor time it used per request, the cost the ratio hides
 *    when the load generator is the bottleneck (it too grows when other programs compete for the
 *    processors: read the rounds, not only the medians, on a busy machine).
 * 3. The dynamic paths, one request at a time: a full help-request submission (POST /en/help)
 *    and the status page opened with a valid receipt (POST /en/help/status): p50, p99 and mean.
 *    The per-address limits are bypassed with a RateLimiter subclass that always allows.
 *
 * Why child processes: each server runs in its own child process (this same file, started with
 * `--serve beside|bare`), and the load generator runs here in the parent. A load generator in the
 * server's own process would share its event loop and one core, and the figures would measure
 * the two competing. On a 2-core machine, client and server then each get a core.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const HOST = '127.0.0.1';
const TARGET_GZIP_BYTES = 30 * 1024;
const WARM_UP_REQUESTS = 500;
const MEASURED_REQUESTS = 5_000;
const CONCURRENCY = 32;
/** Every run is bounded in time as well as in count, so a slow machine still finishes. */
const MAX_RUN_MS = 10_000;
const ROUNDS = 5;
/** Requests per dynamic path; p99 of 100 is the second slowest. */
const SUBMISSIONS = 100;
/** Beside's pre-rendered public pages are to serve at least this share of the bare server's rate. */
const TARGET_RATIO = 0.5;

const thisFile = fileURLToPath(import.meta.url);
/** --campaign: measure the campaign home instead of the help form (and skip the dynamic paths). */
const CAMPAIGN = process.argv.includes('--campaign');
const PAGE = CAMPAIGN ? '/en/' : '/en/help';
const root = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Child processes: one server each.

/** `cpu` asks a server child for the processor time it has used so far (answered with `used`, in µs). */
type ChildMessage = { ready: true } | { stop: true } | { cpu: true } | { used: number };

async function serveBeside(port: number, dataDir: string): Promise<void> {
  const { start } = await import('../src/main.ts');
  const { loadConfig } = await import('../src/config.ts');
  // NODE_ENV=test behaves like production for these routes (production only adds a start-up
  // warning about the embedded database and hides stack traces of internal errors).
  const running = await start(loadConfig({ NODE_ENV: 'test', PORT: String(port), HOST, DATA_DIR: dataDir }));
  if (CAMPAIGN) await (await import('./campaign-seed.ts')).seedCampaign(running.db);
  onStop(() => running.close());
}

async function serveBare(port: number, pageFile: string): Promise<void> {
  const body = await readFile(pageFile);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': body.length });
    res.end(body);
  });
  server.listen(port, HOST);
  await once(server, 'listening');
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

function onStop(close: () => Promise<void>): void {
  process.on('message', (message: ChildMessage) => {
    if ('stop' in message) void close().finally(() => process.exit(0));
    if ('cpu' in message) {
      const { user, system } = process.cpuUsage();
      process.send!({ used: user + system } satisfies ChildMessage);
    }
  });
  process.send!({ ready: true } satisfies ChildMessage);
}

// ---------------------------------------------------------------------------------------------
// Parent: HTTP helpers and the load generator.

async function freePort(): Promise<number> {
  const probe = createNetServer();
  probe.listen(0, HOST);
  await once(probe, 'listening');
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

type Child = { process: ChildProcess; port: number; cpuMicros: () => Promise<number>; stop: () => Promise<void> };

/** Starts a server child; `file` is Beside's data folder or the page the bare server answers with. */
async function startChild(kind: 'beside' | 'bare', file: string): Promise<Child> {
  const port = await freePort();
  const child = fork(thisFile, ['--serve', kind, String(port), file, ...(CAMPAIGN ? ['--campaign'] : [])], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${kind} server exited early (code ${String(code)})`);
    }),
  ])) as [ChildMessage];
  if (!('ready' in message)) throw new Error(`${kind} server: unexpected message`);
  // start() can resolve a moment before its socket listens, so wait until it answers.
  await waitUntilServing(port);
  return {
    process: child,
    port,
    cpuMicros: async () => {
      const answer = once(child, 'message') as Promise<[ChildMessage]>;
      child.send({ cpu: true } satisfies ChildMessage);
      const [reply] = await answer;
      if (!('used' in reply)) throw new Error(`${kind} server: unexpected message`);
      return reply.used;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ stop: true } satisfies ChildMessage);
      await exited;
    },
  };
}

async function waitUntilServing(port: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      await get(port, '/en/help');
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

type Answer = { status: number; headers: IncomingHttpHeaders; body: Buffer };

function get(port: number, path: string, headers: OutgoingHttpHeaders = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
  });
}

function request(agent: http.Agent, port: number, path: string, headers: OutgoingHttpHeaders): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

type LoadResult = { done: number; errors: number; seconds: number; perSecond: number; p50: number; p99: number };

/** Sends up to `count` GETs, `concurrency` at a time over keep-alive sockets, for at most MAX_RUN_MS. */
async function load(port: number, path: string, count: number, headers: OutgoingHttpHeaders = {}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const begin = performance.now();
  const deadline = begin + MAX_RUN_MS;
  const worker = async () => {
    while (started < count && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      const status = await request(agent, port, path, headers).catch(() => 0);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - begin) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { done: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const pad = (text: string | number, width: number) => String(text).padStart(width);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

// ---------------------------------------------------------------------------------------------
// 1. Page weight.

/** Same-origin addresses of the stylesheets, scripts, icons and images a page references. */
function assetPaths(html: string, origin: string): string[] {
  const paths = new Set<string>();
  for (const tag of html.match(/<(?:link|script|img|source)\b[^>]*>/gi) ?? []) {
    const ref = /\b(?:href|src)="([^"]+)"/i.exec(tag)?.[1];
    if (!ref) continue;
    const url = new URL(ref.replace(/&amp;/g, '&'), origin);
    if (url.origin === origin) paths.add(url.pathname + url.search);
  }
  return [...paths];
}

async function pageWeight(beside: Child): Promise<string> {
  const origin = `http://${HOST}:${beside.port}`;
  const page = await get(beside.port, PAGE);
  if (page.status !== 200) throw new Error(`${PAGE} answered ${page.status}`);
  const html = page.body.toString('utf8');
  const rows: { path: string; raw: number; gzip: number; served: string }[] = [];
  for (const path of [PAGE, ...assetPaths(html, origin)]) {
    const plain = await get(beside.port, path);
    const asked = await get(beside.port, path, { 'Accept-Encoding': 'gzip' });
    const encoding = asked.headers['content-encoding'];
    rows.push({
      path,
      raw: plain.body.length,
      gzip: gzipSync(plain.body).length,
      served: encoding ? `${encoding}, ${asked.body.length} B on the wire` : `not compressed, ${asked.body.length} B`,
    });
  }
  console.log(`\n1. Weight of ${PAGE} and its same-origin assets (gzip: node:zlib, default level)`);
  console.log(`   ${'resource'.padEnd(44)} ${pad('raw B', 8)} ${pad('gzip B', 8)}   server, asked with Accept-Encoding: gzip`);
  for (const row of rows) console.log(`   ${row.path.padEnd(44)} ${pad(row.raw, 8)} ${pad(row.gzip, 8)}   ${row.served}`);
  const raw = rows.reduce((sum, row) => sum + row.raw, 0);
  const gzip = rows.reduce((sum, row) => sum + row.gzip, 0);
  console.log(`   ${'total'.padEnd(44)} ${pad(raw, 8)} ${pad(gzip, 8)}   = ${kb(raw)} raw, ${kb(gzip)} gzip`);
  console.log(`   target: under 30 KB gzip in all -> ${gzip < TARGET_GZIP_BYTES ? 'met' : 'NOT met'} (${kb(gzip)})`);
  return html;
}

// ---------------------------------------------------------------------------------------------
// 2. Throughput against a bare node:http server.

async function throughput(beside: Child, html: string, tmp: string): Promise<void> {
  const pageFile = join(tmp, 'help-page.html');
  await writeFile(pageFile, html);
  const bare = await startChild('bare', pageFile);
  try {
    const runs = {
      beside: { child: beside, headers: {}, label: 'Beside' },
      bare: { child: bare, headers: {}, label: 'bare node:http' },
      besideGzip: { child: beside, headers: { 'Accept-Encoding': 'gzip' }, label: 'Beside, Accept-Encoding: gzip' },
      besideBrotli: { child: beside, headers: { 'Accept-Encoding': 'br' }, label: 'Beside, Accept-Encoding: br' },
    };
    const keys = Object.keys(runs) as (keyof typeof runs)[];
    console.log(`\n2. GET ${PAGE}, ${MEASURED_REQUESTS} requests per round at concurrency ${CONCURRENCY} (keep-alive; at most ${MAX_RUN_MS / 1000} s per round)`);
    console.log(`   after ${WARM_UP_REQUESTS} warm-up requests per server; the bare server answers the same ${Buffer.byteLength(html)} B of HTML.`);
    console.log('   The first two lines carry no Accept-Encoding, so neither server compresses; the last two ask Beside for gzip and brotli.');
    for (const key of keys) await load(runs[key].child.port, PAGE, WARM_UP_REQUESTS, runs[key].headers);
    type Measured = LoadResult & { cpuPerRequest: number };
    const results = Object.fromEntries(keys.map((key) => [key, [] as Measured[]])) as Record<keyof typeof runs, Measured[]>;
    for (let round = 0; round < ROUNDS; round++) {
      for (const key of keys) {
        const { child, headers } = runs[key];
        const before = await child.cpuMicros();
        const result = await load(child.port, PAGE, MEASURED_REQUESTS, headers);
        results[key].push({ ...result, cpuPerRequest: ((await child.cpuMicros()) - before) / result.done });
      }
    }
    console.log(`   ${'server'.padEnd(30)} ${'round'.padEnd(6)} ${pad('req/s', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('done', 6)} ${pad('errors', 6)} ${pad('server CPU µs/req', 18)}`);
    for (const key of keys) {
      results[key].forEach((r, i) =>
        console.log(
          `   ${runs[key].label.padEnd(30)} ${String(i + 1).padEnd(6)} ${pad(r.perSecond.toFixed(0), 8)} ${pad(r.p50.toFixed(2), 8)} ${pad(r.p99.toFixed(2), 8)} ${pad(r.done, 6)} ${pad(r.errors, 6)} ${pad(r.cpuPerRequest.toFixed(1), 18)}`,
        ),
      );
    }
    const med = (key: keyof typeof results, field: 'perSecond' | 'p50' | 'p99' | 'cpuPerRequest') => median(results[key].map((r) => r[field]));
    console.log('   median of rounds:');
    for (const key of keys) {
      console.log(
        `     ${runs[key].label.padEnd(30)} ${pad(med(key, 'perSecond').toFixed(0), 7)} req/s   p50 ${med(key, 'p50').toFixed(2)} ms   p99 ${med(key, 'p99').toFixed(2)} ms   ${med(key, 'cpuPerRequest').toFixed(1)} µs CPU/req`,
      );
    }
    const ratio = (key: keyof typeof results) => med(key, 'perSecond') / med('bare', 'perSecond');
    const verdict = (key: keyof typeof results) => `${ratio(key).toFixed(2)} (${ratio(key) >= TARGET_RATIO ? 'met' : 'NOT met'})`;
    console.log(`   ratio Beside/bare, target ≥ ${TARGET_RATIO.toFixed(2)}: ${verdict('beside')}   with gzip: ${verdict('besideGzip')}   with brotli: ${verdict('besideBrotli')}`);
    // The load generator has one core too: when it is the bottleneck, requests per second flatter
    // the slower server, and the processor time each request cost the server shows what is left.
    const cpuRatio = (key: keyof typeof results) => (med('bare', 'cpuPerRequest') / med(key, 'cpuPerRequest')).toFixed(2);
    console.log(`   server CPU time per request, bare/Beside: ${cpuRatio('beside')}   with gzip: ${cpuRatio('besideGzip')}   with brotli: ${cpuRatio('besideBrotli')}`);
  } finally {
    await bare.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. The dynamic paths, in this process (no server children running by then).

async function dynamicPaths(tmp: string): Promise<void> {
  const { loadConfig } = await import('../src/config.ts');
  const { openInstance } = await import('../src/instance-setup.ts');
  const { createApp } = await import('../src/web/app.tsx');
  const { RateLimiter } = await import('../src/web/rate-limit.ts');
  const { initialise } = await import('../src/auth/initialise.ts');
  // Only crypto/ touches the primitives: the two derivations are measured through what submitting uses.
  const { receiptLookup, receiptKeyPair, newReceiptKeySalt } = await import('../src/crypto/receipt-keys.ts');
  // The tests' reading of the receipt page, so the bench follows its markup.
  const { receiptOf } = await import('../test/support/app.ts');

  /** Lets every attempt through: only for measuring; the real limiter allows 10 requests per hour per address. */
  class Unlimited extends RateLimiter {
    override attempt(): boolean {
      return true;
    }
  }

  const config = loadConfig({ NODE_ENV: 'test', HOST, DATA_DIR: join(tmp, 'submission') });
  // As `npm start` opens it: with the instance secret (made in DATA_DIR) that authenticates every key sealed to.
  const db = await openInstance(config);
  try {
    // A real instance: requests are sealed to its coordinator (the administrator), the recovery key and the receipt.
    await initialise(db, { login: 'admin', displayName: 'Admin', password: 'bench-correct-horse-battery-staple', language: 'en' });
    const app = createApp({ config, db, limits: new Unlimited() });
    const post = async (path: string, body: URLSearchParams) => {
      const res = await app.request(path, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      return { status: res.status, html: await res.text() };
    };
    let sent = 0;
    const submit = async () => {
      // Each story differs: a repeated submission is recognised as a reload and answered without a new request.
      const body = new URLSearchParams({ danger: 'yes', country: 'GE', language: 'ru', story: `${'Мне нужно срочно уехать. '.repeat(20)}${++sent}` });
      body.append('needs', 'evacuation');
      body.append('needs', 'housing');
      const { status, html } = await post('/en/help', body);
      const receipt = receiptOf(html);
      if (status !== 200 || !receipt) throw new Error(`POST /en/help answered ${status} without a receipt`);
      return receipt;
    };
    const receipt = await submit(); // warm-up: first use of argon2, libsodium and the prepared queries
    const open = async () => {
      const { status, html } = await post('/en/help/status', new URLSearchParams({ action: 'open', receipt }));
      if (status !== 200 || !html.includes('<form')) throw new Error(`POST /en/help/status answered ${status}`);
    };
    await open();
    const submissions = await timed(submit);
    const statusPages = await timed(open);
    // The two derivations a submission makes, alone and as a parallel pair (as submitHelpRequest runs them).
    const derive = await timed(() => receiptLookup('0000-0000-0000-0000', newReceiptKeySalt()));
    const derivePair = await timed(() => Promise.all([receiptLookup('0000-0000-0000-0000', newReceiptKeySalt()), receiptKeyPair('0000-0000-0000-0000', newReceiptKeySalt())]));
    console.log(`\n3. The dynamic paths, through createApp(...).request() in this process (no socket), one request at a time,`);
    console.log(`   ${SUBMISSIONS} of each after a warm-up; rate limits bypassed by a RateLimiter subclass.`);
    console.log('   POST /en/help: form parsing and validation, two argon2id derivations (receipt lookup hash and receipt key');
    console.log('   pair, in parallel), sealing the request to 1 coordinator, the recovery key and the receipt, one transaction');
    console.log('   on the embedded database, and rendering the receipt page. POST /en/help/status: opening the conversation');
    console.log('   with a valid receipt (one argon2id derivation to find it, one to open it) and rendering it.');
    console.log(`   ${'path'.padEnd(44)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('mean ms', 8)}`);
    for (const [name, times] of [
      ['POST /en/help (a new help request)', submissions],
      ['POST /en/help/status (open, valid receipt)', statusPages],
      ['argon2id receiptLookup alone', derive],
      ['argon2id lookup + key pair in parallel', derivePair],
    ] as const) {
      console.log(`   ${name.padEnd(44)} ${pad(quantile(times, 0.5).toFixed(1), 8)} ${pad(quantile(times, 0.99).toFixed(1), 8)} ${pad(mean(times).toFixed(1), 8)}`);
    }
  } finally {
    await db.close();
  }
}

/** Durations in ms of SUBMISSIONS sequential calls. */
async function timed(call: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SUBMISSIONS; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  return times;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'beside-bench-'));
  let beside: Child | undefined;
  try {
    const cpu = cpus();
    console.log(`Beside ${CAMPAIGN ? 'campaign-page' : 'help-page'} benchmark: Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, loopback ${HOST}`);
    if (CAMPAIGN) console.log(`The ledger is seeded with ${(await import('./campaign-seed.ts')).SEEDED_GIFTS} gifts before the measurements (the server child posts them).`);
    beside = await startChild('beside', join(tmp, 'beside'));
    const html = await pageWeight(beside);
    await throughput(beside, html, tmp);
    await beside.stop();
    beside = undefined;
    if (!CAMPAIGN) await dynamicPaths(tmp);
  } finally {
    await beside?.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  const [kind, port, file] = process.argv.slice(3);
  if (kind === 'beside') await serveBeside(Number(port), file!);
  else await serveBare(Number(port), file!);
} else {
  await main();
}
