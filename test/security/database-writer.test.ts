import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/primitives.ts';
import { translator } from '../../src/i18n/index.ts';
import { findUserById } from '../../src/auth/users.ts';
import {
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  type Browser,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/security/database-writer.test.ts', () => {
  const en = translator('en');

  /**
   * Someone who can write to the database (it may live on another host) but cannot read the
   * instance secret, which lives outside it. They must not become a reader, and what they change
   * must show, not pass silently.
   */
  let t: TestApp;
  let instance: Instance;
  let coordinator: Browser;
  let colleague: StaffUser;

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    coordinator = await loggedIn(t, instance.admin);
    colleague = await createStaff(t.db, { login: 'colleague', roles: ['coordinator'] });
  });

  after(() => t?.close());

  async function sealedTo(requestId: string): Promise<string[]> {
    const rows = await t.db.query<{ who: string }>(
      `select k.principal_kind || ':' || k.principal_ref as who from vault_keys k
     join help_requests r on r.vault_id = k.vault_id where r.id = $1 order by 1`,
      [requestId],
    );
    return rows.map((row) => row.who);
  }

  async function rejections(): Promise<number> {
    return countRows(t.db, 'audit_events', "kind = 'key.rejected'");
  }

  describe('a database writer cannot make themselves a reader', () => {
    test('a user\'s public key swapped in the database is refused: nothing is sealed to it', async () => {
      const attacker = generateKeyPair();
      const [original] = await t.db.query<{ public_key: Uint8Array; public_key_tag: Uint8Array }>('select public_key, public_key_tag from users where id = $1', [colleague.id]);
      await t.db.query('update users set public_key = $2 where id = $1', [colleague.id, attacker.publicKey]);
      const before = await rejections();
      try {
        const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'], story: 'after the swap' });
        const holders = await sealedTo(requestId);
        assert.ok(!holders.includes(`user:${colleague.id}`), 'not sealed to the swapped key');
        assert.ok(holders.includes(`user:${instance.admin.id}`), 'still sealed to the others');
        assert.ok(holders.includes('recovery:organisation') && holders.some((who) => who.startsWith('receipt:')), 'and to the recovery key and the receipt');
        assert.ok((await rejections()) > before, 'the refusal is in the audit log');
        // The swapped row would have let the writer read: the same test with a key tag copied along fails too.
        const [row] = await t.db.query<{ public_key_tag: Uint8Array }>('select public_key_tag from users where id = $1', [instance.admin.id]);
        await t.db.query('update users set public_key_tag = $2 where id = $1', [colleague.id, row!.public_key_tag]);
        const again = await submitHelp(t, 'ru', { needs: ['housing'], story: 'tag copied from another user' });
        assert.ok(!(await sealedTo(again.requestId)).includes(`user:${colleague.id}`));
      } finally {
        await t.db.query('update users set public_key = $2, public_key_tag = $3 where id = $1', [colleague.id, original!.public_key, original!.public_key_tag]);
      }
    });

    test('the recovery public key swapped in the database is refused too', async () => {
      const attacker = generateKeyPair();
      const [original] = await t.db.query<{ recovery_public_key: Uint8Array }>('select recovery_public_key from instance');
      await t.db.query('update instance set recovery_public_key = $1', [attacker.publicKey]);
      const before = await rejections();
      try {
        const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'after the recovery swap' });
        const holders = await sealedTo(requestId);
        assert.ok(!holders.includes('recovery:organisation'), 'nothing sealed to the swapped recovery key');
        assert.ok(holders.includes(`user:${instance.admin.id}`), 'the request still reaches the coordinators');
        assert.ok((await rejections()) > before);
      } finally {
        await t.db.query('update instance set recovery_public_key = $1', [original!.recovery_public_key]);
      }
    });

    test('the check itself: with the keys left alone, everything is sealed as usual (the test above could fail)', async () => {
      const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'untouched' });
      const holders = await sealedTo(requestId);
      assert.ok(holders.includes('recovery:organisation') && holders.includes(`user:${instance.admin.id}`) && holders.includes(`user:${colleague.id}`));
    });
  });

  describe('changed metadata fails to open, and the page still renders', () => {
    test('a message whose author or date was changed shows "could not be verified"; the others still read', async () => {
      const story = marker('story');
      const { requestId, receipt } = await submitHelp(t, 'ru', { needs: ['legal'], story });
      const first = marker('first');
      const second = marker('second');
      const third = marker('third');
      for (const body of [first, second, third]) await personPost(coordinator, 'ru', { action: 'write', receipt, body });
      const messages = await t.db.query<{ id: string }>('select id from messages where request_id = $1 order by created_at', [requestId]);
      assert.equal(messages.length, 3);
      // The person's words made to look like the team's, and a message moved back a day.
      await t.db.query("update messages set author = 'staff', staff_user_id = $2 where id = $1", [messages[0]!.id, instance.admin.id]);
      await t.db.query("update messages set created_at = created_at - interval '1 day' where id = $1", [messages[1]!.id]);

      const page = await coordinator.get(`/staff/requests/${requestId}`);
      assert.equal(page.status, 200);
      assertShows(page, third, 'an untouched message');
      assertShows(page, story, 'the request itself');
      assertNotShows(page, first, 'the message whose author was changed');
      assertNotShows(page, second, 'the message whose date was changed');
      assert.equal(page.html.split(en('triage.unverified')).length - 1, 2, 'two messages could not be verified');

      const person = await personPost(coordinator, 'ru', { action: 'open', receipt });
      assert.equal(person.status, 200, 'the person\'s page renders too');
      assertShows(person, third, 'the person\'s page');
    });

    test('a note moved to another author or another part of the case fails to open', async () => {
      const caseworker = await createStaff(t.db, { login: 'writer-cw', roles: ['caseworker'] });
      const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'a case' });
      const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
      const casePath = made.location!.split('?')[0]!;
      const browser = await loggedIn(t, caseworker);
      const kept = marker('kept');
      const authored = marker('authored');
      const moved = marker('moved');
      for (const body of [kept, authored]) await browser.staffPost(`${casePath}/notes`, { body, part: 'core' });
      await browser.staffPost(`${casePath}/notes`, { body: moved, part: 'legal' });
      const caseId = casePath.split('/').pop()!;
      const notes = await t.db.query<{ id: string; part: string }>('select id, part from case_notes where case_id = $1 order by created_at', [caseId]);
      await t.db.query('update case_notes set author_id = $2 where id = $1', [notes[1]!.id, instance.admin.id]);
      // Moving the legal note into the core part (its vault column too) is what a writer would try.
      const [vaults] = await t.db.query<{ core_vault_id: string }>('select core_vault_id from cases where id = $1', [caseId]);
      await t.db.query("update case_notes set part = 'core', vault_id = $2 where id = $1", [notes[2]!.id, vaults!.core_vault_id]);

      const page = await browser.get(casePath);
      assert.equal(page.status, 200);
      assertShows(page, kept, 'the untouched note');
      assertNotShows(page, authored, 'the note with another author');
      assertNotShows(page, moved, 'the note moved to another part');
      assertShows(page, en('triage.unverified'), 'the page says what could not be verified');
    });
  });

  /**
   * Entitlements are tagged like keys: a writer with a staff account of their own (any account
   * Beside made) who gives it a confirmation, a role or a place on a case team in the database
   * gains nothing, and Beside writes entitlement.rejected. The controls show the same changes made
   * through the application still work, so these tests could fail.
   */
  describe('a database writer cannot give their own account an entitlement', () => {
    const entitlementRejections = (userId: string) => countRows(t.db, 'audit_events', "kind = 'entitlement.rejected' and subject_id = $1", [userId]);

    async function grantsOf(userId: string): Promise<number> {
      return countRows(t.db, 'vault_keys', "principal_kind = 'user' and principal_ref = $1", [userId]);
    }

    test('(a) a confirmation written into the database: new requests are not sealed to them, and they cannot open one', async () => {
      const writer = await createStaff(t.db, { login: 'writer-unconfirmed', roles: ['coordinator'], confirmed: false });
      const browser = await loggedIn(t, writer);
      await t.db.query('update users set coordinator_confirmed_at = now(), coordinator_confirmed_by = $2 where id = $1', [writer.id, instance.admin.id]);
      const story = marker('forged-confirmation');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'], story });
      assert.ok(!(await sealedTo(requestId)).includes(`user:${writer.id}`), 'not sealed to the forged coordinator');
      assert.ok((await sealedTo(requestId)).includes(`user:${instance.admin.id}`), 'still sealed to the confirmed ones');
      assert.ok((await entitlementRejections(writer.id)) >= 1, 'the refusal is in the audit log');
      const page = await browser.get(`/staff/requests/${requestId}`);
      assert.equal(page.status, 404);
      assertNotShows(page, story, 'the request page');

      // The tag of a genuinely confirmed colleague's row, copied along, does not help either.
      const [admin] = await t.db.query<{ entitlement_tag: Uint8Array }>('select entitlement_tag from users where id = $1', [instance.admin.id]);
      await t.db.query('update users set entitlement_tag = $2 where id = $1', [writer.id, admin!.entitlement_tag]);
      const again = await submitHelp(t, 'ru', { needs: ['housing'], story: 'tag copied along' });
      assert.ok(!(await sealedTo(again.requestId)).includes(`user:${writer.id}`));
      assert.equal(await grantsOf(writer.id), 0, 'nothing sealed to them at all');
    });

    test('(a) control: a confirmation by a confirmed colleague through the application works', async () => {
      const newcomer = await createStaff(t.db, { login: 'writer-control-co', roles: ['coordinator'], confirmed: false });
      const before = await submitHelp(t, 'ru', { needs: ['housing'], story: 'before the confirmation' });
      assert.ok(!(await sealedTo(before.requestId)).includes(`user:${newcomer.id}`), 'an unconfirmed coordinator receives nothing');
      assert.equal((await coordinator.staffPost(`/staff/coordinators/${newcomer.id}/confirm`)).status, 200);
      const story = marker('confirmed-control');
      const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'], story });
      assert.ok((await sealedTo(requestId)).includes(`user:${newcomer.id}`), 'sealed to the confirmed coordinator');
      const page = await (await loggedIn(t, newcomer)).get(`/staff/requests/${requestId}`);
      assert.equal(page.status, 200);
      assertShows(page, story, 'the confirmed coordinator');
      assert.equal(await entitlementRejections(newcomer.id), 0);
    });

    test('(b) a role written into the database: admin pages answer as to anyone else', async () => {
      const writer = await createStaff(t.db, { login: 'writer-editor', roles: ['editor'] });
      const browser = await loggedIn(t, writer);
      assert.equal((await browser.get('/staff/users')).status, 404, 'not an administrator');
      await t.db.query("update users set roles = array['editor', 'administrator'] where id = $1", [writer.id]);
      const before = await entitlementRejections(writer.id);
      assert.equal((await browser.get('/staff/users')).status, 404, 'still not an administrator');
      assert.equal((await browser.get('/staff/audit')).status, 404);
      assert.equal((await browser.staffPost(`/staff/users/${colleague.id}/deactivate`)).status, 404, 'and cannot act as one');
      assert.equal((await t.db.query<{ active: boolean }>('select active from users where id = $1', [colleague.id]))[0]!.active, true);
      assert.ok((await entitlementRejections(writer.id)) > before, 'each refusal is audited');
      // The role as Beside made it is gone as well: the account acts on no role at all.
      assert.deepEqual((await findUserById(t.db, writer.id))!.roles, []);
    });

    test('(b) control: an administrator Beside made reaches the admin pages, and a deactivation through them works', async () => {
      const admin = await createStaff(t.db, { login: 'writer-control-admin', roles: ['administrator'] });
      const leaving = await createStaff(t.db, { login: 'writer-control-leaving', roles: ['coordinator'] });
      const browser = await loggedIn(t, admin);
      assert.equal((await browser.get('/staff/users')).status, 200);
      assert.equal((await browser.staffPost(`/staff/users/${leaving.id}/deactivate`)).status, 200);
      const [row] = await t.db.query<{ active: boolean }>('select active from users where id = $1', [leaving.id]);
      assert.equal(row!.active, false);
      // The deactivated row carries a tag that verifies: Beside knows it as inactive, not as forged.
      const user = await findUserById(t.db, leaving.id);
      assert.ok(user!.entitled && !user!.active && !user!.confirmedCoordinator);
      assert.equal(await entitlementRejections(leaving.id), 0);
    });

    describe('(c) a place on a case team written into the database', () => {
      let casePath: string;
      let caseId: string;
      let caseworker: StaffUser;
      let member: Browser;

      before(async () => {
        caseworker = await createStaff(t.db, { login: 'writer-case-cw', roles: ['caseworker'] });
        const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'a case to join' });
        const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
        casePath = made.location!.split('?')[0]!;
        caseId = casePath.split('/').pop()!;
        member = await loggedIn(t, caseworker);
        await member.staffPost(`${casePath}/notes`, { body: marker('legal-note'), part: 'legal' });
      });

      async function caseGrantsOf(userId: string): Promise<number> {
        return countRows(
          t.db,
          'vault_keys',
          `principal_kind = 'user' and principal_ref = $1 and vault_id in
           (select unnest(array[core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id]) from cases where id = $2)`,
          [userId, caseId],
        );
      }

      for (const how of ['with a tag copied from a real member\'s row', 'with no tag'] as const) {
        test(`${how}: a team member opens the case, nothing is sealed to them, and they get 404`, async () => {
          const writer = await createStaff(t.db, { login: `writer-lawyer-${how.length}`, roles: ['lawyer'] });
          const [real] = await t.db.query<{ tag: Uint8Array }>('select tag from case_members where case_id = $1 and user_id = $2', [caseId, caseworker.id]);
          const tag = how === 'with no tag' ? null : real!.tag;
          await t.db.query("insert into case_members (case_id, user_id, role, assigned_by, tag) values ($1, $2, 'lawyer', $3, $4)", [caseId, writer.id, caseworker.id, tag]);
          const before = await entitlementRejections(writer.id);
          assert.equal((await member.get(casePath)).status, 200, 'the real member opens the case');
          assert.equal(await caseGrantsOf(writer.id), 0, 'no part sealed to the forged member');
          assert.ok((await entitlementRejections(writer.id)) > before, 'the refusal is in the audit log');
          const browser = await loggedIn(t, writer);
          assert.equal((await browser.get(casePath)).status, 404);
          const list = await browser.get('/staff/cases');
          assert.ok(!list.html.includes(caseId), 'the case is not on their list');
        });
      }

      test('control: a colleague brought onto the case through the application is granted its parts', async () => {
        const lawyer = await createStaff(t.db, { login: 'writer-control-lawyer', roles: ['lawyer'] });
        assert.equal((await member.staffPost(`${casePath}/assign`, { user: lawyer.id, role: 'lawyer' })).status, 303);
        assert.ok((await caseGrantsOf(lawyer.id)) > 0, 'the legal part sealed to them');
        assert.equal((await (await loggedIn(t, lawyer)).get(casePath)).status, 200);
        assert.equal(await entitlementRejections(lawyer.id), 0);
      });
    });
  });
});
