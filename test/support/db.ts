import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fromPglite, openServer, type Db, type Queryable } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { hasInstanceSecret, useInstanceSecret } from '../../src/crypto/instance-secret.ts';
import { adoptInstanceSecret } from '../../src/crypto/instance.ts';
import { PglitePool } from './pglite-pool.ts';
import { atTestsEnd } from './tests-end.ts';
import { admin, checkTemplateName, embeddedTemplate, templateDump, TEMPLATE_DB_ENV, TEMPLATE_FILE_ENV } from './db-template.ts';

// Every test database of this process is checked against one instance secret, as one
// installation's processes share theirs.
if (!hasInstanceSecret()) useInstanceSecret(new Uint8Array(randomBytes(32)));

/**
 * Opens a fresh, migrated database that no other test sees. Always close() it: an open PGlite
 * keeps the test process alive, and on a server close() also drops the database.
 *
 * Embedded: a new in-memory PGlite. With TEST_DATABASE_URL: a new database on that server,
 * created through the URL's database.
 */
export async function openTestDb(options: TestDbOptions = {}): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  return url ? openServerTestDb(url, options) : openEmbeddedTestDb(options);
}

/**
 * `firstStart`: the database as a new installation's first start finds it, migrated but without
 * the instance row this process's secret would give it (for tests of that first start).
 */
export type TestDbOptions = { firstStart?: boolean };

// initdb is what makes a fresh PGlite slow (≈2.5 s), not our migrations. So every test db starts
// from a migrated data-dir dump: the one scripts/run-tests.mjs built for the whole run, or, when
// a file runs alone (or the migrations changed since), one this process builds. PGlite's clone()
// would dump again on every call.
let template: Promise<Blob> | undefined;

// Booting even from the dump costs about a second of a core, and a test process opens many test
// dbs (the runner puts several test files in one process). So a closed test db is emptied and kept
// for the next one (test/support/pglite-pool.ts): it arrives as a fresh copy of the template would.
const pool = new PglitePool(async () => PGlite.create({ loadDataDir: await migratedTemplate() }));

// The kept ones are closed when the process has run its tests: PGlite's own timers would keep the
// process alive.
atTestsEnd(() => pool.closeIdle());

async function openEmbeddedTestDb(options: TestDbOptions): Promise<Db> {
  const { client, release } = await pool.take();
  const db = fromPglite(client);
  try {
    await prepare(db, options);
  } catch (error) {
    await release(false);
    throw error;
  }
  // A handle that was closed must not reach the next test's database through the pool.
  let open = true;
  const live = async () => {
    if (!open) throw new Error('This test db was closed.');
  };
  return {
    kind: db.kind,
    query: async (sql, params) => (await live(), db.query(sql, params)),
    transaction: async (fn) => (await live(), db.transaction(fn)),
    async close() {
      if (!open) return;
      open = false;
      await release(true);
    },
  };
}

/**
 * Makes `dataDir` hold what the first start of an embedded installation leaves there: a migrated
 * database in its db folder (src/db/open.ts), copied from the template instead of initdb, which
 * costs seconds per folder. Nothing else (no instance secret, no instance row).
 */
export async function migratedDataFolder(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir: join(dataDir, 'db'), loadDataDir: await migratedTemplate() });
  await client.close();
}

/** The template, read (or built) once per process; a failed attempt is not kept. */
function migratedTemplate(): Promise<Blob> {
  template ??= loadTemplate().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return template;
}

async function loadTemplate(): Promise<Blob> {
  const file = process.env[TEMPLATE_FILE_ENV];
  return (file ? await templateDump(file) : null) ?? embeddedTemplate();
}

async function openServerTestDb(url: string, options: TestDbOptions): Promise<Db> {
  const name = `beside_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  // A copy of the run's migrated template when there is one; copies may run at once, as nothing
  // stays connected to the template (test/support/db-template.ts).
  const copied = process.env[TEMPLATE_DB_ENV];
  await admin(url, copied ? `create database ${name} template ${checkTemplateName(copied)}` : `create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  let db: Db | undefined;
  try {
    db = await openServer(target.href);
    await prepare(db, options);
  } catch (error) {
    await db?.close().catch(() => undefined);
    await admin(url, `drop database if exists ${name} with (force)`).catch(() => undefined);
    throw error;
  }
  const opened = db;
  return {
    ...opened,
    async close() {
      try {
        await opened.close();
      } finally {
        await admin(url, `drop database if exists ${name} with (force)`);
      }
    },
  };
}

/**
 * Migrated (a no-op on a template that is up to date), and set up with this process's instance
 * secret, as `npm start` would leave it. The template holds no instance row, so each test db
 * gets its own receipt salt here, as each installation does.
 */
async function prepare(db: Db, options: TestDbOptions): Promise<void> {
  await migrate(db);
  if (!options.firstStart) await db.transaction((tx) => adoptInstanceSecret(tx));
}

/** Every row of every table as text, as a thief with a copy of the database would read it (bytea shows as hex). */
export async function dumpDatabase(db: Queryable): Promise<string> {
  const tables = await db.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'");
  let dump = '';
  for (const { name } of tables) for (const row of await db.query<{ t: string }>(`select t::text as t from "${name}" t`)) dump += `${row.t}\n`;
  return dump;
}

/** Whether a lower-cased dump holds a text, as text or as the hex of its bytes (a bytea column). */
export const dumpHolds = (dump: string, text: string) => dump.includes(text.toLowerCase()) || dump.includes(Buffer.from(text).toString('hex'));
