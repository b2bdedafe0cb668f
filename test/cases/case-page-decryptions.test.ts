import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertShows, createStaff, initialiseInstance, loggedIn, marker, startTestApp, submitHelp, type Browser, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/cases/case-page-decryptions.test.ts', () => {
  /**
   * One view of a case page opens each vault the viewer holds once: the case file, tracks,
   * documents and referrals share the handles the page opened, so the audit log says what was
   * read, once, rather than how many sections the page has.
   */
  let t: TestApp;
  type Who = 'coordinator' | 'caseworker' | 'lawyer' | 'rescuer';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      rescuer: await createStaff(t.db, { login: 'rescuer', roles: ['coordinator'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);
  });

  after(() => t?.close());

  type Vaults = Record<'core' | 'legal' | 'conversation' | 'logistics' | 'reason', string>;

  /**
   * A case whose page shows something from every kind of vault: the core and the conversation, a
   * legal note, an evacuation plan (logistics vault) and a pending break-glass reason (its own vault).
   */
  async function busyCase(): Promise<{ caseId: string; vaults: Vaults; legalNote: string; route: string }> {
    const { requestId } = await submitHelp(t, 'ru', { needs: ['legal', 'evacuation'], story: marker('story'), danger: 'yes' });
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users.lawyer.id, role: 'lawyer' })).status, 303);
    const legalNote = marker('legal');
    assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/notes`, { body: legalNote, part: 'legal' })).status, 303);
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/evacuation`, {})).status, 303);
    const route = marker('route');
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/plan`, { route })).status, 303);
    assert.equal((await browsers.rescuer.staffPost(`/staff/cases/${caseId}/break-glass`, { reason: marker('reason') })).status, 303);
    const [row] = await t.db.query<{ core_vault_id: string; legal_vault_id: string }>('select core_vault_id, legal_vault_id from cases where id = $1', [caseId]);
    const [request] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [requestId]);
    const [track] = await t.db.query<{ logistics_vault_id: string }>("select logistics_vault_id from case_tracks where case_id = $1 and track = 'evacuation'", [caseId]);
    const [reason] = await t.db.query<{ vault_id: string }>('select vault_id from break_glass_requests where case_id = $1', [caseId]);
    const vaults = { core: row!.core_vault_id, legal: row!.legal_vault_id, conversation: request!.vault_id, logistics: track!.logistics_vault_id, reason: reason!.vault_id };
    return { caseId, vaults, legalNote, route };
  }

  /** The vaults one GET decrypted as `who`, each with how many times. */
  async function decryptionsOf(who: Who, path: string): Promise<{ page: Awaited<ReturnType<Browser['get']>>; counts: Map<string, number> }> {
    const [{ seq }] = (await t.db.query<{ seq: string }>('select coalesce(max(seq), 0)::text as seq from audit_events')) as [{ seq: string }];
    const page = await browsers[who].get(path);
    assert.equal(page.status, 200, `${who} opens ${path}`);
    const rows = await t.db.query<{ subject_id: string; n: number }>(
      "select subject_id, count(*)::int as n from audit_events where kind = 'vault.decrypted' and seq > $1::bigint and actor_user_id = $2 group by subject_id",
      [seq, users[who].id],
    );
    return { page, counts: new Map(rows.map((row) => [row.subject_id, row.n])) };
  }

  function expectOnce(counts: Map<string, number>, vaults: Vaults, parts: (keyof Vaults)[], who: string): void {
    const expected = new Map(parts.map((part) => [vaults[part], 1]));
    const named = (map: Map<string, number>) =>
      Object.fromEntries([...map].map(([id, n]) => [(Object.keys(vaults) as (keyof Vaults)[]).find((part) => vaults[part] === id) ?? id, n]));
    assert.deepEqual(named(counts), named(expected), `${who}: one decryption per vault held and shown`);
  }

  test('a caseworker holding five vaults writes exactly five vault.decrypted entries per view of the case page', async () => {
    const c = await busyCase();
    for (const view of [1, 2]) {
      const { page, counts } = await decryptionsOf('caseworker', `/staff/cases/${c.caseId}`);
      expectOnce(counts, c.vaults, ['core', 'legal', 'conversation', 'logistics', 'reason'], `caseworker, view ${view}`);
      // The single handles still read every section: the legal note, the plan, the reason.
      assertShows(page, c.legalNote);
      assertShows(page, c.route);
      assertShows(page, 'data-referrals', 'the referrals section, read with the same core');
      assertShows(page, 'id="documents"', 'the documents section, read with the same core and legal vaults');
    }
  });

  test('every role sees one decryption per vault it holds: the lawyer, the coordinator on the case', async () => {
    const c = await busyCase();
    expectOnce((await decryptionsOf('lawyer', `/staff/cases/${c.caseId}`)).counts, c.vaults, ['legal'], 'lawyer');
    expectOnce((await decryptionsOf('coordinator', `/staff/cases/${c.caseId}`)).counts, c.vaults, ['core', 'conversation', 'logistics', 'reason'], 'coordinator');
  });

  test('the timeline opens the core once for the case file and its referrals', async () => {
    const c = await busyCase();
    expectOnce((await decryptionsOf('caseworker', `/staff/cases/${c.caseId}/timeline`)).counts, c.vaults, ['core', 'legal', 'conversation'], 'timeline');
  });

  test('someone refused the page decrypts nothing', async () => {
    const c = await busyCase();
    const [{ seq }] = (await t.db.query<{ seq: string }>('select coalesce(max(seq), 0)::text as seq from audit_events')) as [{ seq: string }];
    assert.equal((await browsers.rescuer.get(`/staff/cases/${c.caseId}`)).status, 404, 'not on the team');
    const rows = await t.db.query("select 1 from audit_events where kind = 'vault.decrypted' and seq > $1::bigint and actor_user_id = $2", [seq, users.rescuer.id]);
    assert.equal(rows.length, 0);
  });
});
