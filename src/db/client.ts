import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { OID, PGLITE_BYTEA, pgTypeParsers, SCALAR_PARSERS, toParams } from './type-parsers.ts';

/** Anything that runs parameterised SQL: the database itself or one transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** One open transaction. */
export interface Tx extends Queryable {
  /**
   * Runs work inside this transaction after its body and just before COMMIT, in the order
   * registered (work registered meanwhile runs too); if any throws, the transaction rolls back.
   * It lets a transaction take a global lock (the audit chain's) last and hold it only for the
   * commit, so no lock is ever held across other work.
   */
  beforeCommit(work: () => Promise<void>): void;
}

export interface Db extends Queryable {
  readonly kind: 'embedded' | 'server';
  /** Runs fn in one transaction: everything it wrote is committed together, or nothing is. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function isTransaction(target: Queryable): target is Tx {
  return typeof (target as Partial<Tx>).beforeCommit === 'function';
}

export function isDb(target: Queryable): target is Db {
  return typeof (target as Partial<Db>).transaction === 'function';
}

type QueryFn = Queryable['query'];

/** Runs fn with a Tx over query, then the work queued for commit; the driver commits afterwards. */
async function inTransaction<T>(query: QueryFn, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const pending: (() => Promise<void>)[] = [];
  let open = true;
  const tx: Tx = {
    query,
    beforeCommit(work) {
      if (!open) throw new Error('beforeCommit() on a transaction that has ended.');
      pending.push(work);
    },
  };
  try {
    const result = await fn(tx);
    for (let work = pending.shift(); work; work = pending.shift()) await work();
    return result;
  } finally {
    open = false;
  }
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

/**
 * Adopts a PGlite instance. Its own parsers (and bytea's serializer) are replaced by ours, for that
 * instance only: its array parsers look their element type up there, so arrays follow too.
 */
export function fromPglite(client: PGlite): Db {
  Object.assign(client.parsers, SCALAR_PARSERS, { [OID.bytea]: PGLITE_BYTEA.parse });
  client.serializers[OID.bytea] = PGLITE_BYTEA.serialize as (value: unknown) => string;
  const run = async <Row>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await target.query<Row>(sql, toParams(params))).rows;
  return {
    kind: 'embedded',
    query: (sql, params) => run(client, sql, params),
    // PGlite commits when the callback resolves and rolls back when it throws.
    transaction: (fn) => client.transaction((tx) => inTransaction((sql, params) => run(tx, sql, params), fn)),
    close: () => client.close(),
  };
}

export async function openServer(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypeParsers });
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
        const result = await inTransaction(async (sql, params) => (await client.query(sql, toParams(params))).rows, fn);
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
