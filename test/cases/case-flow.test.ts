import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import {
  Browser,
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
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/case-flow.test.ts', () => {
  const en = translator('en');
  let t: TestApp;
  let coordinator: Browser;
  let caseworkerUser: StaffUser;
  let lawyerUser: StaffUser;
  let caseworker: Browser;
  let lawyer: Browser;

  const story = marker('story');
  const city = marker('city');
  let receipt: string;
  let requestId: string;
  let notAssignedYet: Page;
  let made: Page;
  let caseId: string;
  let casePath: string;

  before(async () => {
    t = await startTestApp();
    const { admin } = await initialiseInstance(t.db);
    caseworkerUser = await createStaff(t.db, { login: 'casecw', roles: ['caseworker'], displayName: 'Carla Caseworker' });
    lawyerUser = await createStaff(t.db, { login: 'caselawyer', roles: ['lawyer'], displayName: 'Lev Lawyer' });
    ({ receipt, requestId } = await submitHelp(t, 'ru', { needs: ['housing', 'legal', 'psychological'], danger: 'yes', story, city, country: 'GE' }));
    coordinator = await loggedIn(t, admin);
    caseworker = await loggedIn(t, caseworkerUser);
    lawyer = await loggedIn(t, lawyerUser);
    notAssignedYet = await caseworker.get(`/staff/requests/${requestId}`);
    made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworkerUser.id });
    caseId = /^\/staff\/cases\/([0-9a-f-]{36})\?/.exec(made.location ?? '')?.[1] ?? '';
    casePath = `/staff/cases/${caseId}`;
  });

  after(() => t?.close());

  /** The parts of the case the viewer holds, as the page declares them. */
  const partsOf = (page: Page) => /data-parts="([^"]*)"/.exec(page.html)?.[1];
  /** One part's notes on the case page. */
  const partSection = (page: Page, part: string) => new RegExp(`<section data-part="${part}">([\\s\\S]*?)</section>`).exec(page.html)?.[1] ?? '';
  /** One list (mine or all) of the cases page. */
  const listSection = (page: Page, list: string) => new RegExp(`<section data-list="${list}">([\\s\\S]*?)</section>`).exec(page.html)?.[1] ?? '';
  const caseRows = (page: Page) => [...page.html.matchAll(/<tr data-case="([0-9a-f-]{36})">([\s\S]*?)<\/tr>/g)].map(([, id, row]) => ({ id: id!, row: row! }));

  describe('making a case from a request', () => {
    test('the coordinator makes a case and assigns a caseworker', async () => {
      assert.equal(notAssignedYet.status, 404, 'the caseworker could not read the request before the case existed');
      assert.equal(made.status, 303);
      assert.match(made.location ?? '', /^\/staff\/cases\/[0-9a-f-]{36}\?done=created$/);

      const page = await coordinator.get(made.location!);
      assert.equal(page.status, 200);
      assertShows(page, en('cases.created'), 'the new case');
      const pseudonym = /<[^>]*\bdata-pseudonym\b[^>]*>([^<]*)</.exec(page.html)?.[1] ?? '';
      assert.match(pseudonym, /^[A-Z][a-z]+-\d+/);
      assert.ok(!story.includes(pseudonym) && !city.includes(pseudonym), 'the pseudonym is not taken from the person\'s words');
      assertShows(page, story, 'the case page');
      assertShows(page, city, 'the case page');
      assertShows(page, 'Carla Caseworker', 'the case team');
    });

    test('the details moved: the request keeps no copy, the case holds them encrypted', async () => {
      const [request] = await t.db.query<{ content: Uint8Array | null; case_id: string; status: string }>(
        'select content, case_id, status from help_requests where id = $1',
        [requestId],
      );
      assert.equal(request?.content, null);
      assert.equal(request?.case_id, caseId);
      assert.equal(request?.status, 'accepted');
      const [kase] = await t.db.query<{ content: Uint8Array }>('select content from cases where id = $1', [caseId]);
      assert.ok(kase && kase.content.length > 0, 'the case holds the content');
      assert.ok(!Buffer.from(kase.content).includes(Buffer.from(story)), 'the case content is encrypted');
      const requestPage = await coordinator.get(`/staff/requests/${requestId}`);
      assert.equal(requestPage.status, 200);
      assertShows(requestPage, en('triage.contentMoved'), 'the request page');
      assertNotShows(requestPage, story, 'the request page');
      assert.match(requestPage.html, new RegExp(`href="${casePath}"`));
    });

    test('the needs are copied, each open', async () => {
      const needs = await t.db.query<{ need: string; status: string }>('select need, status from case_needs where case_id = $1 order by need', [caseId]);
      assert.deepEqual(needs, [
        { need: 'housing', status: 'open' },
        { need: 'legal', status: 'open' },
        { need: 'psychological', status: 'open' },
      ]);
      const page = await coordinator.get(casePath);
      for (const need of ['housing', 'legal', 'psychological'] as const) assertShows(page, en(`help.need.${need}`), 'the case page');
    });

    test('making the case again does not make a second one', async () => {
      const again = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworkerUser.id });
      assert.equal(again.status, 303);
      assert.equal(again.location?.split('?')[0], casePath);
      assert.equal(await countRows(t.db, 'help_requests', 'id = $1 and case_id = $2', [requestId, caseId]), 1);
      assert.equal(await countRows(t.db, 'cases'), 1, 'no second case');
    });

    test('the team starts with the coordinator and the caseworker, each in their role', async () => {
      const team = await t.db.query<{ user_id: string; role: string }>('select user_id, role from case_members where case_id = $1 order by role', [caseId]);
      assert.deepEqual(
        team.map((member) => member.role),
        ['caseworker', 'coordinator'],
      );
      assert.equal(team.find((member) => member.role === 'caseworker')?.user_id, caseworkerUser.id);
      const [row] = await t.db.query<{ origin: string }>('select origin from cases where id = $1', [caseId]);
      assert.equal(row?.origin, 'request');
    });

    test('only a caseworker (or a coordinator) can be named to follow a new case', async () => {
      const other = await submitHelp(t, 'ru', { needs: ['clothing'] });
      const refused = await coordinator.staffPost(`/staff/requests/${other.requestId}/case`, { assignee: lawyerUser.id });
      assert.equal(refused.status, 404, 'a lawyer cannot be the caseworker');
      assert.equal(await countRows(t.db, 'help_requests', 'id = $1 and case_id is null', [other.requestId]), 1, 'the request is not a case');
    });
  });

  describe('working on the case', () => {
    test('the caseworker finds it under "My cases" and reads it', async () => {
      const other = await submitHelp(t, 'ru', { needs: ['clothing'] });
      const otherCaseworker = await createStaff(t.db, { login: 'casecw2', roles: ['caseworker'] });
      const otherCase = await coordinator.staffPost(`/staff/requests/${other.requestId}/case`, { assignee: otherCaseworker.id });
      assert.equal(otherCase.status, 303);

      const mine = await caseworker.get('/staff/cases');
      assert.equal(mine.status, 200);
      const rows = caseRows(mine);
      assert.deepEqual(rows.map((row) => row.id), [caseId], 'only the case assigned to them');
      assert.match(rows[0]!.row, new RegExp(`href="${casePath}"`));
      const page = await caseworker.get(casePath);
      assert.equal(page.status, 200);
      assertShows(page, story, 'the caseworker\'s case page');
    });

    test('the caseworker adds a note; an empty note is not saved', async () => {
      const note = marker('note');
      const saved = await caseworker.staffPost(`${casePath}/notes`, { body: note, part: 'core' });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, `${casePath}?done=note`);
      const page = await caseworker.get(saved.location!);
      assertShows(page, en('cases.note.saved'), 'the case page');
      assertShows(partSection(page, 'core'), note, 'the core part of the case page');
      assertShows(page, 'Carla Caseworker', 'the note\'s author');
      const empty = await caseworker.staffPost(`${casePath}/notes`, { body: '   ', part: 'core' });
      assert.equal(empty.location, `${casePath}?done=empty`);
      assert.equal(await countRows(t.db, 'case_notes', 'case_id = $1', [caseId]), 1);
      assertShows(await coordinator.get(casePath), note, 'the coordinator\'s case page');
    });

    test('notes go to a part of the case: the caseworker writes in the legal part, not in the psychological one', async () => {
      const page = await caseworker.get(casePath);
      assert.equal(partsOf(page), 'core legal', 'the caseworker holds the core and the legal part');
      const legal = marker('legal-note');
      const saved = await caseworker.staffPost(`${casePath}/notes`, { body: legal, part: 'legal' });
      assert.equal(saved.location, `${casePath}?done=note`);
      assertShows(partSection(await caseworker.get(casePath), 'legal'), legal, 'the legal part of the case page');
      assert.equal(await countRows(t.db, 'case_notes', "case_id = $1 and part = 'legal'", [caseId]), 1);

      const psych = await caseworker.staffPost(`${casePath}/notes`, { body: marker('psych-note'), part: 'psych' });
      assert.equal(psych.status, 404, 'the caseworker holds no key to the psychological part');
      assert.equal(await countRows(t.db, 'case_notes', "case_id = $1 and part = 'psych'", [caseId]), 0);

      const coordinatorPage = await coordinator.get(casePath);
      assert.equal(partsOf(coordinatorPage), 'core', 'the coordinator on the case reads its core only');
      assertNotShows(coordinatorPage, legal, 'the coordinator\'s case page');
    });

    test('the caseworker updates a need', async () => {
      const saved = await caseworker.staffPost(`${casePath}/needs`, { need: 'housing', status: 'done' });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, `${casePath}?done=need`);
      const [row] = await t.db.query<{ status: string }>("select status from case_needs where case_id = $1 and need = 'housing'", [caseId]);
      assert.equal(row?.status, 'done');
      const page = await caseworker.get(saved.location!);
      assertShows(page, en('cases.need.saved'), 'the case page');
      assert.match(page.html, /name="need" value="housing"\/>[\s\S]*?<option value="done" selected/);
      // A need the case does not have, or a status that does not exist, changes nothing.
      assert.equal((await caseworker.staffPost(`${casePath}/needs`, { need: 'evacuation', status: 'done' })).status, 404);
      assert.equal((await caseworker.staffPost(`${casePath}/needs`, { need: 'legal', status: 'finished' })).status, 404);
      assert.equal(await countRows(t.db, 'case_needs', "case_id = $1 and status = 'open'", [caseId]), 2);
    });

    test('the caseworker answers the person from the case, and the person reads it', async () => {
      const answer = marker('answer');
      const sent = await caseworker.staffPost(`/staff/requests/${requestId}/reply?back=case`, { body: answer });
      assert.equal(sent.status, 303);
      const status = await personPost(new Browser(t), 'ru', { action: 'open', receipt });
      assertShows(status, answer, 'the person\'s status page');
      assertShows(await caseworker.get(casePath), answer, 'the case page');
    });

    test('adding a lawyer gives them the legal part of the case, and only that', async () => {
      // A legal note of this test's own, so that it does not rely on the notes test above.
      const legalNote = marker('note-for-the-lawyer');
      assert.equal((await caseworker.staffPost(`${casePath}/notes`, { body: legalNote, part: 'legal' })).location, `${casePath}?done=note`);
      assert.equal((await lawyer.get(casePath)).status, 404, 'not before being added');
      assert.equal((await lawyer.get(`/staff/requests/${requestId}`)).status, 404, 'not before being added');
      const added = await caseworker.staffPost(`${casePath}/assign`, { user: lawyerUser.id, role: 'lawyer' });
      assert.equal(added.status, 303);
      assert.equal(added.location, `${casePath}?done=assigned`);

      const page = await lawyer.get(casePath);
      assert.equal(page.status, 200);
      assert.equal(partsOf(page), 'legal');
      assertShows(page, 'Lev Lawyer', 'the case team');
      assertShows(partSection(page, 'legal'), legalNote, 'the legal notes on the lawyer\'s page');
      // The person's details and the conversation follow the core: the caseworker and coordinators.
      assertNotShows(page, story, 'the lawyer\'s case page');
      assert.ok(!page.html.includes('data-conversation='), 'no conversation on the lawyer\'s case page');
      assert.equal((await lawyer.get(`/staff/requests/${requestId}`)).status, 404, 'nor the request page');
      assert.ok(caseRows(await lawyer.get('/staff/cases')).some((row) => row.id === caseId), 'the case is among the lawyer\'s cases');
      assert.equal(await countRows(t.db, 'case_members', "case_id = $1 and user_id = $2 and role = 'lawyer'", [caseId, lawyerUser.id]), 1);
      assert.equal(await countRows(t.db, 'case_members', 'case_id = $1', [caseId]), 3, 'coordinator, caseworker and lawyer');
      const again = await caseworker.staffPost(`${casePath}/assign`, { user: lawyerUser.id, role: 'lawyer' });
      assert.equal(again.status, 303, 'adding them again in the same role changes nothing');
      assert.equal(await countRows(t.db, 'case_members', 'case_id = $1', [caseId]), 3);
    });

    test('only colleagues who follow cases can be added, and only in a role their account allows', async () => {
      const treasurer = await createStaff(t.db, { login: 'casetreasurer', roles: ['treasurer'] });
      const refused = await caseworker.staffPost(`${casePath}/assign`, { user: treasurer.id, role: 'caseworker' });
      assert.equal(refused.status, 404);
      assert.equal(await countRows(t.db, 'vault_keys', "principal_kind = 'user' and principal_ref = $1", [treasurer.id]), 0);
      assert.equal(await countRows(t.db, 'case_members', 'user_id = $1', [treasurer.id]), 0);

      const psychologist = await createStaff(t.db, { login: 'casepsych-as-lawyer', roles: ['psychologist'] });
      assert.equal((await caseworker.staffPost(`${casePath}/assign`, { user: psychologist.id, role: 'lawyer' })).status, 404, 'a psychologist is not a lawyer');
      assert.equal(await countRows(t.db, 'case_members', 'user_id = $1', [psychologist.id]), 0);
      assert.equal(await countRows(t.db, 'vault_keys', "principal_kind = 'user' and principal_ref = $1", [psychologist.id]), 0);
    });

    test('a lawyer on the case cannot bring in further colleagues', async () => {
      // On the case whether or not the test above ran: adding again in the same role changes nothing.
      assert.equal((await caseworker.staffPost(`${casePath}/assign`, { user: lawyerUser.id, role: 'lawyer' })).status, 303);
      const psychologist = await createStaff(t.db, { login: 'casepsych', roles: ['psychologist'] });
      const page = await lawyer.get(casePath);
      assert.equal(page.status, 200, 'the lawyer reads the case');
      assert.ok(!page.html.includes(`${casePath}/assign`), 'no form to add colleagues');
      const refused = await lawyer.staffPost(`${casePath}/assign`, { user: psychologist.id, role: 'psychologist' });
      assert.equal(refused.status, 404);
      assert.equal(await countRows(t.db, 'vault_keys', "principal_kind = 'user' and principal_ref = $1", [psychologist.id]), 0);
      assert.equal(await countRows(t.db, 'case_members', 'user_id = $1', [psychologist.id]), 0);
    });

    test('closing asks for a ticked box: without it nothing changes; a lawyer on the case cannot close it', async () => {
      const page = await caseworker.get(casePath);
      const form = /<form[^>]*data-close-case[^>]*>([\s\S]*?)<\/form>/.exec(page.html)?.[1] ?? '';
      assert.match(form, /<input[^>]*type="checkbox"[^>]*name="confirm"[^>]*required/, 'the close form has a required confirmation box');
      assertShows(form, en('cases.close.confirm'), 'the close form');

      const unconfirmed = await caseworker.staffPost(`${casePath}/status`, { status: 'closed' });
      assert.equal(unconfirmed.location, `${casePath}?done=confirm`);
      assertShows(await caseworker.get(unconfirmed.location!), en('cases.close.unconfirmed'), 'the case page after an unconfirmed close');
      const [row] = await t.db.query<{ status: string }>('select status from cases where id = $1', [caseId]);
      assert.equal(row?.status, 'open', 'an unconfirmed close changes nothing');
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.status_changed' and subject_id = $1", [caseId]), 0);

      assert.equal((await lawyer.staffPost(`${casePath}/status`, { status: 'closed', confirm: 'yes' })).status, 404);
      assert.equal((await lawyer.staffPost(`${casePath}/status`, { status: 'closed' })).status, 404, 'no hint for someone who may not close it');
      assert.equal((await new Browser(t).post(`${casePath}/status`, { status: 'closed', confirm: 'yes' })).status, 403);
    });

    test('a closed case leaves the open lists and is found among the closed ones, then reopens', async () => {
      const closed = await caseworker.staffPost(`${casePath}/status`, { status: 'closed', confirm: 'yes' });
      assert.equal(closed.location, `${casePath}?done=closed`);
      const [row] = await t.db.query<{ status: string }>('select status from cases where id = $1', [caseId]);
      assert.equal(row?.status, 'closed');
      assertShows(await caseworker.get(casePath), en('cases.reopen'), 'the closed case page');

      const listed = async (browser: Browser, status: string, list: string) => {
        const page = await browser.get(`/staff/cases?status=${status}`);
        return caseRows({ ...page, html: listSection(page, list) }).map((r) => r.id);
      };
      assert.ok(!(await listed(caseworker, 'open', 'mine')).includes(caseId), 'not among the caseworker\'s open cases');
      assert.ok((await listed(caseworker, 'closed', 'mine')).includes(caseId), 'among the caseworker\'s closed cases');
      assert.ok(!(await listed(coordinator, 'open', 'all')).includes(caseId), 'not among all open cases');
      assert.ok((await listed(coordinator, 'closed', 'all')).includes(caseId), 'among all closed cases');
      assert.ok(!caseRows(await caseworker.get('/staff/cases')).some((r) => r.id === caseId), 'the default list shows open cases');
      assert.ok(!(await caseworker.get('/staff/cases?status=closed')).html.includes('data-list="all"'), 'only coordinators see every case');

      assert.equal((await caseworker.staffPost(`${casePath}/status`, { status: 'open' })).location, `${casePath}?done=reopened`);
      assert.ok((await listed(caseworker, 'open', 'mine')).includes(caseId), 'back among the open cases');
      assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.status_changed' and subject_id = $1", [caseId]), 2);
    });
  });
});
