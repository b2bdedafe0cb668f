import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { confirmCoordinator } from '../../src/auth/confirm-coordinator.ts';
import { confirmedCoordinators, isConfirmedCoordinator } from '../../src/auth/users.ts';
import { translator } from '../../src/i18n/index.ts';
import {
  assertNotShows,
  assertShows,
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  submitHelp,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';
import { joinByInvitation } from './helpers.ts';

describe('test/auth/coordinator-confirmation.test.ts', () => {
  const en = translator('en');
  let t: TestApp;
  let instance: Instance;
  let admin: Browser;

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    admin = await loggedIn(t, instance.admin);
  });

  after(() => t?.close());

  let people = 0;
  /** A new coordinator account, waiting for confirmation as every new one is. */
  function newCoordinator(roles: StaffUser['roles'] = ['coordinator']): Promise<StaffUser> {
    people += 1;
    return createStaff(t.db, { login: `coord-${people}`, roles, confirmed: false });
  }

  async function confirmations(userId: string): Promise<number> {
    return countRows(t.db, 'audit_events', "kind = 'user.coordinator_confirmed' and subject_id = $1", [userId]);
  }

  const confirmedIds = async () => (await confirmedCoordinators(t.db)).map((user) => user.id);

  describe('who is a confirmed coordinator', () => {
    test('the first administrator is confirmed from the start', async () => {
      assert.ok(await isConfirmedCoordinator(t.db, instance.admin.id), 'the first administrator');
      assert.ok((await confirmedIds()).includes(instance.admin.id), 'listed among the confirmed');
      const [row] = await t.db.query<{ by: string | null }>('select coordinator_confirmed_by as by from users where id = $1', [instance.admin.id]);
      assert.equal(row?.by, null, 'confirmed by the installation, not by a person');
    });

    test("an administrator's new coordinator account can log in but is not confirmed", async () => {
      const invited = await joinByInvitation(t, admin, ['coordinator'], 'invited-coord');
      assert.equal(await isConfirmedCoordinator(t.db, invited.id), false, 'not confirmed');
      assert.ok(!(await confirmedIds()).includes(invited.id), 'not among those requests are sealed to');
      const browser = await loggedIn(t, invited);
      const page = await browser.get('/staff/coordinators');
      assert.equal(page.status, 200);
      assertShows(page, en('auth.coordinators.waiting'), 'the waiting coordinator');
      assert.doesNotMatch(page.html, /\/confirm"/, 'no Confirm button for a waiting coordinator');
    });

    test('a deactivated or non-coordinator account is never a confirmed coordinator', async () => {
      const leaving = await newCoordinator();
      assert.ok(await confirmCoordinator(t.db, instance.admin.id, leaving.id));
      assert.ok(await isConfirmedCoordinator(t.db, leaving.id));
      await admin.staffPost(`/staff/users/${leaving.id}/deactivate`);
      assert.equal(await isConfirmedCoordinator(t.db, leaving.id), false, 'deactivated');
      assert.ok(!(await confirmedIds()).includes(leaving.id), 'deactivated, not listed');
      const worker = await createStaff(t.db, { login: 'not-a-coordinator', roles: ['caseworker'] });
      assert.equal(await confirmCoordinator(t.db, instance.admin.id, worker.id), false, 'a caseworker cannot be confirmed as coordinator');
      assert.equal(await isConfirmedCoordinator(t.db, worker.id), false);
    });
  });

  describe('confirming a coordinator', () => {
    test("an administrator's new coordinator account reads no request until a confirmed coordinator confirms it", async () => {
      const invited = await joinByInvitation(t, admin, ['coordinator'], 'reader-to-be');
      const browser = await loggedIn(t, invited);
      const earlier = marker('story-before');
      const before = await submitHelp(t, 'ru', { needs: ['legal'], story: earlier });
      assert.equal((await browser.get(`/staff/requests/${before.requestId}`)).status, 404, 'a request that arrived while waiting');

      assert.equal((await admin.staffPost(`/staff/coordinators/${invited.id}/confirm`)).status, 200, 'confirmed');
      const later = marker('story-after');
      const after = await submitHelp(t, 'ru', { needs: ['legal'], story: later });
      const page = await browser.get(`/staff/requests/${after.requestId}`);
      assert.equal(page.status, 200, 'a request that arrives once confirmed');
      assertShows(page, later, 'the new request');
      assert.equal((await browser.get(`/staff/requests/${before.requestId}`)).status, 404, 'the earlier one stays closed until a colleague shares it');
    });

    test('a confirmed coordinator confirms a waiting one from the list; it is audited and colleagues see it', async () => {
      const waiting = await newCoordinator();
      const before = await admin.get('/staff/coordinators');
      assert.equal(before.status, 200);
      assertShows(before, en('auth.coordinators.pending'), 'the list');
      assert.match(before.html, new RegExp(`action="/staff/coordinators/${waiting.id}/confirm"`), 'a Confirm button for the waiting coordinator');

      const done = await admin.staffPost(`/staff/coordinators/${waiting.id}/confirm`);
      assert.equal(done.status, 200);
      assertShows(done, en('auth.coordinators.done', { name: waiting.displayName }), 'the answer');
      assert.ok(await isConfirmedCoordinator(t.db, waiting.id), 'confirmed');
      assert.ok((await confirmedIds()).includes(waiting.id), 'now among those requests are sealed to');
      assert.equal(await confirmations(waiting.id), 1, 'one audit entry');
      const [entry] = await t.db.query<{ actor_user_id: string }>("select actor_user_id from audit_events where kind = 'user.coordinator_confirmed' and subject_id = $1", [waiting.id]);
      assert.equal(entry?.actor_user_id, instance.admin.id, 'the entry names who confirmed');

      // Another coordinator sees who confirmed whom.
      const colleague = await loggedIn(t, await createStaff(t.db, { login: 'colleague-coord', roles: ['coordinator'] }));
      const seen = await colleague.get('/staff/coordinators');
      const row = new RegExp(`<tr data-coordinator="${waiting.login}">([\\s\\S]*?)</tr>`).exec(seen.html)?.[1] ?? '';
      assertShows(row, waiting.displayName, 'the confirmed row');
      assertShows(row, instance.admin.displayName, 'the confirmed row names who confirmed');

      // Confirming again changes nothing.
      assert.equal((await admin.staffPost(`/staff/coordinators/${waiting.id}/confirm`)).status, 200);
      assert.equal(await confirmations(waiting.id), 1, 'still one audit entry');
    });

    test('an unconfirmed coordinator cannot confirm anyone, not even through the operation', async () => {
      const rogue = await newCoordinator();
      const accomplice = await newCoordinator();
      const browser = await loggedIn(t, rogue);
      const answer = await browser.staffPost(`/staff/coordinators/${accomplice.id}/confirm`);
      assert.equal(answer.status, 404, 'refused as not found');
      assert.equal(await confirmCoordinator(t.db, rogue.id, accomplice.id), false, 'the operation refuses too');
      assert.equal(await isConfirmedCoordinator(t.db, accomplice.id), false, 'still waiting');
      assert.equal(await confirmations(accomplice.id), 0, 'nothing audited');
    });

    test('a coordinator cannot confirm themselves, confirmed or not', async () => {
      const self = await newCoordinator();
      const browser = await loggedIn(t, self);
      assert.equal((await browser.staffPost(`/staff/coordinators/${self.id}/confirm`)).status, 404, 'a waiting coordinator');
      assert.equal(await isConfirmedCoordinator(t.db, self.id), false, 'still waiting');
      assert.equal(await confirmCoordinator(t.db, instance.admin.id, instance.admin.id), false, 'a confirmed one, through the operation');
      assert.equal(await confirmations(self.id), 0, 'nothing audited');
      // And the database itself refuses a row confirmed by itself.
      await assert.rejects(
        t.db.query('update users set coordinator_confirmed_at = now(), coordinator_confirmed_by = id where id = $1', [self.id]),
        /users_confirmed_by_someone_else/,
        'the check constraint',
      );
    });

    test('an administrator who is not a confirmed coordinator cannot confirm the account they invited', async () => {
      const soleAdmin = await loggedIn(t, await createStaff(t.db, { login: 'admin-only', roles: ['administrator'] }));
      const invited = await joinByInvitation(t, soleAdmin, ['coordinator'], 'admins-own');
      assert.equal((await soleAdmin.get('/staff/coordinators')).status, 404, 'the page is not theirs');
      assert.equal((await soleAdmin.staffPost(`/staff/coordinators/${invited.id}/confirm`)).status, 404, 'nor the button');
      // An administrator who invites themselves a second account with both roles gets a waiting account too.
      const both = await joinByInvitation(t, soleAdmin, ['administrator', 'coordinator'], 'admins-both');
      const asBoth = await loggedIn(t, both);
      assert.equal((await asBoth.staffPost(`/staff/coordinators/${invited.id}/confirm`)).status, 404, 'a waiting administrator-coordinator');
      assert.equal(await isConfirmedCoordinator(t.db, invited.id), false);
      assert.equal(await isConfirmedCoordinator(t.db, both.id), false);
    });

    test('a newly confirmed coordinator may confirm the next one', async () => {
      const second = await newCoordinator();
      const third = await newCoordinator();
      assert.ok(await confirmCoordinator(t.db, instance.admin.id, second.id));
      const browser = await loggedIn(t, second);
      const page = await browser.get('/staff/coordinators');
      assertNotShows(page, en('auth.coordinators.waiting'), 'a confirmed coordinator');
      assert.equal((await browser.staffPost(`/staff/coordinators/${third.id}/confirm`)).status, 200);
      assert.ok(await isConfirmedCoordinator(t.db, third.id));
    });

    test('the confirm button needs the CSRF token, a coordinator role, and a real waiting coordinator', async () => {
      const waiting = await newCoordinator();
      const noToken = await admin.post(`/staff/coordinators/${waiting.id}/confirm`, {});
      assert.equal(noToken.status, 403, 'without the CSRF token');
      const worker = await loggedIn(t, await createStaff(t.db, { login: 'csrf-worker', roles: ['caseworker'] }));
      assert.equal((await worker.get('/staff/coordinators')).status, 404, 'a caseworker does not see the page');
      assert.equal((await worker.staffPost(`/staff/coordinators/${waiting.id}/confirm`)).status, 404, 'nor may confirm');
      assert.equal((await admin.staffPost(`/staff/coordinators/${randomUUID()}/confirm`)).status, 404, 'an unknown id');
      assert.equal((await admin.staffPost('/staff/coordinators/not-an-id/confirm')).status, 404, 'not an id');
      assert.equal(await isConfirmedCoordinator(t.db, waiting.id), false, 'still waiting');
    });

    test('two coordinators confirming the same colleague at once: one confirmation, no error', async () => {
      const waiting = await newCoordinator();
      const other = await createStaff(t.db, { login: 'race-coord', roles: ['coordinator'] });
      const answers = await Promise.all([
        confirmCoordinator(t.db, instance.admin.id, waiting.id),
        confirmCoordinator(t.db, other.id, waiting.id),
      ]);
      assert.deepEqual(answers, [true, true]);
      assert.equal(await confirmations(waiting.id), 1, 'audited once');
    });
  });
});
