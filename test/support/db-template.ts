// The migrated database every test database starts from, made once per run by
// scripts/run-tests.mjs (`node --import tsx test/support/db-template.ts create|drop WHERE`) and
// found by test/support/db.ts through the environment. initdb and the migrations then run once
// per run instead of once per test file, and on the embedded database not even that when an
// earlier run on the machine built the same template (cachedEmbeddedTemplate).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { fromPglite, openServer } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';

/** Embedded: the path of a PGlite data-dir dump. */
export const TEMPLATE_FILE_ENV = 'BESIDE_TEST_TEMPLATE_FILE';
/** With TEST_DATABASE_URL: the name of a migrated database on that server, copied by `create database … template`. */
export const TEMPLATE_DB_ENV = 'BESIDE_TEST_TEMPLATE_DB';

/**
 * Our names only: a template's name is written into SQL. beside_tpl_ tells a run's template from
 * the per-test beside_t_ databases.
 */
export function checkTemplateName(name: string): string {
  if (!/^beside_tpl_[a-z0-9_]{1,40}$/.test(name)) throw new Error(`Not a test template database name: ${name}`);
  return name;
}

const migrations = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));

/**
 * What the migrations say now. A dump made before a migration file was edited would still list it
 * as applied, so migrate() would skip it: such a dump is not used (templateDump).
 */
function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(migrations).filter((file) => file.endsWith('.sql')).sort()) hash.update(`${name}\0`).update(readFileSync(migrations + name)).update('\0');
  return hash.digest('hex');
}

/**
 * The run's dump at `file`, or null when it was made from other migrations than the ones here now.
 * The runner builds it while the test processes start: until `file.building` is gone, it waits.
 */
export async function templateDump(file: string): Promise<Blob | null> {
  while (existsSync(`${file}.building`)) await delay(20);
  const made = await readFile(`${file}.migrations`, 'utf8').catch(() => '');
  return made === migrationsFingerprint() ? new Blob([await readFile(file)]) : null;
}

/**
 * A migrated PGlite, as a data-dir dump. It holds no instance row and no instance secret: each
 * test database adopts its own process's secret (test/support/db.ts), so one template serves
 * every test process and every secret.
 */
export async function embeddedTemplate(): Promise<Blob> {
  const client = await PGlite.create();
  try {
    await migrate(fromPglite(client));
    // Every test db boots from this dump: a small buffer cache halves the boot (Postgres clears
    // it at start), and a checkpoint spares each boot the replay of the migrations' log. Settings
    // of the test databases only; an installation keeps PGlite's.
    await client.exec("alter system set shared_buffers = '16MB'");
    await client.exec('checkpoint');
    return await client.dumpDataDir('none');
  } finally {
    // An open PGlite keeps the process alive.
    await client.close();
  }
}

/** Creates and migrates the template database on the server; nothing stays connected to it, so it can be copied. */
export async function createServerTemplate(url: string, name: string): Promise<void> {
  await admin(url, `create database ${checkTemplateName(name)}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openServer(target.href);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

export async function dropServerTemplate(url: string, name: string): Promise<void> {
  await admin(url, `drop database if exists ${checkTemplateName(name)} with (force)`);
}

/** Runs one statement through the URL's own database (create and drop database cannot run in the target). */
export async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The embedded template as a file in the machine's temporary folder, kept from an earlier run when
 * nothing it is made from has changed: the migrations, how they are applied (src/db/migrate.ts),
 * PGlite's version and this file. Building it costs about 5 s of a core (initdb alone 2 s), which
 * every run paid while its test processes started. The file is written under another name and
 * renamed, so a run never reads half of one; the templates of other versions are removed.
 */
async function cachedEmbeddedTemplate(fingerprint: string): Promise<string> {
  const key = createHash('sha256')
    .update(`${fingerprint}\0${packageVersion('@electric-sql/pglite')}\0`)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(readFileSync(fileURLToPath(new URL('../../src/db/migrate.ts', import.meta.url))))
    .digest('hex')
    .slice(0, 32);
  const folder = join(tmpdir(), 'beside-test-templates');
  const cached = join(folder, `${key}.tar`);
  if (existsSync(cached)) return cached;
  await mkdir(folder, { recursive: true });
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, new Uint8Array(await (await embeddedTemplate()).arrayBuffer()));
  await rename(partial, cached);
  for (const other of await readdir(folder)) if (other.endsWith('.tar') && other !== `${key}.tar`) await rm(join(folder, other), { force: true });
  return cached;
}

/** An installed package's version, from the package.json above its entry point (packages need not export it). */
function packageVersion(name: string): string {
  for (let folder = dirname(fileURLToPath(import.meta.resolve(name))); folder !== dirname(folder); folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (parsed.name === name && parsed.version) return parsed.version;
  }
  throw new Error(`No package.json names ${name}.`);
}

async function script(action: string | undefined, where: string | undefined): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!where || (action !== 'create' && action !== 'drop')) throw new Error('Usage: db-template.ts create|drop FILE-or-DATABASE');
  if (!url) {
    if (action === 'create') {
      const fingerprint = migrationsFingerprint();
      await copyFile(await cachedEmbeddedTemplate(fingerprint), where);
      await writeFile(`${where}.migrations`, fingerprint);
    }
    return; // the runner removes its folder itself
  }
  await (action === 'create' ? createServerTemplate(url, where) : dropServerTemplate(url, where));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await script(process.argv[2], process.argv[3]);
}
