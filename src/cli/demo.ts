import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentTotp } from '../auth/totp.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openInstance } from '../instance-setup.ts';
import { start } from '../main.ts';
import { DEMO_PASSWORD } from './demo-data.ts';
import { seedDemo, type DemoInstance } from './demo-seed.ts';

/**
 * `npm run demo`: a throw-away Beside on a temporary embedded database, with fictional staff and
 * requests, for volunteers to try. Everything is removed when it stops (Ctrl-C).
 */
const folder = await mkdtemp(join(tmpdir(), 'beside-demo-'));
let stopServer: (() => Promise<void>) | undefined;
let removed = false;

function removeFolder() {
  if (removed) return;
  removed = true;
  rmSync(folder, { recursive: true, force: true });
}

let stopping = false;

/** Ctrl-C may arrive twice (from the terminal and relayed by tsx): the first one stops, the rest wait. */
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  // An open browser connection can hold server.close() up; the folder goes after a few seconds regardless.
  const patience = new Promise((resolve) => setTimeout(resolve, 3000).unref());
  await Promise.race([stopServer?.().catch(() => undefined), patience]);
  removeFolder();
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('exit', removeFolder);

/** The texts name cases A, B and C; the reader sees their pseudonyms, as on the staff pages. */
function named(demo: DemoInstance, text: string): string {
  return text.replace(/\{([ABC])\}/g, (_, letter: 'A' | 'B' | 'C') => demo.cases[letter]);
}

function describe(demo: DemoInstance, address: string): string {
  const now = Date.now();
  return [
    '',
    'Beside demo — fictional data only; everything is deleted when you press Ctrl-C.',
    '',
    `Staff: open ${address}/staff/login — password for every demo account: ${DEMO_PASSWORD}`,
    'Sign-in also asks for a TOTP code: add the secret to an authenticator app, or use the code shown',
    '(each code works once per account, and changes every 30 seconds). Log in as two people side by',
    'side (a second browser profile or a private window) to see who reads what.',
    '',
    ...demo.accounts.flatMap((account) => [
      `  ${account.login.padEnd(18)} ${account.roles.join('+').padEnd(26)} TOTP secret ${account.totpSecret}  code now ${currentTotp(account.totpSecret, now)}`,
      `  ${''.padEnd(18)} sees: ${named(demo, account.sees)}`,
    ]),
    '',
    `The person's side: ${address}/ru/help (or /en/, /nl/) asks for help. To read and answer as the`,
    'person would, open their status page and type the receipt:',
    ...demo.receipts.map(
      (request) => `  ${request.receipt}  ${address}/${request.language}/help/status  ${request.urgent ? 'urgent; ' : ''}${named(demo, request.shows)}`,
    ),
    '',
  ].join('\n');
}

try {
  const port = process.env.PORT ?? '3000';
  // Never the operator's real database: the demo runs embedded in its temporary folder.
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: undefined,
    DATA_DIR: folder,
    PORT: port,
    PUBLIC_URL: process.env.PUBLIC_URL ?? `http://127.0.0.1:${port}`,
  });
  console.log(`[demo] preparing a throw-away instance in ${folder} …`);
  const db = await openInstance(config);
  let demo: DemoInstance;
  try {
    demo = await seedDemo(db);
  } finally {
    await db.close();
  }
  const running = await start(config);
  stopServer = running.close;
  console.log(describe(demo, config.publicUrl.origin));
} catch (error) {
  console.error(`[demo] cannot start: ${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
