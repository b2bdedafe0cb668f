import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openEmbedded, type Db } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { parseShare } from '../../src/crypto/recovery.ts';
import { openTestDb } from '../support/db.ts';
import {
  Browser,
  assertShows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  type TestApp,
} from '../support/app.ts';

/**
 * What someone who steals the database, a backup or the server's disk gets: every field a person
 * or the team wrote is planted as a distinct marker, then searched for everywhere. The same
 * markers are read back through the app by people who hold the keys, and a plaintext canary is
 * found by the same search, so the search would catch plaintext if there were any.
 */
const embedded = !process.env.TEST_DATABASE_URL;
let dataDir: string | undefined;
let db: Db;
let t: TestApp;
let closed = false;
const startedAt = Date.now();

const words = {
  story: marker('story'),
  city: `МАРКЕР-город-${marker('city').slice(-8)}`,
  contact: marker('contact'),
  safeTimes: marker('safeTimes'),
  codeWord: marker('codeWord'),
  otherNeed: marker('otherNeed'),
  personMessage: marker('personMessage'),
  laterMessage: marker('laterMessage'),
  staffReply: marker('staffReply'),
  caseNote: marker('caseNote'),
};
const PERSON_ADDRESS = '198.51.100.77';
const CANARY = { text: marker('canary-text'), bytes: marker('canary-bytes') };

type Needle = { name: string; patterns: Buffer[] };
const needles: Needle[] = [];
const textNeedle = (name: string, value: string): Needle => {
  const utf8 = Buffer.from(value);
  return { name, patterns: [utf8, Buffer.from(utf8.toString('hex')), Buffer.from(utf8.toString('hex').toUpperCase())] };
};
const secretNeedle = (name: string, raw: Uint8Array): Needle => {
  const bytes = Buffer.from(raw);
  return { name, patterns: [bytes, Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('base64url')), Buffer.from(bytes.toString('base64'))] };
};
const canaries = [textNeedle('canary text', CANARY.text), textNeedle('canary bytes', CANARY.bytes)];

let receipt = '';
let requestId = '';
let casePath = '';
let coordinator: Browser;
const logged: string[] = [];

before(async () => {
  if (embedded) {
    dataDir = await mkdtemp(join(tmpdir(), 'beside-stolen-'));
    db = await openEmbedded(dataDir);
    await migrate(db);
  } else {
    db = await openTestDb();
  }
  t = await startTestApp({}, { db });

  const originals = { log: console.log, warn: console.warn, error: console.error };
  for (const level of ['log', 'warn', 'error'] as const) console[level] = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
  try {
    const instance = await initialiseInstance(db);
    const caseworker = await createStaff(db, { login: 'stolencw', roles: ['caseworker'] });
    const person = new Browser(t, { address: PERSON_ADDRESS });
    const submitted = await submitHelp(person, 'ru', {
      needs: ['evacuation', 'other'],
      danger: 'yes',
      country: 'RU',
      language: 'ru',
      contactShared: 'yes',
      story: words.story,
      city: words.city,
      contact: words.contact,
      safeTimes: words.safeTimes,
      codeWord: words.codeWord,
      otherNeed: words.otherNeed,
    });
    ({ receipt, requestId } = submitted);
    assert.equal((await personPost(person, 'ru', { action: 'write', receipt, body: words.personMessage })).status, 200);

    coordinator = await loggedIn(t, instance.admin);
    assert.equal((await coordinator.staffPost(`/staff/requests/${requestId}/reply`, { body: words.staffReply })).status, 303);
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
    assert.equal(made.status, 303);
    casePath = made.location!.split('?')[0]!;
    const colleague = await loggedIn(t, caseworker);
    assert.equal((await colleague.staffPost(`${casePath}/notes`, { body: words.caseNote })).status, 303);
    assert.equal((await personPost(person, 'ru', { action: 'write', receipt: receipt.replace(/-/g, ' '), body: words.laterMessage })).status, 200);

    for (const [field, value] of Object.entries(words)) needles.push(textNeedle(field, value));
    needles.push(textNeedle('receipt', receipt), textNeedle('receipt digits', receipt.replace(/-/g, '')));
    needles.push(textNeedle('address of the person', PERSON_ADDRESS));
    for (const user of [instance.admin, caseworker]) {
      needles.push(textNeedle(`password of ${user.login}`, user.password), textNeedle(`TOTP secret of ${user.login}`, user.totpSecret));
    }
    for (const [who, browser] of [['coordinator', coordinator], ['caseworker', colleague]] as const) {
      const [id, secret] = browser.cookie()!.split('.') as [string, string];
      needles.push(secretNeedle(`cookie id of the ${who}`, Buffer.from(id, 'base64url')), secretNeedle(`cookie secret of the ${who}`, Buffer.from(secret, 'base64url')));
    }
    instance.shares.forEach((share, index) => needles.push(textNeedle(`recovery share ${index + 1}`, share), secretNeedle(`recovery share ${index + 1} (bytes)`, parseShare(share))));
  } finally {
    Object.assign(console, originals);
  }

  await db.query('create table zz_canary (note text, blob bytea)');
  await db.query('insert into zz_canary values ($1, $2)', [CANARY.text, Buffer.from(CANARY.bytes)]);
});

