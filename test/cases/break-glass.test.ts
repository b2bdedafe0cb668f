import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPassword } from '../../src/auth/users.ts';
import { hasGrant, openVaultAsUser } from '../../src/crypto/vaults.ts';
import { caseContentField, caseContentSchema } from '../../src/cases/content.ts';
import { runDueJobs, type JobDeps } from '../../src/notify/run-jobs.ts';
import { breakGlassWithRecovery } from '../../src/cli/break-glass.ts';
import { CommandError } from '../../src/cli/errors.ts';
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

describe('test/cases/break-glass.test.ts', () => {
  /**
   * Break-glass access through the pages people use, and underneath against the vaults: the
   * reason is required and sealed, the key comes from a colleague who holds the core and opens
   * the core only, the access ends on time and the core's key is replaced, and everyone who must
   * be told is told.
   */
  let t: TestApp;
  let instance: Instance;
  let deps: JobDeps;
  let users: Record<'caseworker' | 'psychologist' | 'lawyer' | 'rescuer' | 'second' | 'unconfirmed' | 'otherCaseworker' | 'auditor', StaffUser>;
  let browsers: Record<keyof typeof users | 'admin', Browser>;

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    users = {
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'], displayName: 'Case Worker' }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      rescuer: await createStaff(t.db, { login: 'rescuer', roles: ['coordinator'], displayName: 'Night Coordinator' }),
      second: await createStaff(t.db, { login: 'second', roles: ['coordinator'], displayName: 'Second Coordinator' }),
      unconfirmed: await createStaff(t.db, { login: 'unconfirmed', roles: ['coordinator'], confirmed: false }),
      otherCaseworker: await createStaff(t.db, { login: 'other', roles: ['caseworker'] }),
      auditor: await createStaff(t.db, { login: 'auditor', roles: ['administrator'], displayName: 'Second Administrator' }),
    };
    browsers = { admin: await loggedIn(t, instance.admin) } as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as keyof typeof users] = await loggedIn(t, user);
    deps = { db: t.db, config: t.config, mailer: null };
  });

  after(() => t?.close());

  async function holder(user: StaffUser) {
    const { user: found, keys } = await checkPassword(t.db, user.login, user.password);
    return { userId: found!.id, keys: keys! };
  }

  /** A case the administrator coordinates and the caseworker holds, with a psychologist and a lawyer who wrote notes. */
  async function newCase() {
    const story = marker('story');
    const submitted = await submitHelp(t, 'ru', { needs: ['psychological', 'legal'], danger: 'no', story });
    const made = await browsers.admin.staffPost(`/staff/requests/${submitted.requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    for (const [who, role] of [['psychologist', 'psychologist'], ['lawyer', 'lawyer']] as const) {
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users[who].id, role })).status, 303);
    }
    assert.equal((await browsers.psychologist.staffPost(`/staff/cases/${caseId}/notes`, { body: marker('psych'), part: 'psych' })).status, 303);
    assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/notes`, { body: marker('legal'), part: 'legal' })).status, 303);
    const [row] = await t.db.query<{ core_vault_id: string; psych_vault_id: string; legal_vault_id: string; housing_vault_id: string }>(
      'select core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id from cases where id = $1',
      [caseId],
    );
    const [request] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [submitted.requestId]);
    return { caseId, story, vaults: { core: row!.core_vault_id, psych: row!.psych_vault_id, legal: row!.legal_vault_id, housing: row!.housing_vault_id, conversation: request!.vault_id } };
  }

  async function ask(who: keyof typeof browsers, caseId: string, reason: string) {
    return browsers[who].staffPost(`/staff/cases/${caseId}/break-glass`, { reason });
  }

  async function requestIdOf(caseId: string, userId: string): Promise<string> {
    const [row] = await t.db.query<{ id: string }>('select id from break_glass_requests where case_id = $1 and requester_id = $2 order by created_at desc limit 1', [caseId, userId]);
    return row!.id;
  }

  test('no reason, no request; whoever is not a confirmed coordinator without a grant gets "not found"', async () => {
    const c = await newCase();
    const page = await browsers.rescuer.get(`/staff/cases/${c.caseId}/break-glass`);
    assert.equal(page.status, 200);
    assertShows(page, 'name="reason"');
    for (const reason of ['', '   ']) {
      const refused = await ask('rescuer', c.caseId, reason);
      assert.equal(refused.status, 400, `reason ${JSON.stringify(reason)}`);
      assertShows(refused, 'Write the reason. Nothing was sent.');
    }
    for (const who of ['caseworker', 'otherCaseworker', 'psychologist', 'lawyer', 'auditor'] as const) {
      assert.equal((await browsers[who].get(`/staff/cases/${c.caseId}/break-glass`)).status, 404, `${who} sees no break-glass page`);
      assert.equal((await ask(who, c.caseId, 'please')).status, 404, `${who} cannot ask`);
    }
    // A coordinator not yet confirmed, and the coordinator already on the case, cannot ask either.
    assert.equal((await browsers.unconfirmed.get(`/staff/cases/${c.caseId}/break-glass`)).status, 404);
    assert.equal((await ask('unconfirmed', c.caseId, 'please')).status, 404);
    // The coordinator on the case is sent to the case itself, and nothing is asked.
    const member = await ask('admin', c.caseId, 'please');
    assert.equal(member.status, 303);
    assert.equal(member.location, `/staff/cases/${c.caseId}`);
    assert.equal((await browsers.admin.get(`/staff/cases/${c.caseId}/break-glass`)).location, `/staff/cases/${c.caseId}`);
    assert.equal((await new Browser(t).post(`/staff/cases/${c.caseId}/break-glass`, { reason: 'x' })).status, 403);
    assert.equal((await browsers.rescuer.get('/staff/cases/00000000-0000-4000-8000-000000000000/break-glass')).status, 404);
    assert.equal(await countRows(t.db, 'break_glass_requests', 'case_id = $1', [c.caseId]), 0, 'nothing was asked');
    // Approving is for holders of the core: the requester, a bystander and a lawyer get "not found".
    assert.equal((await ask('rescuer', c.caseId, marker('reason'))).status, 303);
    const id = await requestIdOf(c.caseId, users.rescuer.id);
    for (const who of ['rescuer', 'second', 'lawyer', 'psychologist', 'otherCaseworker'] as const) {
      assert.equal((await browsers[who].staffPost(`/staff/break-glass/${id}/approve`, {})).status, 404, `${who} cannot approve`);
    }
    assert.equal(await countRows(t.db, 'break_glass_requests', "id = $1 and status = 'pending'", [id]), 1);
  });

  test('a holder of the core approves with one click: the core, and only the core, is sealed to the requester; everyone is told', async () => {
    const c = await newCase();
    const reason = marker('reason');
    assert.equal((await ask('rescuer', c.caseId, reason)).status, 303);
    assert.equal((await ask('rescuer', c.caseId, reason)).status, 303, 'a double tap asks once');
    assert.equal(await countRows(t.db, 'break_glass_requests', 'case_id = $1', [c.caseId]), 1);
    const id = await requestIdOf(c.caseId, users.rescuer.id);
    assert.equal(await countRows(t.db, 'break_glass_requests', "id = $1 and position(convert_to($2, 'UTF8') in reason) > 0", [id, reason]), 0, 'the reason is sealed');
    assert.equal(await countRows(t.db, 'break_glass_requests', "id = $1 and position(convert_to($2, 'UTF8') in reason) = 0", [id, reason]), 1, 'the check above could find it');

    const waiting = await browsers.rescuer.get(`/staff/cases/${c.caseId}/break-glass`);
    assertShows(waiting, 'You asked for access.');
    assertNotShows(waiting, c.story, 'nothing before approval');

    const work = await browsers.caseworker.get('/staff/my-work');
    assertShows(work, 'Break-glass requests waiting for you');
    assertShows(work, 'Night Coordinator');
    const casePage = await browsers.caseworker.get(`/staff/cases/${c.caseId}`);
    assertShows(casePage, reason, 'the caseworker reads the reason');
    assertShows(casePage, `/staff/break-glass/${id}/approve`);
    assertNotShows(await browsers.auditor.get('/staff/my-work'), 'data-break-glass-notice', 'no notice before anything was granted');

    const approved = await browsers.caseworker.staffPost(`/staff/break-glass/${id}/approve`, {});
    assert.equal(approved.status, 303);
    assertShows(await browsers.caseworker.get(approved.location!), 'Access approved.');

    assert.equal(await hasGrant(t.db, c.vaults.core, users.rescuer.id), true, 'core sealed to the requester');
    for (const part of ['psych', 'legal', 'housing', 'conversation'] as const) {
      assert.equal(await hasGrant(t.db, c.vaults[part], users.rescuer.id), false, `${part} is not`);
    }
    const open = await browsers.rescuer.get(`/staff/cases/${c.caseId}/break-glass`);
    assertShows(open, c.story, 'the requester reads the core');
    assertShows(open, 'Your access was approved.');
    assert.equal((await browsers.rescuer.get(`/staff/cases/${c.caseId}`)).status, 404, 'no place on the team, no case page');
    assert.equal((await browsers.rescuer.staffPost(`/staff/cases/${c.caseId}/notes`, { body: 'x', part: 'core' })).status, 404, 'no writing');

    for (const who of ['caseworker', 'auditor', 'admin'] as const) {
      const notice = await browsers[who].get('/staff/my-work');
      assertShows(notice, 'Break-glass access granted', `${who} is told`);
      assertShows(notice, `data-break-glass-notice="${id}"`, `${who} is told`);
    }
    assertNotShows(await browsers.second.get('/staff/my-work'), `data-break-glass-notice="${id}"`, 'a coordinator who is neither is not');
    assertNotShows(await browsers.auditor.get('/staff/my-work'), reason, 'administrators without a grant do not read the reason');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.break_glass_approved' and subject_id = $1", [c.caseId]), 1);
    assert.equal(await countRows(t.db, 'jobs', "kind = 'case.mail'"), 0, 'no e-mail without addresses');
  });

  test('expiry revokes the grant and the next holder rotates the core: a kept key opens nothing', async () => {
    const c = await newCase();
    assert.equal((await ask('rescuer', c.caseId, marker('reason'))).status, 303);
    const id = await requestIdOf(c.caseId, users.rescuer.id);
    assert.equal((await browsers.admin.staffPost(`/staff/break-glass/${id}/approve`, {})).status, 303);
    const [kept] = await t.db.query<Record<string, unknown>>("select * from vault_keys where vault_id = $1 and principal_kind = 'user' and principal_ref = $2", [c.vaults.core, users.rescuer.id]);
    assert.ok(kept);

    await runDueJobs(deps, new Date(Date.now() + 23 * 3600_000));
    assert.equal(await hasGrant(t.db, c.vaults.core, users.rescuer.id), true, 'still open before it expires');
    await runDueJobs(deps, new Date(Date.now() + 24 * 3600_000 + 60_000));
    assert.equal(await hasGrant(t.db, c.vaults.core, users.rescuer.id), false, 'revoked at expiry');
    assert.equal(await countRows(t.db, 'break_glass_requests', "id = $1 and status = 'ended' and rotation_due", [id]), 1);
    assertNotShows(await browsers.rescuer.get(`/staff/cases/${c.caseId}/break-glass`), c.story, 'the core is gone from the page');

    const [beforeRotation] = await t.db.query<{ rotated_at: Date | null }>('select rotated_at from vaults where id = $1', [c.vaults.core]);
    const page = await browsers.caseworker.get(`/staff/cases/${c.caseId}`);
    assertShows(page, c.story, 'the caseworker still reads the core after the rotation');
    const [afterRotation] = await t.db.query<{ rotated_at: Date | null }>('select rotated_at from vaults where id = $1', [c.vaults.core]);
    assert.notDeepEqual(afterRotation!.rotated_at, beforeRotation!.rotated_at, 'the core was rotated');
    assert.equal(await countRows(t.db, 'break_glass_requests', 'id = $1 and rotation_due', [id]), 0);
    for (const part of ['psych', 'legal'] as const) assert.equal(await hasGrant(t.db, c.vaults[part], users.psychologist.id), part === 'psych');

    // A database writer puts the kept sealed key back: it opens to the old data key, which opens nothing now.
    await t.db.query(
      'insert into vault_keys (vault_id, principal_kind, principal_ref, public_key, key_tag, sealed_key, granted_by) values ($1, $2, $3, $4, $5, $6, $7)',
      [kept.vault_id, kept.principal_kind, kept.principal_ref, kept.public_key, kept.key_tag, kept.sealed_key, kept.granted_by],
    );
    const rescuer = await holder(users.rescuer);
    const opened = await t.db.transaction(async (tx) => {
      const vault = await openVaultAsUser(tx, rescuer, c.vaults.core, 'test');
      const [row] = await tx.query<{ id: string; created_at: Date; content: Uint8Array }>('select id, created_at, content from cases where id = $1', [c.caseId]);
      return vault ? vault.tryOpen(caseContentField, row!, row!.content, caseContentSchema).ok : null;
    });
    assert.equal(opened, false, 'the kept key opens nothing written under the new key');
    await t.db.query("delete from vault_keys where vault_id = $1 and principal_kind = 'user' and principal_ref = $2", [c.vaults.core, users.rescuer.id]);
  });

  test('the recovery holders approve from the command line, only a request made in Beside, and only with enough shares', async () => {
    const c = await newCase();
    await assert.rejects(breakGlassWithRecovery(t.db, c.caseId, 'second', instance.shares.slice(0, instance.threshold)), CommandError, 'no request, no access');
    assert.equal((await ask('second', c.caseId, marker('reason'))).status, 303);
    await assert.rejects(breakGlassWithRecovery(t.db, c.caseId, 'second', instance.shares.slice(0, 1)), CommandError, 'one share is not enough');
    assert.equal(await hasGrant(t.db, c.vaults.core, users.second.id), false);
    await breakGlassWithRecovery(t.db, c.caseId, 'second', instance.shares.slice(0, instance.threshold));
    assert.equal(await hasGrant(t.db, c.vaults.core, users.second.id), true, 'core sealed with the recovery key');
    for (const part of ['psych', 'legal', 'housing', 'conversation'] as const) assert.equal(await hasGrant(t.db, c.vaults[part], users.second.id), false, part);
    assertShows(await browsers.second.get(`/staff/cases/${c.caseId}/break-glass`), c.story);
    assert.equal(await countRows(t.db, 'break_glass_requests', "case_id = $1 and approved_with = 'recovery' and approved_by is null", [c.caseId]), 1);
    assertShows(await browsers.caseworker.get('/staff/my-work'), 'Break-glass access granted', 'the caseworker is told');
  });

  test('an access past its end is ended by the next holder who opens the case, even if its job never runs', async () => {
    const c = await newCase();
    assert.equal((await ask('rescuer', c.caseId, marker('reason'))).status, 303);
    const id = await requestIdOf(c.caseId, users.rescuer.id);
    assert.equal((await browsers.caseworker.staffPost(`/staff/break-glass/${id}/approve`, {})).status, 303);
    // As a database writer would: the expiry job is deleted, and the access is past its end.
    await t.db.query("delete from jobs where kind = 'break_glass.expire' and payload->>'breakGlassId' = $1", [id]);
    await t.db.query("update break_glass_requests set approved_at = now() - interval '2 days', expires_at = now() - interval '1 day' where id = $1", [id]);
    assertNotShows(await browsers.rescuer.get(`/staff/cases/${c.caseId}/break-glass`), c.story, 'nothing is opened past the end');
    assertShows(await browsers.caseworker.get(`/staff/cases/${c.caseId}`), c.story);
    assert.equal(await hasGrant(t.db, c.vaults.core, users.rescuer.id), false, 'the grant is gone');
    assert.equal(await countRows(t.db, 'break_glass_requests', "id = $1 and status = 'ended' and not rotation_due", [id]), 1, 'ended and rotated');
  });

  test('two approvals at once give one grant', async () => {
    const c = await newCase();
    assert.equal((await ask('second', c.caseId, marker('reason'))).status, 303);
    const id = await requestIdOf(c.caseId, users.second.id);
    const answers = await Promise.all([
      browsers.caseworker.staffPost(`/staff/break-glass/${id}/approve`, {}),
      browsers.admin.staffPost(`/staff/break-glass/${id}/approve`, {}),
    ]);
    assert.deepEqual(answers.map((answer) => answer.status), [303, 303]);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.break_glass_approved' and detail like '%' || $1 || '%'", [id]), 1);
    assert.equal(
      await countRows(t.db, 'audit_events', "kind = 'vault.granted' and subject_id = $1 and detail like '%' || $2 || '%'", [c.vaults.core, users.second.id]),
      1,
      'the core was sealed once',
    );
    assert.equal(await countRows(t.db, 'jobs', "kind = 'break_glass.expire' and payload->>'breakGlassId' = $1", [id]), 1, 'one expiry');
  });
});
