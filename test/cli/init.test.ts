import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPassword } from '../../src/auth/users.ts';
import { describeShares, initInstance } from '../../src/cli/init.ts';
import { CommandError } from '../../src/cli/errors.ts';
import { ADMIN_PASSWORD, auditKinds, count, initialised, useResources } from './helpers.ts';

describe('test/cli/init.test.ts', () => {
  const resources = useResources();

  test('init creates the administrator and returns 3 distinct shares, any 2 of which are needed', async () => {
    const db = await resources.db();
    const result = await initialised(db);
    assert.equal(result.shares.length, 3);
    assert.equal(new Set(result.shares).size, 3);
    assert.equal(result.threshold, 2);
    for (const share of result.shares) assert.match(share, /^[0-9a-f]{4}(-[0-9a-f]{1,4})+$/);

    const { user, keys } = await checkPassword(db, 'admin', ADMIN_PASSWORD);
    assert.deepEqual(user?.roles, ['administrator', 'coordinator']);
    assert.ok(keys);
    assert.deepEqual(
      (await auditKinds(db)).map((entry) => [entry.kind, entry.actor]),
      [
        ['instance.initialised', null],
        ['user.created', null],
      ],
    );

    const printed = describeShares({ userId: result.adminId, shares: result.shares, threshold: 2 }, 'admin');
    for (const share of result.shares) assert.ok(printed.includes(share));
    assert.match(printed, /any 2 of these 3/);
    assert.match(printed, /DIFFERENT trusted person/);
    await resources.close(db);
  });

  test('a second init is refused and changes nothing', async () => {
    const db = await resources.db();
    await initialised(db);
    const [before] = await db.query<{ key: Uint8Array }>('select recovery_public_key as key from instance');
    await assert.rejects(
      initInstance(db, { login: 'other', displayName: 'Other', password: 'another long password', language: 'ru', shares: 3, threshold: 2 }),
      (error: unknown) => error instanceof CommandError && /already initialised/.test(error.message),
    );
    const [after] = await db.query<{ key: Uint8Array }>('select recovery_public_key as key from instance');
    assert.deepEqual(after?.key, before?.key);
    assert.equal(await count(db, 'users'), 1);
    assert.equal(await count(db, 'audit_events'), 2);
    await resources.close(db);
  });

  test('init refuses a short password, a bad login and a threshold of one, writing nothing', async () => {
    const db = await resources.db();
    const valid = { login: 'admin', displayName: 'Admin', password: ADMIN_PASSWORD, language: 'en' as const, shares: 3, threshold: 2 };
    await assert.rejects(initInstance(db, { ...valid, password: 'short' }), /at least 12 characters/);
    await assert.rejects(initInstance(db, { ...valid, login: 'Bad Login!' }), /A login is/);
    await assert.rejects(initInstance(db, { ...valid, threshold: 1 }), CommandError);
    await assert.rejects(initInstance(db, { ...valid, shares: 2, threshold: 3 }), CommandError);
    assert.equal(await count(db, 'users'), 0);
    assert.equal(await count(db, 'audit_events'), 0);
    await resources.close(db);
  });

  test('init with 5 shares and a threshold of 3', async () => {
    const db = await resources.db();
    const result = await initialised(db, 5, 3);
    assert.equal(result.shares.length, 5);
    const [row] = await db.query<{ t: number; n: number }>('select recovery_threshold as t, recovery_share_count as n from instance');
    assert.deepEqual(row, { t: 3, n: 5 });
    await resources.close(db);
  });
});
