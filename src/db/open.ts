import { join } from 'node:path';
import type { Config } from '../config.ts';
import { openEmbedded, openServer, type Db } from './client.ts';
import { migrate } from './migrate.ts';

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  const db = config.databaseUrl ? await openServer(config.databaseUrl) : await openEmbedded(join(config.dataDir, 'db'));
  await migrate(db);
  return db;
}
