import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { appendAudit, verifyAudit } from '../../src/audit/log.ts';
import { describeAnchor, describeVerdict, parseAnchor } from '../../src/cli/audit-verify.ts';
import { createStaffUser } from '../../src/cli/user-create.ts';
import { useInstanceSecret } from '../../src/crypto/instance-secret.ts';
import type { Db } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/open.ts';
import { migratedDataFolder } from '../support/db.ts';
import { initialised, runBeside, useResources } from './helpers.ts';

describe('test/cli/audit-verify.test.ts', () => {
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
    assert.match(describeAnchor({ seq: 12, hash }, null).line, /entry #12 is missing: the log was cut/);
  });

  /**
   * The database the command will open, and the environment that points it there: a data folder
   * (embedded; the command runs while this process has it closed, since only one process may open
   * it), or a fresh database on the server under test.
   */
  async function databaseForCommand(folder: string): Promise<{ env: Record<string, string>; use<T>(fn: (db: Db) => Promise<T>): Promise<T> }> {
    const server = process.env.TEST_DATABASE_URL;
    if (!server) {
      await migratedDataFolder(folder);
      return {
        env: { DATA_DIR: folder },
        async use(fn) {
          const db = await openDatabase({ dataDir: folder, databaseUrl: undefined });
          try {
            return await fn(db);
          } finally {
            await db.close();
          }
        },
      };
    }
    const db = await resources.db();
    const [row] = await db.query<{ name: string }>('select current_database() as name');
    const url = new URL(server);
    url.pathname = `/${row!.name}`;
    return { env: { DATA_DIR: folder, DATABASE_URL: url.href }, use: (fn) => fn(db) };
  }

  test('`beside audit verify` prints the count and head; with --since it notices a cut tail', async () => {
    // The command must hold the same instance secret as whoever wrote the entries.
    const secret = randomBytes(32);
    useInstanceSecret(new Uint8Array(secret));
    const target = await databaseForCommand(await resources.folder());
    const expected = await target.use(async (db) => {
      for (let i = 0; i < 5; i += 1) await appendAudit(db, null, { kind: 'backup.created' });
      return (await verifyAudit(db)).head!;
    });
    const env = { ...target.env, BESIDE_INSTANCE_SECRET: secret.toString('hex') };

    const first = await runBeside(['audit', 'verify'], env);
    assert.equal(first.code, 0, first.stderr);
    const [, count, seq, hash] = HEAD.exec(first.stdout) ?? [];
    assert.deepEqual([count, seq, hash], ['5', '5', expected.hash]);

    // A head that is no longer there (chain.test.ts cuts a real tail and compares heads; here it
    // is the command's option, output and exit code that matter).
    const cut = await runBeside(['audit', 'verify', '--since', `6:${hash}`], env);
    assert.equal(cut.code, 1, cut.stderr);
    assert.match(cut.stdout, HEAD);
    assert.match(cut.stdout, /^entry #6 is missing: the log was cut since that head was kept$/m);
  });
});
