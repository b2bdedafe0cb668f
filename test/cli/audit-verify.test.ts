import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { appendAudit, verifyAudit } from '../../src/audit/log.ts';
import { describeAnchor, describeVerdict, parseAnchor } from '../../src/cli/audit-verify.ts';
import { createStaffUser } from '../../src/cli/user-create.ts';
import { useInstanceSecret } from '../../src/crypto/instance-secret.ts';
import type { Db } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/open.ts';
import { initialised, useResources } from './helpers.ts';

const resources = useResources();
const HEAD = /^audit log intact: (\d+) entries, head #(\d+) ([0-9a-f]{64})$/m;

async function fourEntries() {
  const db = await resources.db();
  await initialised(db);
  for (const login of ['one', 'two']) {
    await createStaffUser(db, { login, displayName: login, roles: ['caseworker'], language: 'en', password: 'a long enough password' });
  }
  return db;
}

test('an untouched log is reported intact with its number of entries and its head', async () => {
  const db = await fourEntries();
  const verdict = await verifyAudit(db);
  const [line] = describeVerdict(verdict);
  assert.equal(line, `audit log intact: 4 entries, head #4 ${verdict.head!.hash}`);
  assert.match(line!, HEAD);
  await resources.close(db);
});

test('an edited entry is reported by its number, then the count and head', async () => {
  const db = await fourEntries();
  await db.query(`update audit_events set detail = '{"userId":"someone-else","roles":["administrator"]}' where seq = 3`);
  const verdict = await verifyAudit(db);
  assert.deepEqual(verdict.problems, [{ seq: 3, problem: 'edited' }]);
  assert.deepEqual(describeVerdict(verdict), ['entry #3: edited', `audit log BROKEN: 1 problem(s) in 4 entries, head #4 ${verdict.head!.hash}`]);
  await resources.close(db);
});

test('a deleted entry breaks the chain where it was', async () => {
  const db = await fourEntries();
  await db.query('delete from audit_events where seq = 2');
  const lines = describeVerdict(await verifyAudit(db));
  assert.deepEqual(lines.slice(0, 2), ['entry #3: sequence_gap', 'entry #3: chain_broken']);
  assert.match(lines[2]!, /^audit log BROKEN: 2 problem\(s\) in 3 entries, head #4 [0-9a-f]{64}$/);
  await resources.close(db);
});

test('a head kept earlier reads back, and tells a kept entry from a missing or changed one', () => {
  const hash = 'ab'.repeat(32);
  assert.deepEqual(parseAnchor(`12:${hash.toUpperCase()}`), { seq: 12, hash });
  assert.deepEqual(parseAnchor(`#12 ${hash}`), { seq: 12, hash });
  assert.throws(() => parseAnchor('12:abc'), /--since takes a head/);
  assert.equal(describeAnchor({ seq: 12, hash }, hash).ok, true);
  assert.equal(describeAnchor({ seq: 12, hash }, 'cd'.repeat(32)).ok, false);
  assert.match(describeAnchor({ seq: 12, hash }, null).line, /entry #12 is missing .*cut or rewritten/);
});

type Run = { code: number | null; stdout: string; stderr: string };

function beside(args: string[], env: Record<string, string>): Promise<Run> {
  const bin = fileURLToPath(new URL('../../bin/beside.mjs', import.meta.url));
  const base = { ...process.env };
  delete base.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The database the command will open, and the environment that points it there: a data folder
 * (embedded), or a fresh database on the server under test.
 */
async function databaseForCommand(folder: string): Promise<{ db: Db; env: Record<string, string>; release(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    const db = await openDatabase({ dataDir: folder, databaseUrl: undefined });
    // The embedded database allows one process at a time: the command runs while it is closed.
    return { db, env: { DATA_DIR: folder }, release: () => db.close() };
  }
  const db = await resources.db();
  const [row] = await db.query<{ name: string }>('select current_database() as name');
  const url = new URL(server);
  url.pathname = `/${row!.name}`;
  return { db, env: { DATA_DIR: folder, DATABASE_URL: url.href }, release: async () => undefined };
}

test('`beside audit verify` prints the count and head; with --since it notices a cut tail', async () => {
  // The command must hold the same instance secret as whoever wrote the entries.
  const secret = randomBytes(32);
  useInstanceSecret(new Uint8Array(secret));
  const folder = await resources.folder();
  const target = await databaseForCommand(folder);
  for (let i = 0; i < 5; i += 1) await appendAudit(target.db, null, { kind: 'backup.created' });
  const expected = (await verifyAudit(target.db)).head!;
  await target.release();
  const env = { ...target.env, BESIDE_INSTANCE_SECRET: secret.toString('hex') };

  const first = await beside(['audit', 'verify'], env);
  assert.equal(first.code, 0, first.stderr);
  const [, count, seq, hash] = HEAD.exec(first.stdout) ?? [];
  assert.deepEqual([count, seq, hash], ['5', '5', expected.hash]);

  // A database writer cuts the last entry: the rest is a valid chain, but the kept head is gone.
  const again = await databaseForCommand(folder);
  await again.db.query('delete from audit_events where seq = 5');
  await again.release();
  const cut = await beside(['audit', 'verify', '--since', `${seq}:${hash}`], env);
  assert.equal(cut.code, 1, cut.stderr);
  assert.match(cut.stdout, /^audit log intact: 4 entries, head #4 [0-9a-f]{64}$/m);
  assert.match(cut.stdout, /^entry #5 is missing than kept earlier: the log was cut or rewritten since$/m);
});
