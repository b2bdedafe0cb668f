import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPassword } from '../../src/auth/users.ts';
import { hasGrant, openVaultAsUser } from '../../src/crypto/vaults.ts';
import { confirmCoordinator } from '../../src/auth/confirm-coordinator.ts';
import {
  assertNotShows,
  assertShows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  Browser,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/case-vaults.test.ts', () => {
  /**
   * Each part of a case is its own vault, and the grants follow each person's role on the case:
   * tried through the pages people use and, underneath, against the vaults themselves.
   */
  let t: TestApp;
  let instance: Instance;
  let users: Record<'coordinator' | 'bystander' | 'caseworker' | 'psychologist' | 'lawyer' | 'housing', StaffUser>;
  let browsers: Record<keyof typeof users, Browser>;
  let requestId: string;
  let receipt: string;
  let caseId: string;
  let vaults: { core: string; psych: string; legal: string; housing: string; conversation: string };
  const notes = { psych: marker('psych-note'), legal: marker('legal-note'), core: marker('core-note'), housing: marker('housing-note') };

  async function holder(user: StaffUser) {
    const { user: found, keys } = await checkPassword(t.db, user.login, user.password);
    return { userId: found!.id, keys: keys! };
  }

  async function canOpen(user: StaffUser, vaultId: string): Promise<boolean> {
    const who = await holder(user);
    return (await t.db.transaction((tx) => openVaultAsUser(tx, who, vaultId, 'test'))) !== null;
  }

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      bystander: await createStaff(t.db, { login: 'bystander', roles: ['coordinator'], displayName: 'Bystanding Coordinator' }),
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      housing: await createStaff(t.db, { login: 'housing', roles: ['housing_coordinator'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as keyof typeof users] = await loggedIn(t, user);
    const submitted = await submitHelp(t, 'ru', { needs: ['legal', 'psychological'], story: marker('story'), danger: 'yes' });
    requestId = submitted.requestId;
    receipt = submitted.receipt;
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    for (const [who, role] of [
      ['psychologist', 'psychologist'],
      ['lawyer', 'lawyer'],
      ['housing', 'housing_coordinator'],
    ] as const) {
      const added = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users[who].id, role });
      assert.equal(added.status, 303, `the caseworker adds the ${role}`);
    }
    const [row] = await t.db.query<{ core_vault_id: string; psych_vault_id: string; legal_vault_id: string; housing_vault_id: string }>(
      'select core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id from cases where id = $1',
      [caseId],
    );
    const [request] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [requestId]);
    vaults = { core: row!.core_vault_id, psych: row!.psych_vault_id, legal: row!.legal_vault_id, housing: row!.housing_vault_id, conversation: request!.vault_id };
  });

  after(() => t?.close());

  let written: Promise<[string, number][]> | undefined;
  /** Each role's note in its part, written once by whichever test needs them first: no test relies on another having run. */
  function writeNotes(): Promise<[string, number][]> {
    written ??= (async () => {
      const statuses: [string, number][] = [];
      for (const [who, part] of [
        ['psychologist', 'psych'],
        ['lawyer', 'legal'],
        ['caseworker', 'core'],
        ['housing', 'housing'],
      ] as const) {
        statuses.push([`${who} writes a ${part} note`, (await browsers[who].staffPost(`/staff/cases/${caseId}/notes`, { body: notes[part], part })).status]);
      }
      return statuses;
    })();
    return written;
  }

  describe('grants follow the role on the case', () => {
    test('each part is sealed to exactly the roles that read it', async () => {
      const expected: Record<keyof typeof vaults, (keyof typeof users)[]> = {
        core: ['coordinator', 'caseworker'],
        psych: ['psychologist'],
        legal: ['caseworker', 'lawyer'],
        housing: ['housing'],
        conversation: ['coordinator', 'caseworker'],
      };
      for (const [part, readers] of Object.entries(expected) as [keyof typeof vaults, (keyof typeof users)[]][]) {
        for (const name of Object.keys(users) as (keyof typeof users)[]) {
          assert.equal(await hasGrant(t.db, vaults[part], users[name].id), readers.includes(name), `${name} and the ${part} vault`);
        }
      }
    });

    test('the psychologist writes in the psychological part, the lawyer in the legal part', async () => {
      for (const [what, status] of await writeNotes()) assert.equal(status, 303, what);
    });

    test('a psychologist on the case cannot open its legal vault, nor a lawyer its psych vault', async () => {
      await writeNotes();
      assert.equal(await canOpen(users.psychologist, vaults.legal), false);
      assert.equal(await canOpen(users.lawyer, vaults.psych), false);
      assert.equal(await canOpen(users.psychologist, vaults.psych), true);
      assert.equal(await canOpen(users.lawyer, vaults.legal), true);

      const psych = await browsers.psychologist.get(`/staff/cases/${caseId}`);
      assert.equal(psych.status, 200);
      assertShows(psych, notes.psych, 'the psychologist\'s page');
      for (const hidden of [notes.legal, notes.core, notes.housing]) assertNotShows(psych, hidden, 'the psychologist\'s page');
      const lawyer = await browsers.lawyer.get(`/staff/cases/${caseId}`);
      assertShows(lawyer, notes.legal, 'the lawyer\'s page');
      for (const hidden of [notes.psych, notes.core, notes.housing]) assertNotShows(lawyer, hidden, 'the lawyer\'s page');

      // Writing into a part they do not hold is refused like a missing case, and writes nothing.
      assert.equal((await browsers.psychologist.staffPost(`/staff/cases/${caseId}/notes`, { body: 'x', part: 'legal' })).status, 404);
      assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/notes`, { body: 'x', part: 'psych' })).status, 404);
    });

    test('the caseworker reads core and legal but not the psychological notes; the coordinator only core', async () => {
      await writeNotes();
      const caseworker = await browsers.caseworker.get(`/staff/cases/${caseId}`);
      for (const shown of [notes.core, notes.legal]) assertShows(caseworker, shown, 'the caseworker\'s page');
      for (const hidden of [notes.psych, notes.housing]) assertNotShows(caseworker, hidden, 'the caseworker\'s page');
      const coordinator = await browsers.coordinator.get(`/staff/cases/${caseId}`);
      assertShows(coordinator, notes.core, 'the coordinator\'s page');
      for (const hidden of [notes.psych, notes.legal, notes.housing]) assertNotShows(coordinator, hidden, 'the coordinator\'s page');
    });

    test('a colleague taken off the case loses every part, and the parts they held get new keys', async () => {
      await writeNotes();
      const [before] = await t.db.query<{ rotated_at: Date | null }>('select rotated_at from vaults where id = $1', [vaults.legal]);
      const removed = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/remove`, { user: users.lawyer.id });
      assert.equal(removed.status, 303);
      assert.equal(await hasGrant(t.db, vaults.legal, users.lawyer.id), false);
      const [afterRow] = await t.db.query<{ rotated_at: Date | null }>('select rotated_at from vaults where id = $1', [vaults.legal]);
      assert.ok(afterRow?.rotated_at && afterRow.rotated_at !== before?.rotated_at, 'the legal vault was rotated');
      assert.equal((await browsers.lawyer.get(`/staff/cases/${caseId}`)).status, 404);
      const caseworker = await browsers.caseworker.get(`/staff/cases/${caseId}`);
      assertShows(caseworker, notes.legal, 'the caseworker still reads the legal note under the new key');
    });

    test('only the caseworker or a coordinator on the case manages its team', async () => {
      const byPsychologist = await browsers.psychologist.staffPost(`/staff/cases/${caseId}/assign`, { user: users.lawyer.id, role: 'lawyer' });
      assert.equal(byPsychologist.status, 404);
      const page = await browsers.psychologist.get(`/staff/cases/${caseId}`);
      assert.doesNotMatch(page.html, /action="[^"]*\/assign"/, 'no team form is shown to whom it would refuse');
      const caseworkerPage = await browsers.caseworker.get(`/staff/cases/${caseId}`);
      assert.match(caseworkerPage.html, /action="[^"]*\/assign"/);
    });
  });

  describe('the conversation follows the case', () => {
    test('a coordinator sealed the request on arrival, but not on the team, can neither read nor write it now', async () => {
      assert.equal(await hasGrant(t.db, vaults.conversation, users.bystander.id), false);
      assert.equal((await browsers.bystander.get(`/staff/requests/${requestId}`)).status, 404);
      const reply = await browsers.bystander.staffPost(`/staff/requests/${requestId}/reply?back=case`, { body: 'from outside the team' });
      assert.equal(reply.status, 404);
      assert.doesNotMatch(reply.location ?? '', new RegExp(caseId), 'the refusal does not name the case');
      assert.equal((await browsers.bystander.get(`/staff/cases/${caseId}`)).status, 404);
    });

    test('sharing "every open request" with a colleague leaves out requests that are cases', async () => {
      const late = await createStaff(t.db, { login: 'latecomer', roles: ['coordinator'] });
      const other = await submitHelp(t, 'ru', { needs: ['clothing'], story: 'still a request' });
      const shared = await browsers.coordinator.staffPost('/staff/requests/share', { user: late.id });
      assert.equal(shared.status, 303);
      assert.equal(await hasGrant(t.db, vaults.conversation, late.id), false, 'the case\'s conversation is not shared');
      const [open] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [other.requestId]);
      assert.equal(await hasGrant(t.db, open!.vault_id, late.id), true, 'the open request is');
    });

    test('the team and the person still talk: a reply from the case reaches the person, and theirs the team', async () => {
      const reply = marker('team-reply');
      const sent = await browsers.caseworker.staffPost(`/staff/requests/${requestId}/reply?back=case`, { body: reply });
      assert.equal(sent.status, 303);
      assert.equal(sent.location?.split('?')[0], `/staff/cases/${caseId}`);
      const person = await personPost(new Browser(t), 'ru', { action: 'open', receipt });
      assertShows(person, reply, 'the person\'s status page');
      const answer = marker('person-answer');
      await personPost(new Browser(t), 'ru', { action: 'write', receipt, body: answer });
      assertShows(await browsers.caseworker.get(`/staff/cases/${caseId}`), answer, 'the case page');
    });
  });

  describe('a new coordinator is confirmed by a colleague before anything is sealed to them', () => {
    test('an administrator\'s new coordinator account reads nothing until a coordinator confirms it', async () => {
      const newcomer = await createStaff(t.db, { login: 'newcomer', roles: ['coordinator'], confirmed: false });
      const before = await submitHelp(t, 'ru', { needs: ['housing'], story: marker('before-confirmation') });
      const [beforeVault] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [before.requestId]);
      assert.equal(await hasGrant(t.db, beforeVault!.vault_id, newcomer.id), false, 'not sealed to an unconfirmed coordinator');
      const browser = await loggedIn(t, newcomer);
      assert.equal((await browser.get(`/staff/requests/${before.requestId}`)).status, 404);
      // The administrator alone (who is here also a coordinator, but not the account itself) cannot
      // make the account confirm itself.
      assert.equal(await confirmCoordinator(t.db, newcomer.id, newcomer.id), false);
      assert.equal(await confirmCoordinator(t.db, instance.admin.id, newcomer.id), true);
      const afterConfirmation = await submitHelp(t, 'ru', { needs: ['housing'], story: marker('after-confirmation') });
      const [afterVault] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [afterConfirmation.requestId]);
      assert.equal(await hasGrant(t.db, afterVault!.vault_id, newcomer.id), true);
    });
  });
});