after(async () => {
  if (!closed) await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The needles found in one value as stored. */
function found(value: unknown, among: Needle[]): string[] {
  if (value === null || value === undefined) return [];
  const bytes =
    value instanceof Uint8Array
      ? Buffer.from(value)
      : Buffer.from(typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)));
  return among.filter((needle) => needle.patterns.some((pattern) => bytes.includes(pattern))).map((needle) => needle.name);
}

async function scanTables(): Promise<{ tables: string[]; hits: string[]; canariesFound: Set<string> }> {
  const tables = (
    await db.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name")
  ).map((row) => row.table_name);
  const hits: string[] = [];
  const canariesFound = new Set<string>();
  for (const table of tables) {
    const rows = await db.query<Record<string, unknown>>(`select * from "${table}"`);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        for (const name of found(value, needles)) hits.push(`${table}.${column}: ${name}`);
        for (const name of found(value, canaries)) canariesFound.add(name);
      }
    }
  }
  return { tables, hits, canariesFound };
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

async function scanFiles(paths: AsyncIterable<string>): Promise<{ files: number; hits: string[]; canariesFound: Set<string> }> {
  const hits: string[] = [];
  const canariesFound = new Set<string>();
  let files = 0;
  for await (const path of paths) {
    const bytes = await readFile(path);
    files += 1;
    for (const name of found(bytes, needles)) hits.push(`${path}: ${name}`);
    for (const name of found(bytes, canaries)) canariesFound.add(name);
  }
  return { files, hits, canariesFound };
}

describe('a stolen database', () => {
  test('the team members who hold the keys read every marker back (so the markers were stored)', async () => {
    const casePage = await coordinator.get(casePath);
    assert.equal(casePage.status, 200);
    for (const [field, value] of Object.entries(words)) assertShows(casePage, value, `the case page (${field})`);
    const status = await personPost(new Browser(t), 'ru', { action: 'open', receipt });
    for (const field of ['personMessage', 'laterMessage', 'staffReply'] as const) assertShows(status, words[field], `the person's status page (${field})`);
  });

  test('nothing the app logged carries what people wrote or where they wrote from', () => {
    const hits = logged.flatMap((line) => found(line, needles));
    assert.deepEqual(hits, []);
  });

  test('no table holds any marker, receipt, password, TOTP secret, cookie, recovery share or address', async () => {
    const { tables, hits, canariesFound } = await scanTables();
    for (const table of ['audit_events', 'case_notes', 'cases', 'help_requests', 'messages', 'sessions', 'users', 'vault_keys', 'instance']) {
      assert.ok(tables.includes(table), `the scan covers ${table}`);
    }
    assert.ok(needles.length >= 25, `only ${needles.length} needles`);
    assert.deepEqual([...canariesFound].sort(), ['canary bytes', 'canary text'], 'the scan finds plaintext when there is some');
    assert.deepEqual(hits, []);
  });

  test('no file of the embedded database holds any of them either', { skip: !embedded && 'runs on the embedded database' }, async () => {
    await t.close();
    closed = true;
    const { files, hits, canariesFound } = await scanFiles(filesUnder(dataDir!));
    assert.ok(files > 100, `only ${files} files in the data directory`);
    assert.deepEqual([...canariesFound].sort(), ['canary bytes', 'canary text'], 'the scan finds plaintext when there is some');
    assert.deepEqual(hits, []);
  });

  test('no file of the server\'s database or write-ahead log holds any of them either', { skip: embedded && 'runs on a PostgreSQL server' }, async (context) => {
    let base: string;
    let wal: string;
    try {
      const [setting] = await db.query<{ dir: string; oid: number }>(
        "select current_setting('data_directory') as dir, (select oid::int from pg_database where datname = current_database()) as oid",
      );
      await db.query('checkpoint');
      base = join(setting!.dir, 'base', String(setting!.oid));
      wal = join(setting!.dir, 'pg_wal');
      await readdir(base);
    } catch {
      context.skip('the server\'s data directory is not readable from here');
      return;
    }
    async function* recent(): AsyncGenerator<string> {
      yield* filesUnder(base);
      // Only the write-ahead log written while this test ran; older segments hold other runs.
      for await (const path of filesUnder(wal)) if ((await stat(path)).mtimeMs >= startedAt - 5_000) yield path;
    }
    const { files, hits, canariesFound } = await scanFiles(recent());
    assert.ok(files > 50, `only ${files} files`);
    assert.deepEqual([...canariesFound].sort(), ['canary bytes', 'canary text'], 'the scan finds plaintext when there is some');
    assert.deepEqual(hits, []);
  });
});
