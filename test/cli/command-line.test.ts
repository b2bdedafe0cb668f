import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { migratedDataFolder } from '../support/db.ts';
import { runBeside, useResources, type Run } from './helpers.ts';

describe('test/cli/command-line.test.ts', () => {
  /**
   * The `beside` command line on embedded databases in temporary folders: exit codes, messages, and
   * secrets taken from the environment (never argv) when there is no terminal. The binary,
   * bin/beside.mjs, is started as a process where the process is the point (exit codes, a call from
   * another folder); the rest runs the same command line in this process (runBeside), which spares
   * a Node.js, tsx and PGlite start per command.
   */
  const resources = useResources();
  const bin = fileURLToPath(new URL('../../bin/beside.mjs', import.meta.url));

  function spawnBeside(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Run> {
    const base = { ...process.env };
    for (const name of ['DATABASE_URL', 'DATA_DIR', 'BESIDE_PASSWORD', 'BESIDE_BACKUP_PASSPHRASE', 'BESIDE_SHARES', 'BESIDE_INSTANCE_SECRET']) delete base[name];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: { ...base, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.stdin.end();
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  test('the beside binary answers a usage error with 2, on stderr', async () => {
    const extra = await spawnBeside(['audit', 'verify', '--password', 'secret']);
    assert.equal(extra.code, 2);
    assert.equal(extra.stdout, '');
    assert.match(extra.stderr, /Unknown option '--password'/);
  });

  test("the beside binary refuses the test suite's cheap key derivation in production", async () => {
    // Tests lower the argon2id cost of new staff keys (BESIDE_TEST_CHEAP_KDF=1); a server or a
    // command that kept it would make the passwords behind every new key cheap to guess.
    const refused = await spawnBeside(['--help'], { env: { NODE_ENV: 'production', BESIDE_TEST_CHEAP_KDF: '1' } });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /BESIDE_TEST_CHEAP_KDF is for the test suite only/);
    assert.doesNotMatch(refused.stdout, /beside <command>/);
  });

  // Embedded only (DATA_DIR folders), and slow (each run opens a data directory): once, in the embedded pass.
  const embeddedPass = { skip: process.env.TEST_DATABASE_URL ? 'runs in the embedded pass' : false };

  test('the beside binary, called from another folder, initialises the database of that folder and answers 0', embeddedPass, async () => {
    const folder = await resources.folder();
    // The database a first start would make there (initdb from nothing, seconds of a core, is what
    // the browser tests' first start does).
    await migratedDataFolder(join(folder, 'data'));
    const init = await spawnBeside(['init', '--login', 'admin', '--name', 'Admin'], { cwd: folder, env: { BESIDE_PASSWORD: 'a long admin password' } });
    assert.equal(init.code, 0, init.stderr);
    assert.equal([...init.stdout.matchAll(/^ {2}([0-9a-f-]{60,})$/gm)].length, 3);
    // DATA_DIR defaults to ./data, where the command was called.
    assert.equal((await stat(join(folder, 'data', 'instance.key'))).mode & 0o777, 0o600);
  });

  test('help, unknown commands and usage errors', async () => {
    const help = await runBeside(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /beside <command>/);
    assert.match(help.stdout, /audit verify/);
    assert.equal(help.stderr, '');
    const unknown = await runBeside(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const none = await runBeside([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /beside <command>/);
    const missing = await runBeside(['user', 'create', '--login', 'someone']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--name is required/);
  });

  test('init, user create, reset, recover, backup, restore and audit verify from the command line', embeddedPass, async () => {
    const folder = await resources.folder();
    // Three installations' folders, each with the migrated database a first start would make
    // (initdb is not what is tested; the binary's test above makes one from nothing).
    await Promise.all(['first', 'elsewhere', 'second'].map((name) => migratedDataFolder(join(folder, name))));
    const first = { DATA_DIR: join(folder, 'first') };
    const password = { BESIDE_PASSWORD: 'a long admin password' };

    const noSecret = await runBeside(['init', '--login', 'admin', '--name', 'Admin'], first);
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.stderr, /set BESIDE_PASSWORD/);

    const init = await runBeside(['init', '--login', 'admin', '--name', 'Admin', '--language', 'ru'], { ...first, ...password });
    assert.equal(init.code, 0, init.stderr);
    const shares = [...init.stdout.matchAll(/^ {2}([0-9a-f-]{60,})$/gm)].map((match) => match[1]!);
    assert.equal(shares.length, 3);

    const again = await runBeside(['init', '--login', 'admin', '--name', 'Admin'], { ...first, ...password });
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim().split('\n').length, 1);
    assert.match(again.stderr, /already initialised/);

    const created = await runBeside(['user', 'create', '--login', 'worker', '--name', 'Worker', '--roles', 'caseworker'], {
      ...first,
      BESIDE_PASSWORD: 'a long worker password',
    });
    assert.equal(created.code, 0, created.stderr);
    const reset = await runBeside(['user', 'reset', '--login', 'worker'], { ...first, BESIDE_PASSWORD: 'another worker password' });
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /beside recover --login worker/);
    const recovered = await runBeside(['recover', '--login', 'worker'], { ...first, BESIDE_SHARES: `${shares[1]}\n${shares[2]}` });
    assert.equal(recovered.code, 0, recovered.stderr);

    const file = join(folder, 'beside.backup');
    const passphrase = { BESIDE_BACKUP_PASSPHRASE: 'a long backup passphrase' };
    const backup = await runBeside(['backup', '--out', file], { ...first, ...passphrase });
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal((await stat(file)).mode & 0o777, 0o600);

    // The backup's keys and audit chain are authenticated by the first installation's instance
    // secret, which a backup does not carry: a data directory with a secret of its own is refused.
    const elsewhere = await runBeside(['restore', '--in', file], { DATA_DIR: join(folder, 'elsewhere'), ...passphrase });
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /another instance secret/);
    assert.match(elsewhere.stderr, /Nothing was changed/);

    // As the README says: the secret, kept apart from the backups, goes into the new data directory.
    const second = { DATA_DIR: join(folder, 'second') };
    await mkdir(second.DATA_DIR, { recursive: true });
    await copyFile(join(first.DATA_DIR, 'instance.key'), join(second.DATA_DIR, 'instance.key'));
    const wrong = await runBeside(['restore', '--in', file], { ...second, BESIDE_BACKUP_PASSPHRASE: 'the wrong passphrase' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /passphrase is wrong/);
    const restored = await runBeside(['restore', '--in', file], { ...second, ...passphrase });
    assert.equal(restored.code, 0, restored.stderr);

    const before = await runBeside(['audit', 'verify'], first);
    const after = await runBeside(['audit', 'verify'], second);
    assert.equal(after.code, 0);
    // The source has one entry more: backup.created, written after the copy was taken.
    const entries = (run: Run) => Number(/audit log intact: (\d+) entries/.exec(run.stdout)?.[1]);
    assert.equal(entries(after), entries(before) - 1);
    assert.match(restored.stdout, new RegExp(`audit log intact: ${entries(after)} entries`));
  });
});
