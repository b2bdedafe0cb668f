import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { verifyAudit } from '../../src/audit/log.ts';
import { inviteUser } from '../../src/auth/invites.ts';
import { logIn } from '../../src/auth/login.ts';
import { RateLimiter } from '../../src/web/rate-limit.ts';
import { checkPassword } from '../../src/auth/users.ts';
import { backupDatabase } from '../../src/cli/backup.ts';
import { dumpDatabase } from '../../src/cli/backup-dump.ts';
import { openBackup, sealBackup } from '../../src/cli/backup-file.ts';
import { CommandError } from '../../src/cli/errors.ts';
import { restoreBackup } from '../../src/cli/restore.ts';
import { listTables } from '../../src/cli/schema.ts';
import { createStaffUser } from '../../src/cli/user-create.ts';
import { openVaultAsUser } from '../../src/crypto/vaults.ts';
import { createCaseFromRequest } from '../../src/cases/create-case.ts';
import { addNote } from '../../src/cases/case-file.ts';
import type { Db } from '../../src/db/client.ts';
import { requestContentField, requestContentSchema } from '../../src/help/content.ts';
import { viewAsPerson, writeAsPerson } from '../../src/help/person-access.ts';
import { submitHelpRequest } from '../../src/help/submit-request.ts';
import { keepShares } from '../../src/auth/recovery-shares.ts';
import { ADMIN_PASSWORD, count, initialised, PASSPHRASE, useResources } from './helpers.ts';

