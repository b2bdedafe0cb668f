import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openInstance } from './instance-setup.ts';
import { createApp } from './web/app.tsx';
import { RateLimiter } from './web/rate-limit.ts';
import { listenForTor, type OnionListener } from './web/onion.ts';
import { limitKeyDerivations } from './crypto/kdf-queue.ts';
import { issueSetupToken } from './auth/initialise.ts';
import { SETUP_LINK_HOURS } from './auth/setup-token.ts';
import type { Db } from './db/client.ts';
import { startJobRunner } from './notify/run-jobs.ts';
import { scheduleRetention } from './cases/retention.ts';
import { startPaymentBooker } from './funding/payment-booker.ts';

/** Composition root: configuration → database → app → listen. */
export async function start(config: Config): Promise<{ db: Db; close: () => Promise<void> }> {
  const db = await openInstance(config);
  if (!config.databaseUrl && config.production) {
    console.warn('[beside] WARNING: the embedded database does not flush to disk; a power cut can lose recent data. Set DATABASE_URL to a PostgreSQL server for real use.');
  }
  limitKeyDerivations(config.kdf);
  const app = createApp({ config, db, limits: new RateLimiter() });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(listening));
    listening.once('error', reject);
  });
  console.log(`[beside] serving ${config.publicUrl.origin} (listening on ${config.host}:${config.port}, ${db.kind} database)`);
  let onion: OnionListener | undefined;
  if (config.onion) {
    onion = await listenForTor(app, config.onion);
    console.log(`[beside] serving http://${config.onion.address} to Tor (PROXY protocol only, on ${config.onion.host}:${onion.port}; see docs/onion.md)`);
  }
  await scheduleRetention(db); // the daily retention run (src/cases/retention.ts)
  const jobs = startJobRunner({ db, config });
  const booker = startPaymentBooker({ db, config }); // payment notifications a crash or a failure left (src/funding/payment-booker.ts)
  const token = await issueSetupToken(db);
  // Printed here only, to the console that started Beside: never logged elsewhere or shown on a page.
  if (token) {
    const link = new URL(`/staff/setup/${token}`, config.publicUrl);
    console.log(`[beside] No administrator yet. Open this one-time setup link within ${SETUP_LINK_HOURS} hours (restart Beside for a new one):\n  ${link}`);
  }
  return {
    db,
    close: async () => {
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), onion?.close()]);
      await Promise.all([jobs.stop(), booker.stop()]);
      await db.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const running = await start(loadConfig());
    const stop = async () => {
      await running.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
