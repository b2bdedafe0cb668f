import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findUserByLogin, insertUser } from '../../src/auth/users.ts';
import { legacySecretCheck } from '../../src/crypto/instance-secret.ts';
import { countRows } from '../support/app.ts';
import { openInstance, InstanceSecretError } from '../../src/instance-setup.ts';

/**
 * The instance secret lives outside the database: made once with owner-only permissions, and a
 * database that was set up with it accepts no other and does not run without it. The embedded
 * database is used whatever TEST_DATABASE_URL says: what is tested here is the file and the check.
 */
const folder = mkdtempSync(join(tmpdir(), 'beside-secret-'));
const config = { databaseUrl: undefined, dataDir: folder };
const keyFile = join(folder, 'instance.key');
const noEnv = {};

after(() => rmSync(folder, { recursive: true, force: true }));

test('the first start makes the secret, readable by its owner only; the next start uses it', async () => {
  const db = await openInstance(config, noEnv);
  try {
    await insertUser(db, { login: 'someone', displayName: 'Someone', roles: ['caseworker'], language: 'en', password: 'a long enough password' });
  } finally {
    await db.close();
  }
  assert.ok(existsSync(keyFile));
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const again = await openInstance(config, noEnv);
  await again.close();
});

test('another secret is refused, and so is none at all; nothing new is made', async () => {
  const original = readFileSync(keyFile, 'utf8');
  try {
    writeFileSync(keyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    await assert.rejects(openInstance(config, noEnv), (error) => error instanceof InstanceSecretError && /not the one/.test(error.message));
    await assert.rejects(openInstance(config, { BESIDE_INSTANCE_SECRET: Buffer.alloc(32, 9).toString('hex') }), InstanceSecretError);
    rmSync(keyFile);
    await assert.rejects(openInstance(config, noEnv), (error) => error instanceof InstanceSecretError && /none is configured/.test(error.message));
    assert.equal(existsSync(keyFile), false, 'no new secret was made for a database that had one');
  } finally {
    writeFileSync(keyFile, original, { mode: 0o600 });
  }
  // The right one, given in the environment instead of the file, works.
  rmSync(keyFile);
  const db = await openInstance(config, { BESIDE_INSTANCE_SECRET: original.trim() });
  await db.close();
  writeFileSync(keyFile, original, { mode: 0o600 });
});

test('a database writer who removes the record of the secret does not get it adopted again', async () => {
  const db = await openInstance(config, noEnv);
  try {
    await db.query('update instance set secret_check = null');
    // and, to make every forged key "tagged" at the next start, drops the tags too
    await db.query('update users set public_key_tag = null');
  } finally {
    await db.close();
  }
  await assert.rejects(openInstance(config, noEnv), (error) => error instanceof InstanceSecretError && /no record/.test(error.message));
});

test('an installation from before entitlement tags has its rows tagged once, at the first start; a changed row never is', async () => {
  const upgraded = mkdtempSync(join(tmpdir(), 'beside-entitlements-'));
  const at = { databaseUrl: undefined, dataDir: upgraded };
  const rolesOf = async (db: Awaited<ReturnType<typeof openInstance>>, login: string) => (await findUserByLogin(db, login))!.roles;
  try {
    let db = await openInstance(at, noEnv);
    try {
      for (const login of ['kept', 'changed']) {
        await insertUser(db, { login, displayName: login, roles: ['caseworker'], language: 'en', password: 'a long enough password' });
      }
      // What a Beside from before entitlement tags left: its older check, and rows without tags.
      await db.query('update instance set secret_check = $1', [legacySecretCheck()]);
      await db.query("update users set entitlement_tag = null where login = 'kept'");
      // A writer changed this row before the upgrade, but left its tag: it does not verify, and stays so.
      await db.query("update users set roles = array['caseworker', 'administrator'] where login = 'changed'");
    } finally {
      await db.close();
    }
    db = await openInstance(at, noEnv);
    try {
      assert.deepEqual(await rolesOf(db, 'kept'), ['caseworker'], 'the untagged row is tagged as it was');
      assert.deepEqual(await rolesOf(db, 'changed'), [], 'the row whose tag fails is not re-tagged');
      assert.equal(await countRows(db, 'audit_events', "kind = 'entitlement.adopted'"), 1);
      // Later, a blanked tag is never filled in again.
      await db.query("update users set entitlement_tag = null, roles = array['administrator'] where login = 'kept'");
    } finally {
      await db.close();
    }
    db = await openInstance(at, noEnv);
    try {
      assert.deepEqual(await rolesOf(db, 'kept'), [], 'no second trust on first use');
      assert.equal(await countRows(db, 'audit_events', "kind = 'entitlement.adopted'"), 1);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(upgraded, { recursive: true, force: true });
  }
});
