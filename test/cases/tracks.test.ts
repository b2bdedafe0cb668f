import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasGrant } from '../../src/crypto/vaults.ts';
import { addDays, todayIn } from '../../src/i18n/days.ts';
import { TRACKS, TRACK_STATES } from '../../src/cases/tracks.ts';
import { routesOf } from '../../src/web/route.ts';
import {
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  submitHelp,
  type Browser,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';
import { startTestApp } from '../support/app.ts';

describe('test/cases/tracks.test.ts', () => {
  /**
   * Service tracks on a case, through the pages people use: each track opens and changes state,
   * and each record is read only by who holds the vault it is sealed in.
   */
  let t: TestApp;
  let instance: Instance;
  type Who = 'coordinator' | 'caseworker' | 'psychologist' | 'lawyer' | 'outsider' | 'admin';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'], displayName: 'Dr Psy' }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      // a caseworker who is on no case of these tests
      outsider: await createStaff(t.db, { login: 'outsider', roles: ['caseworker', 'psychologist', 'lawyer'] }),
      // an administrator (and coordinator) without any grant to the case
      admin: await createStaff(t.db, { login: 'admin2', roles: ['administrator', 'coordinator'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);
  });

  after(() => t?.close());

  /** A fresh case with the whole team on it: no test depends on another's leftovers. */
  async function newCase(): Promise<string> {
    const { requestId } = await submitHelp(t, 'ru', { needs: ['legal', 'psychological', 'evacuation'], story: 'x', danger: 'yes' });
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    for (const [who, role] of [
      ['psychologist', 'psychologist'],
      ['lawyer', 'lawyer'],
    ] as const) {
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users[who].id, role })).status, 303, `the ${role} is added`);
    }
    // The psychologist's grant is sealed when a colleague holding psych opens the case; the first
    // psychologist on a case whose psych part holds nothing gets a fresh key at once.
    return caseId;
  }

  async function openTrack(caseId: string, track: string, by: Browser = browsers.caseworker) {
    const page = await by.staffPost(`/staff/cases/${caseId}/tracks/${track}`, {});
    assert.equal(page.status, 303, `${track} opens`);
  }

  function section(html: string, name: string): string {
    const start = html.indexOf(`data-track="${name}"`);
    return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
  }

  describe('opening tracks and changing their state', () => {
    test('every track opens once, in its first state, and moves to another of its states', async () => {
      const caseId = await newCase();
      const moves = { evacuation: 'under_way', clothing: 'collecting', psych: 'referred', legal: 'in_procedure', shelter: 'waiting_for_host' } as const;
      for (const track of Object.keys(moves)) {
        await openTrack(caseId, track);
        await openTrack(caseId, track); // a double tap opens one track
      }
      assert.equal(await countRows(t.db, 'case_tracks', 'case_id = $1', [caseId]), 5);
      for (const [track, state] of Object.entries(moves)) {
        const moved = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/${track}/state`, { state });
        assert.equal(moved.status, 303, `${track} moves`);
      }
      const page = await browsers.caseworker.get(`/staff/cases/${caseId}`);
      for (const [track, state] of Object.entries(moves)) assert.match(page.html, new RegExp(`data-track="${track}" data-state="${state}"`), `${track} shows ${state}`);
      const [shelter] = await t.db.query<{ state: string }>("select state from case_tracks where case_id = $1 and track = 'shelter'", [caseId]);
      assert.equal(shelter?.state, 'waiting_for_host');
    });

    test('a state of another track, or of no track, changes nothing', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'shelter');
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/shelter/state`, { state: 'under_way' })).status, 404);
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/clothing/state`, { state: 'collecting' })).status, 404, 'not opened');
      const [row] = await t.db.query<{ state: string }>("select state from case_tracks where case_id = $1 and track = 'shelter'", [caseId]);
      assert.equal(row?.state, 'asylum_centre');
    });

    test('the housing coordinator on the case moves the shelter track', async () => {
      const caseId = await newCase();
      const housing = await createStaff(t.db, { login: `housing-${caseId.slice(0, 8)}`, roles: ['housing_coordinator'] });
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: housing.id, role: 'housing_coordinator' })).status, 303);
      const browser = await loggedIn(t, housing);
      assert.equal((await browser.staffPost(`/staff/cases/${caseId}/tracks/shelter`, {})).status, 303);
      assert.equal((await browser.staffPost(`/staff/cases/${caseId}/tracks/shelter/state`, { state: 'placed' })).status, 303);
      assert.equal((await browser.staffPost(`/staff/cases/${caseId}/tracks/clothing`, {})).status, 404, 'not another track');
      assert.match((await browser.get(`/staff/cases/${caseId}`)).html, /data-track="shelter" data-state="placed"/);
    });

    test('the psychologist moves the psychological track but not the shelter', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'psych');
      await openTrack(caseId, 'shelter');
      assert.equal((await browsers.psychologist.staffPost(`/staff/cases/${caseId}/tracks/psych/state`, { state: 'in_sessions' })).status, 303);
      assert.equal((await browsers.psychologist.staffPost(`/staff/cases/${caseId}/tracks/shelter/state`, { state: 'placed' })).status, 404);
      assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/tracks/evacuation`, {})).status, 404, 'a lawyer opens no evacuation');
    });
  });

  describe('the evacuation plan lives in a logistics vault of its own', () => {
    test('made on the first plan, sealed to the caseworker and coordinators and the recovery key only; destroyed after arrival', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'evacuation');
      const route = marker('route');
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/plan`, { route, moneyNeeded: '300 EUR' })).status, 303);
      const [row] = await t.db.query<{ logistics_vault_id: string }>("select logistics_vault_id from case_tracks where case_id = $1 and track = 'evacuation'", [caseId]);
      const vaultId = row!.logistics_vault_id;
      assert.ok(vaultId, 'the logistics vault exists');
      const [vault] = await t.db.query<{ kind: string }>('select kind from vaults where id = $1', [vaultId]);
      assert.equal(vault?.kind, 'logistics');
      for (const who of ['caseworker', 'coordinator'] as const) assert.equal(await hasGrant(t.db, vaultId, users[who].id), true, `${who} holds it`);
      for (const who of ['psychologist', 'lawyer', 'admin', 'outsider'] as const) assert.equal(await hasGrant(t.db, vaultId, users[who].id), false, `${who} does not`);
      assert.equal(await countRows(t.db, 'vault_keys', "vault_id = $1 and principal_kind = 'recovery'", [vaultId]), 1, 'sealed to the recovery key');

      assertShows(await browsers.caseworker.get(`/staff/cases/${caseId}`), route, "the caseworker's page");
      assertShows(await browsers.coordinator.get(`/staff/cases/${caseId}`), route, "the coordinator's page");
      for (const who of ['psychologist', 'lawyer'] as const) assertNotShows(await browsers[who].get(`/staff/cases/${caseId}`), route, `the ${who}'s page`);
      assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/evacuation/plan`, { route: 'x' })).status, 404);

      const early = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/shred`, { confirm: 'yes' });
      assert.match(early.location ?? '', /tracks=notArrived/, 'not before arrival');
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/evacuation/state`, { state: 'arrived' });
      const unticked = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/shred`, {});
      assert.match(unticked.location ?? '', /tracks=unconfirmed/);
      assert.equal(await countRows(t.db, 'vaults', 'id = $1 and shredded_at is null', [vaultId]), 1, 'kept without the ticked box');
      const shredded = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/shred`, { confirm: 'yes' });
      assert.match(shredded.location ?? '', /tracks=shredded/);
      assert.equal(await countRows(t.db, 'vaults', 'id = $1 and shredded_at is not null', [vaultId]), 1);
      assert.equal(await countRows(t.db, 'vault_keys', 'vault_id = $1', [vaultId]), 0, 'no key is left');
      assert.equal(await countRows(t.db, 'case_tracks', 'logistics_vault_id = $1 and plan is null', [vaultId]), 1, 'no ciphertext is left');
      const page = await browsers.caseworker.get(`/staff/cases/${caseId}`);
      assertNotShows(page, route, 'the page after shredding');
      assertShows(page, 'The plan was destroyed after the person arrived.', 'the page after shredding');
    });

    test('a caseworker taken off the case no longer holds a key that opens the plan', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'evacuation');
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/plan`, { route: 'r' });
      const [row] = await t.db.query<{ logistics_vault_id: string }>("select logistics_vault_id from case_tracks where case_id = $1 and track = 'evacuation'", [caseId]);
      assert.equal((await browsers.coordinator.staffPost(`/staff/cases/${caseId}/remove`, { user: users.caseworker.id })).status, 303);
      // At once, in the removal: the plan's vault is rotated away from them.
      assert.equal(await hasGrant(t.db, row!.logistics_vault_id, users.caseworker.id), false, 'no key right after the removal');
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.rotated' and subject_id = $1", [row!.logistics_vault_id]), 1, 'rotated by the removal');
      // Opening the case afterwards changes nothing more; two pages at once (PostgreSQL) do not deadlock.
      const pages = await Promise.all([browsers.coordinator.get(`/staff/cases/${caseId}`), browsers.coordinator.get(`/staff/cases/${caseId}`)]);
      assert.deepEqual(pages.map((page) => page.status), [200, 200]);
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'vault.rotated' and subject_id = $1", [row!.logistics_vault_id]), 1, 'rotated once');
      assert.equal(await hasGrant(t.db, row!.logistics_vault_id, users.caseworker.id), false);
      assert.equal(await hasGrant(t.db, row!.logistics_vault_id, users.coordinator.id), true);
    });

    test('contact overdue turns the track red, with words, and sorts the case first', async () => {
      const caseId = await newCase();
      const calm = await newCase();
      await openTrack(caseId, 'evacuation');
      await t.db.query("update case_tracks set opened_at = now() - interval '30 hours' where case_id = $1", [caseId]);
      const page = await browsers.caseworker.get(`/staff/cases/${caseId}`);
      assert.match(section(page.html, 'evacuation'), /data-overdue/, 'marked overdue');
      assertShows(section(page.html, 'evacuation'), 'Contact overdue', 'the evacuation section');
      await browsers.caseworker.staffPost(`/staff/cases/${calm}/notes`, { body: 'newer', part: 'core' }); // the calm case is updated last
      const list = await browsers.caseworker.get('/staff/cases');
      assert.ok(list.html.indexOf(`data-case="${caseId}"`) < list.html.indexOf(`data-case="${calm}"`), 'the emergency sorts first');
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/contact`, { contacted: 'yes', hours: '12' })).status, 303);
      assert.doesNotMatch(section((await browsers.caseworker.get(`/staff/cases/${caseId}`)).html, 'evacuation'), /data-overdue/, 'contact recorded');
    });
  });

  describe('who reads which records', () => {
    test('clothing items are sealed in core: the caseworker reads them, the psychologist and lawyer do not', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'clothing');
      const coat = marker('coat');
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/clothing`, { item: coat, size: 'L', quantity: '2' })).status, 303);
      const [item] = await t.db.query<{ id: string }>('select id from case_clothing_items where case_id = $1', [caseId]);
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/clothing/handed-out`, { item: item!.id, cost: '12,50' })).status, 303);
      const [row] = await t.db.query<{ cost_cents: number; handed_out_on: string }>('select cost_cents, handed_out_on from case_clothing_items where id = $1', [item!.id]);
      assert.equal(row?.cost_cents, 1250);
      assert.equal(row?.handed_out_on, todayIn());
      assertShows(await browsers.caseworker.get(`/staff/cases/${caseId}`), coat, "the caseworker's page");
      for (const who of ['psychologist', 'lawyer'] as const) assertNotShows(await browsers[who].get(`/staff/cases/${caseId}`), coat, `the ${who}'s page`);
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/clothing/handed-out`, { item: item!.id, cost: '-1' })).location?.includes('tracks=invalid'), true);
    });

    test('psych sessions: only the psychologist on the case reads or writes them — not the lawyer, caseworker, coordinator or administrator', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'psych');
      const day = addDays(todayIn(), -3);
      assert.equal((await browsers.psychologist.staffPost(`/staff/cases/${caseId}/psych/sessions`, { date: day, minutes: '47', form: 'video' })).status, 303);
      const own = await browsers.psychologist.get(`/staff/cases/${caseId}`);
      assert.match(own.html, /data-session="/, 'the psychologist sees the session');
      assertShows(own, '47 minutes', "the psychologist's page");
      for (const who of ['lawyer', 'caseworker', 'coordinator'] as const) {
        const page = await browsers[who].get(`/staff/cases/${caseId}`);
        assert.equal(page.status, 200);
        assert.doesNotMatch(page.html, /data-session/, `the ${who} sees no session`);
        assertNotShows(page, '47 minutes', `the ${who}'s page`);
        assert.equal((await browsers[who].staffPost(`/staff/cases/${caseId}/psych/sessions`, { date: day, minutes: '5', form: 'phone' })).status, 404, `the ${who} logs none`);
      }
      assert.equal(await countRows(t.db, 'case_psych_sessions', 'case_id = $1', [caseId]), 1);
    });

    test('legal deadline details: the lawyer and caseworker read them, the psychologist does not', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'legal');
      const detail = marker('deadline-detail');
      assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/deadlines`, { kind: 'other', due: addDays(todayIn(), 3), detail })).status, 303);
      for (const who of ['lawyer', 'caseworker'] as const) {
        const page = await browsers[who].get(`/staff/cases/${caseId}`);
        assertShows(page, detail, `the ${who}'s page`);
        assertShows(page, '3 days left', `the ${who}'s page`);
      }
      const psych = await browsers.psychologist.get(`/staff/cases/${caseId}`);
      assertNotShows(psych, detail, "the psychologist's page");
      assert.doesNotMatch(psych.html, /data-deadline/, 'no deadline is shown to the psychologist');
      assert.equal((await browsers.psychologist.staffPost(`/staff/cases/${caseId}/deadlines`, { kind: 'other', due: todayIn() })).status, 404);
 
      // A database writer who changes what a detail is bound to gets "could not be verified", not a lie.
      await t.db.query("update case_deadlines set kind = 'documents' where case_id = $1", [caseId]);
      const changed = await browsers.lawyer.get(`/staff/cases/${caseId}`);
      assert.equal(changed.status, 200);
      assertNotShows(changed, detail, 'the page after the change');
      assertShows(changed, 'This entry could not be verified', 'the page after the change');
    });

    test('an administrator without a grant sees no content, and nobody off the case reaches any new route', async () => {
      const caseId = await newCase();
      for (const track of ['evacuation', 'clothing', 'psych', 'legal', 'shelter']) await openTrack(caseId, track);
      const today = todayIn();
      const secret = marker('everything');
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/plan`, { route: secret });
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/clothing`, { item: secret, size: 'M', quantity: '1' });
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/procedure`, { procedure: 'nl' });
      await browsers.lawyer.staffPost(`/staff/cases/${caseId}/deadlines`, { kind: 'other', due: today, detail: secret });
      await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tasks`, { title: secret, assignee: users.caseworker.id, due: today, part: 'core' });
      const [item] = await t.db.query<{ id: string }>('select id from case_clothing_items where case_id = $1', [caseId]);
      const [deadline] = await t.db.query<{ id: string }>('select id from case_deadlines where case_id = $1', [caseId]);
      const [task] = await t.db.query<{ id: string }>('select id from case_tasks where case_id = $1', [caseId]);
      const bodies: Record<string, Record<string, string>> = {
        ...Object.fromEntries(TRACKS.flatMap((track) => [[`tracks/${track}`, {}], [`tracks/${track}/state`, { state: TRACK_STATES[track][1] }]])),
        'evacuation/contact': { contacted: 'yes', hours: '12' },
        'evacuation/plan': { route: 'x' },
        'evacuation/shred': { confirm: 'yes' },
        clothing: { item: 'coat', size: 'M', quantity: '1' },
        'clothing/handed-out': { item: item!.id, cost: '1' },
        'psych/sessions': { date: today, minutes: '50', form: 'video' },
        procedure: { procedure: 'nl' },
        'procedure/stage': { stage: 'registration', date: today },
        deadlines: { kind: 'other', due: today },
        'deadlines/done': { deadline: deadline!.id, done: 'yes' },
        tasks: { title: 'x', assignee: users.outsider.id, due: today, part: 'core' },
        'tasks/done': { task: task!.id, done: 'yes' },
      };
      const mine = routesOf(t.app).filter((r) => r.method === 'POST' && /^\/staff\/cases\/:id\/(tracks|evacuation|clothing|psych|procedure|deadlines|tasks)/.test(r.path));
      assert.deepEqual(mine.map((r) => r.path.slice('/staff/cases/:id/'.length)).sort(), Object.keys(bodies).sort(), 'every new route is tried');
      const [before] = await t.db.query<{ seq: number }>('select coalesce(max(seq), 0)::int as seq from audit_events');
      for (const who of ['outsider', 'admin'] as const) {
        assert.equal((await browsers[who].get(`/staff/cases/${caseId}`)).status, 404, `${who}: the case page`);
        for (const [path, body] of Object.entries(bodies)) {
          assert.equal((await browsers[who].staffPost(`/staff/cases/${caseId}/${path}`, body)).status, 404, `${who}: POST ${path}`);
        }
        assertNotShows(await browsers[who].get('/staff/my-work'), secret, `${who}'s My work`);
      }
      const writes = await t.db.query<{ kind: string }>("select kind from audit_events where seq > $1 and kind like 'case.%'", [before!.seq]);
      assert.deepEqual(writes, [], 'nothing was changed');
      // The table held what the routes would have changed: the check above could have failed.
      assert.equal(await countRows(t.db, 'case_tasks', 'case_id = $1 and done_at is null', [caseId]), 1);
    });
  });

  describe('the procedure tracker', () => {
    test('submitting a stage date twice leaves one date and one deadline; a new date moves the open deadline', async () => {
      const caseId = await newCase();
      await openTrack(caseId, 'legal');
      assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/procedure`, { procedure: 'nl' })).status, 303);
      const day = todayIn();
      for (let i = 0; i < 2; i++) {
        assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/procedure/stage`, { stage: 'intended_decision', date: day })).status, 303);
      }
      assert.equal(await countRows(t.db, 'case_procedure_stages', 'case_id = $1', [caseId]), 1);
      const deadlines = await t.db.query<{ kind: string; due_on: string }>('select kind, due_on from case_deadlines where case_id = $1', [caseId]);
      assert.deepEqual(deadlines, [{ kind: 'written_view', due_on: addDays(day, 1) }]);
      await browsers.lawyer.staffPost(`/staff/cases/${caseId}/procedure/stage`, { stage: 'intended_decision', date: addDays(day, 2) });
      const moved = await t.db.query<{ due_on: string }>('select due_on from case_deadlines where case_id = $1', [caseId]);
      assert.deepEqual(moved, [{ due_on: addDays(day, 3) }]);
      assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/procedure/stage`, { stage: 'no_such_stage', date: day })).status, 404);
      assert.match((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/procedure/stage`, { stage: 'decision', date: '2026-02-30' })).location ?? '', /tracks=invalid/);
      const page = await browsers.lawyer.get(`/staff/cases/${caseId}`);
      assertShows(page, 'Intended decision', "the lawyer's page");
      assertShows(page, '3 days left', "the lawyer's page");
    });
  });

  describe('two people at once', () => {
    test('the same stage date and the same track sent twice at the same moment leave one of each', async () => {
      const caseId = await newCase();
      const opened = await Promise.all([browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/legal`, {}), browsers.lawyer.staffPost(`/staff/cases/${caseId}/tracks/legal`, {})]);
      assert.deepEqual(opened.map((page) => page.status), [303, 303]);
      await browsers.lawyer.staffPost(`/staff/cases/${caseId}/procedure`, { procedure: 'nl' });
      const day = todayIn();
      const sent = await Promise.all(
        [browsers.lawyer, browsers.caseworker, browsers.lawyer].map((by) => by.staffPost(`/staff/cases/${caseId}/procedure/stage`, { stage: 'decision', date: day })),
      );
      assert.deepEqual(sent.map((page) => page.status), [303, 303, 303]);
      assert.equal(await countRows(t.db, 'case_tracks', 'case_id = $1', [caseId]), 1);
      assert.equal(await countRows(t.db, 'case_procedure_stages', 'case_id = $1', [caseId]), 1);
      assert.equal(await countRows(t.db, 'case_deadlines', "case_id = $1 and kind = 'appeal'", [caseId]), 1);
    });
  });

  describe('tasks', () => {
    test('assigned to a team member who reads the part; only who reads the part sees the title', async () => {
      const caseId = await newCase();
      const title = marker('task');
      const due = addDays(todayIn(), 2);
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tasks`, { title, assignee: users.lawyer.id, due, part: 'legal' })).status, 303);
      assertShows(await browsers.lawyer.get(`/staff/cases/${caseId}`), title, "the lawyer's case page");
      assertShows(await browsers.lawyer.get('/staff/my-work'), title, "the lawyer's My work");
      assertNotShows(await browsers.psychologist.get(`/staff/cases/${caseId}`), title, "the psychologist's case page");
      assertNotShows(await browsers.coordinator.get(`/staff/cases/${caseId}`), title, "the coordinator's case page (no legal part)");
      // A task the assignee could not read, or for someone off the team, is refused.
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tasks`, { title: 'x', assignee: users.psychologist.id, due, part: 'core' })).status, 404);
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tasks`, { title: 'x', assignee: users.outsider.id, due, part: 'core' })).status, 404);
      const [task] = await t.db.query<{ id: string }>('select id from case_tasks where case_id = $1', [caseId]);
      assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/tasks/done`, { task: task!.id, done: 'yes' })).status, 303);
      assertNotShows(await browsers.lawyer.get('/staff/my-work'), title, 'My work once the task is done');
      assert.equal((await browsers.psychologist.staffPost(`/staff/cases/${caseId}/tasks/done`, { task: task!.id, done: 'no' })).status, 404);
    });
  });
});
