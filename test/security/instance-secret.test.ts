import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findUserByLogin, insertUser } from '../../src/auth/users.ts';
import { legacySecretCheck } from '../../src/crypto/instance-secret.ts';
import type { Db } from '../../src/db/client.ts';
import { countRows } from '../support/app.ts';
import { openTestDb } from '../support/db.ts';
import { startInstance, InstanceSecretError } from '../../src/instance-setup.ts';

describe('test/security/instance-secret.test.ts', () => {
  /**
   * The instance secret lives outside the database: made once with owner-only permissions, and a
   * database that was set up with it accepts no other and does not run without it. What is tested
   * here is the file and the check that every start makes (startInstance, which `npm start` and
   * each command run after opening the database): a "start" runs it again on the same database,
   * as a restart finds it. Opening the data folder is the command line's tests' business.
   */
  const folder = mkdtempSync(join(tmpdir(), 'beside-secret-'));
  const keyFile = join(folder, 'instance.key');
  const noEnv = {};
  let installation: Db;

  before(async () => {
    installation = await openTestDb({ firstStart: true });
  });

  after(async () => {
    await installation?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = noEnv) => startInstance(installation, folder, env);

  test('the first start makes the secret, readable by its owner only; the next start uses it', async () => {
    await start();
    await insertUser(installation, { login: 'someone', displayName: 'Someone', roles: ['caseworker'], language: 'en', password: 'a long enough password' });
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const made = readFileSync(keyFile, 'utf8');
    await start();
    assert.equal(readFileSync(keyFile, 'utf8'), made, 'the next start keeps the secret it finds');
  });

  test('another secret is refused, and so is none at all; nothing new is made', async () => {
    const original = readFileSync(keyFile, 'utf8');
    try {
      writeFileSync(keyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`);
      await assert.rejects(start(), (error) => error instanceof InstanceSecretError && /not the one/.test(error.message));
      await assert.rejects(start({ BESIDE_INSTANCE_SECRET: Buffer.alloc(32, 9).toString('hex') }), InstanceSecretError);
      rmSync(keyFile);
      await assert.rejects(start(), (error) => error instanceof InstanceSecretError && /none is configured/.test(error.message));
      assert.equal(existsSync(keyFile), false, 'no new secret was made for a database that had one');
    } finally {
      writeFileSync(keyFile, original, { mode: 0o600 });
    }
    // The right one, given in the environment instead of the file, works.
    rmSync(keyFile);
    await start({ BESIDE_INSTANCE_SECRET: original.trim() });
    writeFileSync(keyFile, original, { mode: 0o600 });
  });

  test('a database writer who removes the record of the secret does not get it adopted again', async () => {
    await start();
    await installation.query('update instance set secret_check = null');
    // and, to make every forged key "tagged" at the next start, drops the tags too
    await installation.query('update users set public_key_tag = null');
    await assert.rejects(start(), (error) => error instanceof InstanceSecretError && /no record/.test(error.message));
  });

  test('an installation from before entitlement tags has its rows tagged once, at the first start; a changed row never is', async () => {
    const upgraded = mkdtempSync(join(tmpdir(), 'beside-entitlements-'));
    const db = await openTestDb({ firstStart: true });
    const startUpgraded = () => startInstance(db, upgraded, noEnv);
    const rolesOf = async (login: string) => (await findUserByLogin(db, login))!.roles;
    try {
      await startUpgraded();
      for (const login of ['kept', 'changed']) {
        await insertUser(db, { login, displayName: login, roles: ['caseworker'], language: 'en', password: 'a long enough password' });
      }
      // What a Beside from before entitlement tags left: its older check, and rows without tags.
      await db.query('update instance set secret_check = $1', [legacySecretCheck()]);
      await db.query("update users set entitlement_tag = null where login = 'kept'");
      // A writer changed this row before the upgrade, but left its tag: it does not verify, and stays so.
      await db.query("update users set roles = array['caseworker', 'administrator'] where login = 'changed'");

      await startUpgraded();
      assert.deepEqual(await rolesOf('kept'), ['caseworker'], 'the untagged row is tagged as it was');
      assert.deepEqual(await rolesOf('changed'), [], 'the row whose tag fails is not re-tagged');
      assert.equal(await countRows(db, 'audit_events', "kind = 'entitlement.adopted'"), 1);
      // Later, a blanked tag is never filled in again.
      await db.query("update users set entitlement_tag = null, roles = array['administrator'] where login = 'kept'");

      await startUpgraded();
      assert.deepEqual(await rolesOf('kept'), [], 'no second trust on first use');
      assert.equal(await countRows(db, 'audit_events', "kind = 'entitlement.adopted'"), 1);
    } finally {
      await db.close();
      rmSync(upgraded, { recursive: true, force: true });
    }
  });
});
