import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newTotpSecret, saveTotpSecret } from '../../src/auth/totp.ts';
import { checkPassword, findUserByLogin, isConfirmedCoordinator, userPrincipal } from '../../src/auth/users.ts';
import { confirmCoordinator } from '../../src/auth/confirm-coordinator.ts';
import { parseRoles } from '../../src/cli/account-input.ts';
import { CommandError, UsageError } from '../../src/cli/errors.ts';
import { createStaffUser } from '../../src/cli/user-create.ts';
import { describeReset, resetStaffUser } from '../../src/cli/user-reset.ts';
import { createVault } from '../../src/crypto/vaults.ts';
import { auditKinds, count, initialised, useResources } from './helpers.ts';

describe('test/cli/user.test.ts', () => {
  const resources = useResources();
  const PASSWORD = 'caseworker password';

  test('user create makes an account that signs in, audited without an actor', async () => {
    const db = await resources.db();
    const user = await createStaffUser(db, {
      login: ' Case.Worker ',
      displayName: 'Case Worker',
      roles: parseRoles('caseworker,lawyer'),
      language: 'ru',
      password: PASSWORD,
    });
    assert.equal(user.login, 'case.worker');
    assert.deepEqual(user.roles, ['caseworker', 'lawyer']);
    assert.equal(user.language, 'ru');
    const { keys } = await checkPassword(db, 'case.worker', PASSWORD);
    assert.ok(keys);
    assert.deepEqual(await auditKinds(db), [{ kind: 'user.created', actor: null, subject: user.id }]);
    await resources.close(db);
  });

  test('user create refuses a taken login, a bad login, a short password and unknown roles', async () => {
    const db = await resources.db();
    const input = { login: 'worker', displayName: 'Worker', roles: parseRoles('caseworker'), language: 'en' as const, password: PASSWORD };
    await createStaffUser(db, input);
    await assert.rejects(createStaffUser(db, input), (error: unknown) => error instanceof CommandError && /taken/.test(error.message));
    await assert.rejects(createStaffUser(db, { ...input, login: 'x' }), /A login is/);
    await assert.rejects(createStaffUser(db, { ...input, login: 'other', password: 'eleven char' }), /at least 12/);
    await assert.rejects(createStaffUser(db, { ...input, login: 'other', displayName: '  ' }), /name/);
    assert.throws(() => parseRoles('caseworker,wizard'), UsageError);
    assert.throws(() => parseRoles(' , '), UsageError);
    assert.equal(await count(db, 'users'), 1);
    await resources.close(db);
  });

  test('user reset gives new keys and password, removes grants, sessions and TOTP, and audits it', async () => {
    const db = await resources.db();
    const { adminId } = await initialised(db);
    const user = await createStaffUser(db, { login: 'worker', displayName: 'W', roles: ['caseworker'], language: 'en', password: PASSWORD });
    await db.transaction(async (tx) => {
      await createVault(tx, 'core', { table: 'cases', id: user.id }, [userPrincipal(user)], adminId);
      await saveTotpSecret(tx, user.id, user.publicKey, newTotpSecret(), 0);
    });

    const reset = await resetStaffUser(db, 'worker', 'a brand new password');
    assert.equal(reset.grantsRemoved, 1);
    assert.match(describeReset(reset), /beside recover --login worker/);
    assert.equal((await checkPassword(db, 'worker', PASSWORD)).keys, null);
    assert.ok((await checkPassword(db, 'worker', 'a brand new password')).keys);
    const after = await findUserByLogin(db, 'worker');
    assert.notDeepEqual(after?.publicKey, user.publicKey);
    assert.equal(after?.totpEnrolled, false);
    assert.equal(await count(db, "vault_keys where principal_kind = 'user'"), 0);
    const last = (await auditKinds(db)).at(-1);
    assert.deepEqual(last, { kind: 'user.keys_reset', actor: null, subject: user.id });
    await resources.close(db);
  });

  test('user reset of an unknown login changes nothing', async () => {
    const db = await resources.db();
    await assert.rejects(resetStaffUser(db, 'nobody', 'a brand new password'), /No user has the login "nobody"/);
    assert.equal(await count(db, 'audit_events'), 0);
    await resources.close(db);
  });

  test('a coordinator whose keys were reset receives no new request until a colleague confirms them again', async () => {
    const db = await resources.db();
    const { adminId } = await initialised(db);
    const coordinator = await createStaffUser(db, { login: 'coord', displayName: 'C', roles: ['coordinator'], language: 'en', password: PASSWORD });
    assert.ok(await confirmCoordinator(db, adminId, coordinator.id));
    assert.equal(await isConfirmedCoordinator(db, coordinator.id), true);
    await resetStaffUser(db, 'coord', 'a brand new password');
    assert.equal(await isConfirmedCoordinator(db, coordinator.id), false, 'whoever ran the reset does not become a reader');
    await resources.close(db);
  });
});
