import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyAudit } from '../../src/audit/log.ts';
import { checkPassword } from '../../src/auth/users.ts';
import { CommandError } from '../../src/cli/errors.ts';
import { recoverUserAccess } from '../../src/cli/recover.ts';
import { createStaffUser } from '../../src/cli/user-create.ts';
import { resetStaffUser } from '../../src/cli/user-reset.ts';
import { instanceKeys } from '../../src/crypto/instance.ts';
import { randomUUID } from 'node:crypto';
import { userPrincipal } from '../../src/auth/users.ts';
import { caseNoteField } from '../../src/cases/content.ts';
import { createVault, openVaultAsUser } from '../../src/crypto/vaults.ts';
import type { Db } from '../../src/db/client.ts';
import { readersOf, type GivingVaultKind } from '../../src/funding/vault-readers.ts';
import { auditKinds, count, initialised, useResources, type Installation } from './helpers.ts';

describe('test/cli/recover.test.ts', () => {
  const resources = useResources();
  const OLD = 'old password of the worker';
  const NEW = 'new password of the worker';
  const PLACE = { id: randomUUID(), case_id: randomUUID(), part: 'core', author_id: randomUUID(), created_at: new Date('2026-11-30T12:00:00Z') };

  type Scene = { db: Db; installation: Installation; userId: string; vaultId: string; box: Uint8Array };

  /** A caseworker holds a vault that is also sealed to the recovery key, then forgets their password. */
  async function resetWorkerWithVault(): Promise<Scene> {
    const db = await resources.db();
    const installation = await initialised(db);
    const user = await createStaffUser(db, { login: 'worker', displayName: 'Worker', roles: ['caseworker'], language: 'en', password: OLD });
    const { vaultId, box } = await db.transaction(async (tx) => {
      const { recovery } = await instanceKeys(tx);
      // Another case of the association, which the worker never held: recovery must not hand it over.
      await createVault(tx, 'core', { table: 'cases', id: randomUUID() }, [recovery!], installation.adminId);
      const vault = await createVault(tx, 'core', { table: 'cases', id: randomUUID() }, [recovery!, userPrincipal(user)], installation.adminId);
      return { vaultId: vault.id, box: vault.seal(caseNoteField, PLACE, 'kept safe') };
    });
    await resetStaffUser(db, 'worker', NEW);
    return { db, installation, userId: user.id, vaultId, box };
  }

  async function openAsWorker(scene: Scene): Promise<string | null> {
    const { keys, user } = await checkPassword(scene.db, 'worker', NEW);
    assert.ok(keys && user);
    return scene.db.transaction(async (tx) => {
      const vault = await openVaultAsUser(tx, { userId: user.id, keys }, scene.vaultId, 'test');
      return vault ? String(vault.open(caseNoteField, PLACE, scene.box)) : null;
    });
  }

  test('2 of 3 shares give a reset user back the vaults they held, and no others, under their new keys', async () => {
    const scene = await resetWorkerWithVault();
    assert.equal(await openAsWorker(scene), null, 'the reset removed the old grant');

    const { shares } = scene.installation;
    const result = await recoverUserAccess(scene.db, 'worker', [shares[2]!, shares[0]!]);
    assert.deepEqual(result, { userId: scene.userId, vaults: 1 });
    assert.equal(await openAsWorker(scene), 'kept safe');

    const entries = await auditKinds(scene.db);
    const tail = entries.slice(entries.findIndex((entry) => entry.kind === 'user.keys_reset') + 1);
    assert.deepEqual(
      tail.map((entry) => [entry.kind, entry.actor]),
      [
        ['vault.decrypted', null],
        ['vault.granted', null],
        ['recovery.regranted', null],
        ['vault.decrypted', scene.userId],
      ],
    );
    assert.deepEqual((await verifyAudit(scene.db)).problems, []);

    // Running it again grants nothing twice.
    assert.equal((await recoverUserAccess(scene.db, 'worker', shares.slice(1))).vaults, 0);
    await resources.close(scene.db);
  });

  test('one share, the same share twice, or a malformed share cannot recover', async () => {
    const scene = await resetWorkerWithVault();
    const [first, second] = scene.installation.shares;
    const before = await count(scene.db, 'audit_events');
    await assert.rejects(recoverUserAccess(scene.db, 'worker', [first!]), /At least 2 different recovery shares/);
    await assert.rejects(recoverUserAccess(scene.db, 'worker', [first!, ` ${first!.toUpperCase()} `]), /At least 2 different/);
    await assert.rejects(recoverUserAccess(scene.db, 'worker', [first!, 'abcd-ef']), /Share 2 is not a recovery share/);
    // A share with one digit changed still parses, but rebuilds another key. The digit is one in
    // the middle: X25519 ignores some bits of the key's first and last bytes, so a change that only
    // reaches those (about 1 time in 40 for the first digit) would rebuild a key that works.
    const digits = [...second!];
    const at = digits.findIndex((ch, index) => index >= 20 && /[0-9a-f]/i.test(ch));
    digits[at] = digits[at] === '0' ? '1' : '0';
    const altered = digits.join('');
    await assert.rejects(recoverUserAccess(scene.db, 'worker', [first!, altered]), /do not rebuild/);
    assert.equal(await count(scene.db, 'audit_events'), before);
    assert.equal(await openAsWorker(scene), null);
    await resources.close(scene.db);
  });

  test("shares of another installation do not rebuild this one's recovery key", async () => {
    const scene = await resetWorkerWithVault();
    const other = await resources.db();
    const foreign = await initialised(other);
    await assert.rejects(
      recoverUserAccess(scene.db, 'worker', foreign.shares.slice(0, 2)),
      (error: unknown) => error instanceof CommandError && /do not rebuild/.test(error.message),
    );
    assert.equal(await openAsWorker(scene), null);
    await resources.close(other);
    await resources.close(scene.db);
  });

  test('a treasurer who joined after every holder left is given what the role reads, and nothing else', async () => {
    const db = await resources.db();
    const installation = await initialised(db);
    const leaving = await createStaffUser(db, { login: 'old-treasurer', displayName: 'Old', roles: ['treasurer'], language: 'en', password: OLD });
    const vaults = await db.transaction(async (tx) => {
      const made: Partial<Record<GivingVaultKind | 'core', string>> = {};
      for (const kind of ['donor', 'expense', 'bank_statement', 'gift_message'] as const) {
        made[kind] = (await createVault(tx, kind, { table: 'gifts', id: randomUUID() }, await readersOf(tx, kind), null)).id;
      }
      const { recovery } = await instanceKeys(tx);
      made.core = (await createVault(tx, 'core', { table: 'cases', id: randomUUID() }, [recovery!], installation.adminId)).id;
      return made;
    });
    await db.query('update users set active = false where id = $1', [leaving.id]);
    const newcomer = await createStaffUser(db, { login: 'new-treasurer', displayName: 'New', roles: ['treasurer'], language: 'en', password: NEW });
    const opens = async (vaultId: string) => {
      const { keys } = await checkPassword(db, 'new-treasurer', NEW);
      return db.transaction(async (tx) => (await openVaultAsUser(tx, { userId: newcomer.id, keys: keys! }, vaultId, 'test')) !== null);
    };
    assert.equal(await opens(vaults.donor!), false, 'nobody is left to share the donors');

    const shares = installation.shares.slice(0, 2);
    assert.deepEqual(await recoverUserAccess(db, 'new-treasurer', shares), { userId: newcomer.id, vaults: 3 });
    assert.equal(await opens(vaults.donor!), true);
    assert.equal(await opens(vaults.expense!), true);
    assert.equal(await opens(vaults.bank_statement!), true);
    assert.equal(await opens(vaults.gift_message!), false, 'the editors’ messages are not a treasurer’s');
    assert.equal(await opens(vaults.core!), false, 'nor any case');
    assert.equal((await recoverUserAccess(db, 'new-treasurer', shares)).vaults, 0, 'nothing twice');

    // A database writer adds the editor role: its tag fails, so recovery acts on no role at all.
    await db.query("update users set roles = array['treasurer', 'editor'] where id = $1", [newcomer.id]);
    assert.equal((await recoverUserAccess(db, 'new-treasurer', shares)).vaults, 0);
    assert.equal(await opens(vaults.gift_message!), false);
    await resources.close(db);
  });

  test('recover needs an active user and an initialised installation', async () => {
    const scene = await resetWorkerWithVault();
    const shares = scene.installation.shares.slice(0, 2);
    await assert.rejects(recoverUserAccess(scene.db, 'nobody', shares), /No active user/);
    await scene.db.query("update users set active = false where login = 'worker'");
    await assert.rejects(recoverUserAccess(scene.db, 'worker', shares), /No active user/);
    await resources.close(scene.db);

    const empty = await resources.db();
    await assert.rejects(recoverUserAccess(empty, 'worker', shares), /not initialised/);
    await resources.close(empty);
  });
});
