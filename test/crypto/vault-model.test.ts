import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { findUserById, userPrincipal } from '../../src/auth/users.ts';
import { caseNoteField } from '../../src/cases/content.ts';
import { combineShares } from '../../src/crypto/recovery.ts';
import { instanceKeys } from '../../src/crypto/instance.ts';
import { RECOVERY_REF, trustNewKey } from '../../src/crypto/principals.ts';
import { decryptBytes, generateKeyPair, openSealed } from '../../src/crypto/primitives.ts';
import { associatedData, sealedFields } from '../../src/crypto/sealed.ts';
import { createVault, openVaultAs, openVaultAsUser, rotateVault, shredVault, type KeyHolder } from '../../src/crypto/vaults.ts';
import { checkPassword } from '../../src/auth/users.ts';
import { messageBodyField } from '../../src/help/content.ts';
import { countRows, createStaff, initialiseInstance, startTestApp, submitHelp, type Instance, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/crypto/vault-model.test.ts', () => {
  /**
   * The vault model itself, through the functions every domain uses: what rotation and shredding
   * leave behind, and what a database writer can no longer do to the keys Beside seals to.
   */
  let t: TestApp;
  let instance: Instance;
  let alice: StaffUser;
  let bob: StaffUser;

  async function holderOf(user: StaffUser): Promise<KeyHolder> {
    const { user: found, keys } = await checkPassword(t.db, user.login, user.password);
    assert.ok(found && keys);
    return { userId: found.id, keys };
  }

  /** A case-like vault with three notes sealed in it, held by Alice, Bob and the recovery key. */
  async function vaultWithNotes(): Promise<{ vaultId: string; notes: string[]; caseId: string }> {
    const caseId = randomUUID();
    const [a, b] = [await findUserById(t.db, alice.id), await findUserById(t.db, bob.id)];
    return t.db.transaction(async (tx) => {
      const { recovery } = await instanceKeys(tx);
      // case_notes needs a case row; a direct SQL insert keeps this test about vaults alone.
      const vault = await createVault(tx, 'psych', { table: 'cases', id: caseId }, [userPrincipal(a!), userPrincipal(b!), recovery!], alice.id);
      const others = await Promise.all(['core', 'legal', 'housing'].map((kind) => createVault(tx, kind, { table: 'cases', id: caseId }, [], alice.id)));
      await tx.query(
        `insert into cases (id, pseudonym, origin, urgent, language, core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id, created_by)
       values ($1, $2, 'direct', false, 'ru', $3, $4, $5, $6, $7)`,
        [caseId, `Test-${caseId.slice(0, 6)}`, others[0]!.id, vault.id, others[1]!.id, others[2]!.id, alice.id],
      );
      const notes: string[] = [];
      for (const text of ['first session', 'second session', 'third session']) {
        const place = { id: randomUUID(), case_id: caseId, part: 'psych', author_id: alice.id, created_at: new Date() };
        await tx.query('insert into case_notes (id, case_id, part, vault_id, author_id, body, created_at) values ($1, $2, $3, $4, $5, $6, $7)', [
          place.id,
          caseId,
          'psych',
          vault.id,
          alice.id,
          vault.seal(caseNoteField, place, text),
          place.created_at,
        ]);
        notes.push(place.id);
      }
      return { vaultId: vault.id, notes, caseId };
    });
  }

  type NoteRow = { id: string; case_id: string; part: string; author_id: string; created_at: Date; body: Uint8Array };

  async function noteRows(vaultId: string): Promise<NoteRow[]> {
    return t.db.query<NoteRow>('select id, case_id, part, author_id, created_at, body from case_notes where vault_id = $1', [vaultId]);
  }

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    alice = await createStaff(t.db, { login: 'alice', roles: ['psychologist'] });
    bob = await createStaff(t.db, { login: 'bob', roles: ['psychologist'] });
  });

  after(() => t?.close());

  describe('rotation', () => {
    test('a holder re-encrypts every field under a new key: the removed holder\'s old key opens nothing', async () => {
      const { vaultId, notes } = await vaultWithNotes();
      // Bob keeps a copy of the data key he could open before (what a departing colleague might do).
      const [row] = await t.db.query<{ sealed_key: Uint8Array }>(
        "select sealed_key from vault_keys where vault_id = $1 and principal_kind = 'user' and principal_ref = $2",
        [vaultId, bob.id],
      );
      const bobKeys = (await holderOf(bob)).keys;
      const oldKey = openSealed(row!.sealed_key, bobKeys);
      const before = await noteRows(vaultId);
      for (const note of before) assert.ok(decryptBytes(oldKey, note.body, associatedData(caseNoteField, note)), 'the kept key opened it before');

      const aliceHolder = await holderOf(alice);
      await t.db.transaction(async (tx) => {
        const vault = await openVaultAsUser(tx, aliceHolder, vaultId, 'test.rotate');
        assert.ok(vault);
        await rotateVault(tx, alice.id, vault, (principal) => !(principal.kind === 'user' && principal.ref === bob.id));
      });

      const after = await noteRows(vaultId);
      assert.equal(after.length, notes.length);
      for (const note of after) {
        assert.throws(() => decryptBytes(oldKey, note.body, associatedData(caseNoteField, note)), 'the old key opens no rotated field');
      }
      assert.equal(await t.db.transaction((tx) => openVaultAsUser(tx, { userId: bob.id, keys: bobKeys }, vaultId, 'test')), null, 'Bob holds no grant');
      const texts = await t.db.transaction(async (tx) => {
        const vault = await openVaultAsUser(tx, aliceHolder, vaultId, 'test');
        return after.map((note) => vault!.open(caseNoteField, note, note.body));
      });
      assert.deepEqual(texts.sort(), ['first session', 'second session', 'third session'], 'the remaining holder reads everything');
      // The recovery key was kept: the holders of two shares still open the new key.
      const { recoveryPublicKey } = await instanceKeys(t.db);
      const recoveryKeys = await combineShares(instance.shares.slice(0, 2), recoveryPublicKey!);
      const viaRecovery = await t.db.transaction((tx) => openVaultAs(tx, 'recovery', RECOVERY_REF, recoveryKeys, vaultId, 'test'));
      assert.ok(viaRecovery);
      assert.equal(viaRecovery.open(caseNoteField, after[0]!, after[0]!.body) !== undefined, true);
    });
  });

  describe('crypto-shredding', () => {
    test('destroys every sealed key and ciphertext of the vault; only the fact that it existed remains', async () => {
      const { vaultId } = await vaultWithNotes();
      const receipt = await submitHelp(t, 'ru', { needs: ['legal'], story: 'to be shredded' });
      const [request] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [receipt.requestId]);
      await t.db.transaction(async (tx) => {
        assert.ok(await shredVault(tx, null, vaultId));
        assert.ok(await shredVault(tx, null, request!.vault_id));
      });
      for (const id of [vaultId, request!.vault_id]) {
        assert.equal(await countRows(t.db, 'vault_keys', 'vault_id = $1', [id]), 0, 'no sealed key is left');
        // Every declared sealed column of every table: nothing of this vault is left in any of them.
        for (const field of sealedFields()) {
          const left = await countRows(t.db, field.table, `${field.vaultColumn} = $1 and ${field.field} is not null`, [id]);
          assert.equal(left, 0, `${field.table}.${field.field} still holds ciphertext of a shredded vault`);
        }
        const [vault] = await t.db.query<{ shredded_at: Date | null; kind: string }>('select shredded_at, kind from vaults where id = $1', [id]);
        assert.ok(vault?.shredded_at, 'the vault row remains, marked shredded');
      }
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [receipt.requestId]), 0);
      const aliceHolder = await holderOf(alice);
      assert.equal(await t.db.transaction((tx) => openVaultAsUser(tx, aliceHolder, vaultId, 'test')), null);
    });

    test('the scan above would see a ciphertext: the declared fields cover the tables that hold sealed data', () => {
      const declared = new Set(sealedFields().map((field) => `${field.table}.${field.field}`));
      for (const column of ['help_requests.content', 'messages.body', 'cases.content', 'case_notes.body']) assert.ok(declared.has(column), column);
    });
  });

  describe('principals', () => {
    test('a new kind of principal (a host, through a placement) needs no schema change', async () => {
      const host = generateKeyPair();
      const placementId = randomUUID();
      const vaultId = await t.db.transaction(async (tx) => {
        const vault = await createVault(tx, 'housing', { table: 'placements', id: placementId }, [trustNewKey('host', placementId, host.publicKey)], null);
        return vault.id;
      });
      const opened = await t.db.transaction((tx) => openVaultAs(tx, 'host', placementId, host, vaultId, 'test'));
      assert.ok(opened, 'the host opens the vault sealed to them');
      assert.equal(await t.db.transaction((tx) => openVaultAs(tx, 'host', randomUUID(), host, vaultId, 'test')), null, 'under another placement, nothing');
    });

    test('a key whose tag does not check out is refused: nothing is sealed to it, and the audit log says so', async () => {
      const intruder = generateKeyPair();
      const placementId = randomUUID();
      const forged = { kind: 'host', ref: placementId, publicKey: intruder.publicKey, tag: new Uint8Array(32) };
      const vaultId = await t.db.transaction(async (tx) => (await createVault(tx, 'housing', { table: 'placements', id: placementId }, [forged], null)).id);
      assert.equal(await countRows(t.db, 'vault_keys', 'vault_id = $1', [vaultId]), 0);
      const [entry] = await t.db.query<{ kind: string; detail: string }>("select kind, detail from audit_events where kind = 'key.rejected' order by seq desc limit 1");
      assert.match(entry?.detail ?? '', new RegExp(placementId));
    });
  });

  describe('sealed fields carry their meaning', () => {
    test('changing a bound column (author, time, part, row) makes the field fail to open; the rest still open', async () => {
      const holder = await holderOf(alice);
      const { vaultId } = await vaultWithNotes();
      const [first, second] = await noteRows(vaultId);
      const changes: Partial<NoteRow>[] = [
        { author_id: bob.id },
        { created_at: new Date(first!.created_at.getTime() - 86_400_000) },
        { part: 'core' },
        { case_id: randomUUID() },
        { id: second!.id },
      ];
      await t.db.transaction(async (tx) => {
        const vault = await openVaultAsUser(tx, holder, vaultId, 'test');
        assert.ok(vault);
        assert.equal(vault.tryOpen(caseNoteField, first!, first!.body, z.string()).ok, true, 'untouched, it opens');
        for (const change of changes) {
          const moved = { ...first!, ...change } as NoteRow;
          assert.deepEqual(vault.tryOpen(caseNoteField, moved, first!.body, z.string()), { ok: false }, `changed ${Object.keys(change)[0]}`);
        }
        // A message sealed under the same key does not open as a note, nor a note as a message.
        const asMessage = { id: first!.id, request_id: null, author: 'staff', staff_user_id: alice.id, created_at: first!.created_at };
        assert.deepEqual(vault.tryOpen(messageBodyField, asMessage, first!.body, z.string()), { ok: false });
      });
    });
  });

  describe('only crypto/ touches the primitives', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const FORBIDDEN = [/from ['"](?:\.\.?\/)+(?:crypto\/)?primitives(?:\.ts)?['"]/, /from ['"]libsodium-wrappers['"]/, /from ['"]@node-rs\/argon2['"]/, /from ['"]shamir-secret-sharing['"]/];
    const NODE_CRYPTO = /import\s*\{([^}]*)\}\s*from\s*['"](?:node:)?crypto['"]/g;
    // Randomness and plain hashes (asset names, the legacy chain check) are fine; keys and ciphers are not.
    const FORBIDDEN_NODE_CRYPTO = new Set([
      'createCipheriv', 'createDecipheriv', 'createHmac', 'hkdf', 'hkdfSync', 'pbkdf2', 'pbkdf2Sync', 'scrypt', 'scryptSync',
      'generateKeyPair', 'generateKeyPairSync', 'generateKey', 'generateKeySync', 'createPrivateKey', 'createPublicKey',
      'createSecretKey', 'sign', 'verify', 'publicEncrypt', 'privateDecrypt', 'diffieHellman', 'createECDH',
      'createDiffieHellman', 'webcrypto', 'subtle', 'KeyObject',
    ]);

    function files(folder: string): string[] {
      return readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && /\.(ts|tsx|mjs|js)$/.test(entry.name))
        .map((entry) => join(entry.parentPath, entry.name));
    }

    function offences(file: string, source: string): string[] {
      const found = FORBIDDEN.filter((pattern) => pattern.test(source)).map((pattern) => `${file}: ${pattern}`);
      for (const match of source.matchAll(NODE_CRYPTO)) {
        const names = match[1]!.split(',').map((name) => name.trim().split(/\s+as\s+/)[0]!.replace(/^type\s+/, '')).filter(Boolean);
        for (const name of names) if (FORBIDDEN_NODE_CRYPTO.has(name)) found.push(`${file}: node:crypto ${name}`);
      }
      return found;
    }

    test('no file outside src/crypto imports the primitives, libsodium, argon2 or node:crypto ciphers', () => {
      const outside = [...files(join(root, 'src')), ...files(join(root, 'bench'))].filter((file) => !relative(root, file).startsWith('src/crypto/'));
      assert.ok(outside.length > 30, 'the scan found the source files');
      const found = outside.flatMap((file) => offences(relative(root, file), readFileSync(file, 'utf8')));
      assert.deepEqual(found, []);
    });

    test('the scan catches each kind of import it forbids (its canary)', () => {
      for (const line of [
        "import { seal } from '../crypto/primitives.ts';",
        "import sodium from 'libsodium-wrappers';",
        "import { hash } from '@node-rs/argon2';",
        "import { createCipheriv, randomUUID } from 'node:crypto';",
      ]) {
        assert.ok(offences('canary.ts', line).length > 0, line);
      }
      assert.deepEqual(offences('fine.ts', "import { randomUUID } from 'node:crypto';"), []);
    });
  });
});