describe('test/cli/backup-restore.test.ts', () => {
  const resources = useResources();
  const WORKER_PASSWORD = 'caseworker password';

  /** An installation with something in every table: requests, a case (with the request ↔ case cycle), messages, a session. */
  async function populated(db: Db): Promise<{ receipt: string }> {
    const { adminId } = await initialised(db);
    const worker = await createStaffUser(db, { login: 'worker', displayName: 'Worker', roles: ['caseworker'], language: 'ru', password: WORKER_PASSWORD });
    const receipt = await submitHelpRequest(db, {
      urgent: true,
      needs: ['evacuation', 'housing'],
      country: 'RU',
      language: 'ru',
      content: { city: 'Тестоград', story: 'История «с кавычками», \\ и переносом\nстроки' },
    });
    await submitHelpRequest(db, { urgent: false, needs: ['legal'], country: 'NL', language: 'en', content: { story: 'second' } });
    assert.ok(await writeAsPerson(db, receipt, 'hello from the person'));
    await db.transaction((tx) => inviteUser(tx, adminId, ['lawyer']));
    const admin = await checkPassword(db, 'admin', ADMIN_PASSWORD);
    const [second] = await db.query<{ id: string }>('select id from help_requests where not urgent');
    const caseId = await createCaseFromRequest(db, { userId: adminId, keys: admin.keys! }, second!.id, worker.id);
    assert.ok(caseId && (await addNote(db, { userId: adminId, keys: admin.keys! }, caseId, 'core', 'a note in the core part')));
    await logIn(db, new RateLimiter(), { login: 'admin', password: ADMIN_PASSWORD, address: '192.0.2.1' });
    // Recovery shares still waiting for their confirmation (sealed; the key is in a cookie).
    await keepShares(db, { shares: ['1111-2222', '3333-4444'], threshold: 2, createdAt: new Date() });
    return { receipt };
  }

  type Shared = { source: Db; file: Uint8Array; path: string; folder: string; receipt: string };
  let shared: Promise<Shared> | undefined;

  /** One populated installation and its backup, shared by the tests of this file. */
  function backedUp(): Promise<Shared> {
    shared ??= (async () => {
      const source = await resources.db();
      const { receipt } = await populated(source);
      const folder = await resources.folder();
      const path = join(folder, 'beside.backup');
      await backupDatabase(source, PASSPHRASE, path);
      return { source, file: await readFile(path), path, folder, receipt };
    })();
    return shared;
  }

  /**
   * Rows a restore could have written. A fresh database already holds its instance row (the
   * instance secret's check, a receipt salt) and the ledger's chart of accounts, which restore
   * replaces: they are not counted.
   */
  async function totalRows(db: Db): Promise<number> {
    let total = 0;
    const fresh = ['schema_migrations', 'instance', 'ledger_accounts'];
    for (const name of (await listTables(db)).keys()) if (!fresh.includes(name)) total += await count(db, name);
    return total;
  }

  test('a backup file is private, written whole, and audited', async () => {
    const { source, path, folder, file } = await backedUp();
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(folder), ['beside.backup']);
    assert.equal(Buffer.from(file.subarray(0, 16)).toString(), 'BESIDE-BACKUP-1\n');
    assert.ok(!Buffer.from(file).includes('Тестоград'), 'nothing readable in the file');
    const [last] = await source.query<{ kind: string }>('select kind from audit_events order by seq desc limit 1');
    assert.equal(last?.kind, 'backup.created');
  });

  test('backup → restore into a fresh database gives back every row, working logins and an intact audit chain', async () => {
    const { file, receipt } = await backedUp();
    const contents = await openBackup(file, PASSPHRASE);
    const names = contents.tables.map((table) => table.name);
    for (const name of ['instance', 'users', 'invites', 'vaults', 'vault_keys', 'help_requests', 'messages', 'cases', 'case_notes', 'audit_events']) {
      assert.ok(names.includes(name), `${name} is backed up`);
    }
    assert.ok(!names.includes('sessions') && !names.includes('schema_migrations') && !names.includes('shown_recovery_shares'));

    const target = await resources.db();
    const summary = await restoreBackup(target, file, PASSPHRASE);
    assert.equal(summary.tables, contents.tables.length);
    assert.deepEqual(summary.newerMigrations, []);

    // Every table and every value, exactly: dumping the restored database gives the same contents.
    assert.deepEqual((await dumpDatabase(target)).tables, contents.tables);
    for (const table of contents.tables) assert.equal(await count(target, table.name), table.rows.length, table.name);
    assert.equal(await count(target, 'sessions'), 0);

    const admin = await checkPassword(target, 'admin', ADMIN_PASSWORD);
    assert.ok(admin.keys && admin.user);
    assert.ok((await checkPassword(target, 'worker', WORKER_PASSWORD)).keys);
    const story = await target.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string; vault_id: string; content: Uint8Array; created_at: Date }>(
        'select id, vault_id, content, created_at from help_requests where urgent',
      );
      const vault = await openVaultAsUser(tx, { userId: admin.user!.id, keys: admin.keys! }, row!.vault_id, 'test');
      return requestContentSchema.parse(vault!.open(requestContentField, row!, row!.content)).story;
    });
    assert.equal(story, 'История «с кавычками», \\ и переносом\nстроки');
    // The receipt still works, so the instance's lookup salt came back too.
    const view = await viewAsPerson(target, receipt);
    assert.deepEqual(
      view?.messages.map((message) => message.body),
      ['hello from the person'],
    );

    const auditRows = contents.tables.find((table) => table.name === 'audit_events')!.rows.length;
    const verdict = await verifyAudit(target);
    assert.deepEqual(verdict.problems, []);
    assert.ok(verdict.entries > auditRows, 'the checks above appended to the restored chain');
    await resources.close(target);
  });

  test('a wrong passphrase fails clearly and writes nothing', async () => {
    const { file } = await backedUp();
    const target = await resources.db();
    await assert.rejects(
      restoreBackup(target, file, 'not the passphrase at all'),
      (error: unknown) => error instanceof CommandError && /passphrase is wrong/.test(error.message),
    );
    assert.equal(await totalRows(target), 0);
    await resources.close(target);
  });

  test('a backup with one byte flipped anywhere is refused', async () => {
    const { file } = await backedUp();
    const target = await resources.db();
    for (const position of [3, 20, Math.floor(file.length / 2), file.length - 1]) {
      const tampered = Uint8Array.from(file);
      tampered[position]! ^= 0x01;
      await assert.rejects(restoreBackup(target, tampered, PASSPHRASE), CommandError, `byte ${position}`);
    }
    await assert.rejects(restoreBackup(target, file.subarray(0, file.length - 10), PASSPHRASE), CommandError);
    assert.equal(await totalRows(target), 0);
    await resources.close(target);
  });

  test('restore refuses a database that is not empty', async () => {
    const { file } = await backedUp();
    const target = await resources.db();
    await initialised(target);
    const before = await totalRows(target);
    await assert.rejects(restoreBackup(target, file, PASSPHRASE), /not empty/);
    assert.equal(await totalRows(target), before);
    await resources.close(target);
  });

  test('restore refuses a backup from a newer Beside', async () => {
    const { file } = await backedUp();
    const contents = await openBackup(file, PASSPHRASE);
    const future = await sealBackup({ ...contents, migrations: [...contents.migrations, '9999_future.sql'] }, PASSPHRASE);
    const target = await resources.db();
    await assert.rejects(restoreBackup(target, future, PASSPHRASE), /newer Beside/);
    assert.equal(await totalRows(target), 0);
    await resources.close(target);
  });

  test('backup refuses a short passphrase and writes no file', async () => {
    const db = await resources.db();
    const folder = await resources.folder();
    await assert.rejects(backupDatabase(db, 'too short', join(folder, 'x.backup')), /at least 12 characters/);
    assert.deepEqual(await readdir(folder), []);
    await resources.close(db);
  });

  test('a file that is not a backup is named as such', async () => {
    const folder = await resources.folder();
    const path = join(folder, 'notes.txt');
    await writeFile(path, 'just some text, long enough to have a salt and more');
    const target = await resources.db();
    await assert.rejects(restoreBackup(target, await readFile(path), PASSPHRASE), /not a Beside backup/);
    await resources.close(target);
  });
});
