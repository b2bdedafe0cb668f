import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Anything that runs parameterised SQL: the database itself or one transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Db extends Queryable {
  readonly kind: 'embedded' | 'server';
  /** Runs fn in one transaction: everything it wrote is committed together, or nothing is. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** pg hands back Buffer and PGlite Uint8Array for bytea; both are Uint8Array, which is all we use. */
function toParams(params: readonly unknown[] = []): unknown[] {
  return params.map((value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value));
}

/**
 * The embedded database allows one process per data folder: a second one (a CLI command next to
 * a running server) would corrupt it, so a lock file naming the owner's process keeps it out.
 */
export async function openEmbedded(dataDir: string | undefined): Promise<Db> {
  if (!dataDir) return fromPglite(await PGlite.create());
  mkdirSync(dataDir, { recursive: true });
  const release = lockFolder(dataDir);
  try {
    const db = fromPglite(await PGlite.create(dataDir));
    return { ...db, close: () => db.close().finally(release) };
  } catch (error) {
    release();
    throw error;
  }
}

function lockFolder(dataDir: string): () => void {
  const lock = join(dataDir, '..', `${basename(dataDir)}.lock`);
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(lock, 'utf8'));
    if (owner && owner !== process.pid && processAlive(owner)) {
      throw new Error(`The embedded database in ${dataDir} is in use by process ${owner}. Stop it first (or use DATABASE_URL).`);
    }
    writeFileSync(lock, String(process.pid)); // left behind by a process that is gone
  }
  return () => rmSync(lock, { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function fromPglite(client: PGlite): Db {
  const run = async <Row>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await target.query<Row>(sql, toParams(params))).rows;
  return {
    kind: 'embedded',
    query: (sql, params) => run(client, sql, params),
    transaction: (fn) => client.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    close: () => client.close(),
  };
}

export async function openServer(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  await pool.query('select 1');
  return {
    kind: 'server',
    query: async (sql, params) => (await pool.query(sql, toParams(params))).rows,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({ query: async (sql, params) => (await client.query(sql, toParams(params))).rows });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
