import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { fromPglite, openServer, type Db } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { hasInstanceSecret, useInstanceSecret } from '../../src/crypto/instance-secret.ts';
import { adoptInstanceSecret } from '../../src/crypto/instance.ts';
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
export async function openTestDb(): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  return url ? openServerTestDb(url) : openEmbeddedTestDb();
}

// initdb is what makes a fresh PGlite slow (≈2.5 s), not our migrations. So every test db starts
// from a migrated data-dir dump: the one scripts/run-tests.mjs built for the whole run, or, when
// a file runs alone (or the migrations changed since), one this process builds. PGlite's clone()
// would dump again on every call.
let template: Promise<Blob> | undefined;

async function openEmbeddedTestDb(): Promise<Db> {
  template ??= loadTemplate().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  const db = fromPglite(await PGlite.create({ loadDataDir: await template }));
  try {
    await prepare(db);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

async function loadTemplate(): Promise<Blob> {
  const file = process.env[TEMPLATE_FILE_ENV];
  return (file ? await templateDump(file) : null) ?? embeddedTemplate();
}

async function openServerTestDb(url: string): Promise<Db> {
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
    await prepare(db);
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
async function prepare(db: Db): Promise<void> {
  await migrate(db);
  await db.transaction((tx) => adoptInstanceSecret(tx));
}
