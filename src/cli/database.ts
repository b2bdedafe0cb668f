import { loadConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import { openInstance } from '../instance-setup.ts';
import type { Io } from './command.ts';

/**
 * Opens the database the server uses (same environment, same loadConfig) with its schema up to
 * date, runs fn, and always closes it. With the embedded database, stop the server first: two
 * processes must never open the same data directory.
 */
export async function withDatabase<T>(io: Io, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openInstance(loadConfig(io.env), io.env);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
