/**
 * The rig every browser test starts from: Beside in this process, on the embedded database in a
 * temporary folder, listening on a free loopback port, and Debian's Chromium, headless.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { start } from '../../src/main.ts';
import type { Db } from '../../src/db/client.ts';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-smooth-scrolling', // scrolling checks read positions right after a key press
];
export const PAGE_TIMEOUT_MS = 15_000;

export type BrowserRig = {
  /** http://127.0.0.1:port */
  base: string;
  /** the temporary folder, removed by close() */
  folder: string;
  server: { db: Db; close(): Promise<void> };
  browser: Browser;
  close(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts Beside and Chromium. `settings` adds configuration that depends on the address (a quick
 * exit that stays on this machine, say: a test must never reach an outside site).
 */
export async function startBrowserRig(folderPrefix: string, settings: (base: string) => Record<string, string> = () => ({})): Promise<BrowserRig> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  const tmp = await mkdtemp(join(tmpdir(), folderPrefix));
  let server: BrowserRig['server'] | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    try {
      await browser?.close();
      // A failed step can leave the database stuck mid-transaction; never let that keep the
      // temporary folder (or the test) waiting for ever.
      if (server) await Promise.race([server.close(), delay(10_000, undefined, { ref: false })]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  };
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = await start(loadConfig({ NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(tmp, 'data'), ...settings(base) }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    return { base, folder: tmp, server, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
