import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertNotShows, assertShows, countRows, createStaff, initialiseInstance, loggedIn, marker, startTestApp, type Instance, type StaffUser, type TestApp } from '../support/app.ts';
import { deactivateUser } from '../../src/auth/deactivate-user.ts';
import { checkPassword } from '../../src/auth/users.ts';
import { shareGivingVaults } from '../../src/funding/share-giving-vaults.ts';
import { createVault } from '../../src/crypto/vaults.ts';
import { readersOf, type GivingVaultKind } from '../../src/funding/vault-readers.ts';
import { BANK, give, pledgeOf } from './give-support.ts';

describe('test/funding/share-giving-vaults.test.ts', () => {
  /**
   * Treasurers and editors who join after gifts came in: the vaults are sealed to whoever held the
   * role that day, so a colleague who holds them shares them with one button. Only to colleagues
   * who hold the role now, only the kinds that role reads, once, audited.
   */
  let t: TestApp;
  let instance: Instance;
  let firstTreasurer: StaffUser;
  let firstEditor: StaffUser;
  const gifts: { giftId: string; donorVault: string; messageVault: string; name: string; message: string }[] = [];
  const books: { kind: GivingVaultKind; id: string }[] = [];

  before(async () => {
    t = await startTestApp(BANK);
    instance = await initialiseInstance(t.db);
    firstTreasurer = await createStaff(t.db, { login: 'first-treasurer', roles: ['treasurer'] });
    firstEditor = await createStaff(t.db, { login: 'first-editor', roles: ['editor'] });
    for (let i = 0; i < 3; i++) {
      const name = marker(`donor-${i}`);
      const message = marker(`message-${i}`);
      const { page } = await give(t, 'en', { preset: '2500', display: 'public', name, message });
      const { rf } = pledgeOf(page.html);
      const [row] = await t.db.query<{ id: string; donor_vault_id: string; message_vault: string }>(
        'select g.id, g.donor_vault_id, m.vault_id as message_vault from gifts g join gift_messages m on m.gift_id = g.id where g.rf_reference = $1',
        [rf],
      );
      gifts.push({ giftId: row!.id, donorVault: row!.donor_vault_id, messageVault: row!.message_vault, name, message });
    }
    // An expense and a bank statement, sealed as submit-expense.ts and import-statement.ts seal them.
    await t.db.transaction(async (tx) => {
      for (const [kind, table] of [['expense', 'expenses'], ['bank_statement', 'bank_statement_imports']] as const) {
        const vault = await createVault(tx, kind, { table, id: randomUUID() }, await readersOf(tx, kind), null);
        books.push({ kind, id: vault.id });
      }
    });
  });

  after(async () => {
    await t?.close();
  });

  const userGrants = (userId: string, kinds: GivingVaultKind[]) =>
    countRows(t.db, 'vault_keys k join vaults v on v.id = k.vault_id', "k.principal_kind = 'user' and k.principal_ref = $1 and v.kind = any($2::text[])", [userId, kinds]);

  test('a treasurer who joins later cannot read older donors; the one who holds them sees who lacks what and shares it', async () => {
    const late = await createStaff(t.db, { login: 'late-treasurer', roles: ['treasurer'], displayName: 'Late Treasurer' });
    const lateBrowser = await loggedIn(t, late);
    const locked = await lateBrowser.get(`/staff/funding/gifts/${gifts[0]!.giftId}`);
    assert.equal(locked.status, 200);
    assertNotShows(locked, gifts[0]!.name, 'the late treasurer’s gift page');
    assertShows(locked, 'sealed to other treasurers');
    assert.doesNotMatch((await lateBrowser.get('/staff/funding')).html, /data-giving-share/, 'who holds nothing has nothing to share');

    const holder = await loggedIn(t, firstTreasurer);
    const list = await holder.get('/staff/funding');
    // Three donors, an expense and a bank statement: five records the newcomer cannot read.
    assert.match(list.html, new RegExp(`data-lacking="${late.id}"`));
    assertShows(list, 'Late Treasurer');
    assertShows(list, '5 records are not yet shared with them');

    const grantsBefore = await countRows(t.db, 'audit_events', "kind = 'vault.granted' and actor_user_id = $1", [firstTreasurer.id]);
    const shared = await holder.staffPost('/staff/funding/share', { user: late.id });
    assert.equal(shared.status, 303);
    assert.equal(shared.location, '/staff/funding?shared=5');
    assertShows(await holder.get(shared.location!), 'Shared 5 records.');
    assert.equal(await userGrants(late.id, ['donor', 'expense', 'bank_statement']), 5);
    assert.equal(await userGrants(late.id, ['gift_message']), 0, 'a treasurer is not given the editors’ messages');
    // Audited: each grant names the vault, with the treasurer who shared it as the actor.
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.granted' and actor_user_id = $1", [firstTreasurer.id]), grantsBefore + 5);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.granted' and actor_user_id = $1 and subject_id = $2", [firstTreasurer.id, gifts[1]!.donorVault]), 1);

    const opened = await lateBrowser.get(`/staff/funding/gifts/${gifts[0]!.giftId}`);
    assertShows(opened, gifts[0]!.name, 'the late treasurer’s gift page, once shared');
    assert.doesNotMatch((await holder.get('/staff/funding')).html, new RegExp(`data-lacking="${late.id}"`), 'nothing left to share with them');

    // The same button posted again (a reload, a double tap) grants nothing twice.
    const again = await holder.staffPost('/staff/funding/share', { user: late.id });
    assert.equal(again.location, '/staff/funding?shared=0');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.granted' and actor_user_id = $1", [firstTreasurer.id]), grantsBefore + 5);
  });

  test('an editor is never given donors, expenses or statements; editors share the messages among themselves', async () => {
    const editor = await createStaff(t.db, { login: 'late-editor', roles: ['editor'], displayName: 'Late Editor' });
    const treasurer = await loggedIn(t, firstTreasurer);
    assert.doesNotMatch((await treasurer.get('/staff/funding')).html, new RegExp(`data-lacking="${editor.id}"`), 'the treasury does not offer an editor anything');
    const refused = await treasurer.staffPost('/staff/funding/share', { user: editor.id });
    assert.equal(refused.location, '/staff/funding?shared=0');
    assert.equal(await userGrants(editor.id, ['donor', 'expense', 'bank_statement']), 0);

    const editorBrowser = await loggedIn(t, editor);
    const before = await editorBrowser.get('/staff/gift-messages');
    assertNotShows(before, gifts[0]!.message, 'the late editor’s queue');
    assertShows(before, 'sealed to other editors');

    const holder = await loggedIn(t, firstEditor);
    const queue = await holder.get('/staff/gift-messages');
    assertShows(queue, 'Late Editor');
    assertShows(queue, '3 records are not yet shared with them');
    const shared = await holder.staffPost('/staff/gift-messages/share', { user: editor.id });
    assert.equal(shared.location, '/staff/gift-messages?shared=3');
    assert.equal(await userGrants(editor.id, ['gift_message']), 3);
    assert.equal(await userGrants(editor.id, ['donor', 'expense', 'bank_statement']), 0);
    assertShows(await editorBrowser.get('/staff/gift-messages'), gifts[0]!.message, 'the late editor’s queue, once shared');
  });

  test('a deactivated colleague, or one whose role a database writer added, is never granted', async () => {
    const gone = await createStaff(t.db, { login: 'gone-treasurer', roles: ['treasurer'] });
    await deactivateUser(t.db, instance.admin.id, gone.id);
    // A database writer makes an editor a treasurer: the row's entitlement tag no longer verifies.
    const forged = await createStaff(t.db, { login: 'forged-treasurer', roles: ['editor'] });
    await t.db.query("update users set roles = array['editor', 'treasurer'] where id = $1", [forged.id]);

    const holder = await loggedIn(t, firstTreasurer);
    const list = await holder.get('/staff/funding');
    assert.doesNotMatch(list.html, new RegExp(`data-lacking="(${gone.id}|${forged.id})"`));
    for (const colleague of [gone, forged]) {
      const answer = await holder.staffPost('/staff/funding/share', { user: colleague.id });
      assert.equal(answer.location, '/staff/funding?shared=0');
      assert.equal(await userGrants(colleague.id, ['donor', 'expense', 'bank_statement']), 0);
    }
    // Nor someone who does not exist, nor oneself.
    assert.equal((await holder.staffPost('/staff/funding/share', { user: randomUUID() })).location, '/staff/funding?shared=0');
    assert.equal((await holder.staffPost('/staff/funding/share', { user: firstTreasurer.id })).location, '/staff/funding?shared=0');
  });

  test('other roles cannot post either share; a malformed post changes nothing', async () => {
    const late = await createStaff(t.db, { login: 'another-treasurer', roles: ['treasurer'] });
    const lateEditor = await createStaff(t.db, { login: 'another-editor', roles: ['editor'] });
    const editor = await loggedIn(t, firstEditor);
    const coordinator = await loggedIn(t, instance.admin);
    const treasurer = await loggedIn(t, firstTreasurer);
    assert.equal((await editor.staffPost('/staff/funding/share', { user: late.id })).status, 404);
    assert.equal((await coordinator.staffPost('/staff/funding/share', { user: late.id })).status, 404);
    assert.equal((await treasurer.staffPost('/staff/gift-messages/share', { user: lateEditor.id })).status, 404);
    assert.equal((await coordinator.staffPost('/staff/gift-messages/share', { user: lateEditor.id })).status, 404);
    assert.equal((await treasurer.staffPost('/staff/funding/share', { user: 'not-a-uuid' })).status, 404);
    // Without the CSRF token the post is refused.
    assert.equal((await treasurer.post('/staff/funding/share', { user: late.id })).status, 403);
    assert.equal(await userGrants(late.id, ['donor', 'expense', 'bank_statement']), 0);
    assert.equal(await userGrants(lateEditor.id, ['gift_message']), 0);
  });

  test('two posts of the button at once grant each vault once', async () => {
    const late = await createStaff(t.db, { login: 'racing-treasurer', roles: ['treasurer'] });
    const one = await loggedIn(t, firstTreasurer);
    const two = await loggedIn(t, firstTreasurer);
    const answers = await Promise.all([one.staffPost('/staff/funding/share', { user: late.id }), two.staffPost('/staff/funding/share', { user: late.id })]);
    const counts = answers.map((answer) => Number(new URL(answer.location!, 'http://x').searchParams.get('shared'))).sort();
    assert.deepEqual(counts, [0, 5]);
    assert.equal(await userGrants(late.id, ['donor', 'expense', 'bank_statement']), 5);
    // One audited grant per vault: the second post found nothing left to grant.
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.granted' and (detail::jsonb)->>'principalRef' = $1", [late.id]), 5);

    // The operation itself, many times at once (on PostgreSQL, truly side by side): still once each.
    const again = await createStaff(t.db, { login: 'racing-treasurer-2', roles: ['treasurer'] });
    const { keys } = await checkPassword(t.db, firstTreasurer.login, firstTreasurer.password);
    const holder = { userId: firstTreasurer.id, keys: keys! };
    const shared = await Promise.all(Array.from({ length: 4 }, () => shareGivingVaults(t.db, holder, again.id, 'treasurer')));
    assert.equal(shared.reduce((sum, n) => sum + n, 0), 5);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.granted' and (detail::jsonb)->>'principalRef' = $1", [again.id]), 5);
  });
});
