import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { fromPglite, openServer, type Db } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { hasInstanceSecret, useInstanceSecret } from '../../src/crypto/instance-secret.ts';
import { adoptInstanceSecret } from '../../src/crypto/instance.ts';

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

// initdb is what makes a fresh PGlite slow (≈2.5 s), not our migrations. So each test process
// builds one migrated template, keeps only its data-dir dump and closes it (an open template
// would keep the process alive); every test db then starts from that dump. PGlite's clone()
// does the same but dumps again on every call and needs the template to stay open.
let template: Promise<Blob> | undefined;

async function openEmbeddedTestDb(): Promise<Db> {
  template ??= makeTemplate().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return fromPglite(await PGlite.create({ loadDataDir: await template }));
}

async function makeTemplate(): Promise<Blob> {
  const client = await PGlite.create();
  try {
    await prepare(fromPglite(client));
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}

async function openServerTestDb(url: string): Promise<Db> {
  const name = `beside_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(url, `create database ${name}`);
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

/** Migrated, and set up with this process's instance secret, as `npm start` would leave it. */
async function prepare(db: Db): Promise<void> {
  await migrate(db);
  await db.transaction((tx) => adoptInstanceSecret(tx));
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
