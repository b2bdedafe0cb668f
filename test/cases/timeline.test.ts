import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertNotShows,
  assertShows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  submitHelp,
  type Browser,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/timeline.test.ts', () => {
  /**
   * The case timeline through its page: everything in order, and for each viewer only what their
   * role on the case lets them read. Items of a part they cannot read do not appear at all.
   */
  let t: TestApp;
  type Who = 'coordinator' | 'caseworker' | 'psychologist' | 'lawyer' | 'outsider' | 'admin' | 'editor';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;
  let caseId: string;
  let requestId: string;
  const text = {
    story: marker('story'),
    core: marker('core-note'),
    psych: marker('psych-note'),
    legal: marker('legal-note'),
    reply: marker('reply'),
    referral: marker('referral-note'),
  };

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'], displayName: 'Casey Worker' }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'], displayName: 'Dr Psy' }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'], displayName: 'Law Yer' }),
      outsider: await createStaff(t.db, { login: 'outsider', roles: ['caseworker', 'psychologist', 'lawyer'] }),
      admin: await createStaff(t.db, { login: 'admin2', roles: ['administrator', 'coordinator'] }),
      editor: await createStaff(t.db, { login: 'editor', roles: ['editor'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);

    ({ requestId } = await submitHelp(t, 'ru', { needs: ['psychological', 'legal'], story: text.story, danger: 'no' }));
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    for (const [who, role] of [['psychologist', 'psychologist'], ['lawyer', 'lawyer']] as const) {
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users[who].id, role })).status, 303);
    }
    const ok = async (page: Promise<{ status: number }>, what: string) => assert.equal((await page).status, 303, what);
    await ok(browsers.caseworker.staffPost(`/staff/cases/${caseId}/notes`, { part: 'core', body: text.core }), 'core note');
    await ok(browsers.psychologist.staffPost(`/staff/cases/${caseId}/tracks/psych`, {}), 'psych track');
    await ok(browsers.psychologist.staffPost(`/staff/cases/${caseId}/notes`, { part: 'psych', body: text.psych }), 'psych note');
    await ok(browsers.psychologist.staffPost(`/staff/cases/${caseId}/psych/sessions`, { date: '2026-11-30', minutes: '50', form: 'video' }), 'session');
    await ok(browsers.lawyer.staffPost(`/staff/cases/${caseId}/notes`, { part: 'legal', body: text.legal }), 'legal note');
    await ok(browsers.caseworker.staffPost(`/staff/requests/${requestId}/reply?back=case`, { body: text.reply }), 'reply');
    await ok(browsers.coordinator.staffPost('/staff/directory/new', { kind: 'psychologist', name: 'Dr Directory', languages: 'ru', city: '', friendly: 'yes', capacity: '3', contact: 'x' }), 'entry');
    const [entry] = await t.db.query<{ id: string }>('select id from directory_entries');
    await ok(browsers.caseworker.staffPost(`/staff/cases/${caseId}/referrals`, { entry: entry!.id, note: text.referral }), 'referral');
  });

  after(() => t?.close());

  const timeline = (who: Who, query = '') => browsers[who].get(`/staff/cases/${caseId}/timeline${query}`);

  function positions(html: string, needles: string[]): number[] {
    return needles.map((needle) => {
      const at = html.indexOf(needle);
      assert.ok(at >= 0, `${needle} is on the timeline`);
      return at;
    });
  }

  test('the caseworker sees the case’s story in order: opening, team, notes, the reply, the referral', async () => {
    const page = await timeline('caseworker');
    assert.equal(page.status, 200);
    const order = positions(page.html, ['The help request was received', 'opened the case', 'to the team as psychologist', text.core, text.legal, text.reply, text.referral]);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'oldest first');
    assertShows(page, 'Dr Directory');
    assertShows(page, 'opened the track Psychological help', 'a track the core reader sees');
  });

  test('psychological notes and sessions do not appear, even without content, to anyone but the psychologist', async () => {
    for (const who of ['caseworker', 'coordinator', 'lawyer'] as const) {
      const page = await timeline(who);
      assert.equal(page.status, 200, who);
      assertNotShows(page, text.psych, `${who}'s timeline`);
      assert.ok(!page.html.includes('data-kind="psych"'), `${who}: no trace of a psychological note`);
      assertNotShows(page, 'session logged', `${who}'s timeline`);
    }
    const psych = await timeline('psychologist');
    assertShows(psych, text.psych, 'the psychologist’s timeline');
    assertShows(psych, 'Psychological help: session logged', 'the session, in words');
    assertNotShows(psych, text.core, 'the psychologist reads no core');
    assertNotShows(psych, text.legal, 'nor legal');
    assertNotShows(psych, text.reply, 'nor the conversation');
    assertNotShows(psych, text.referral, 'nor referrals');
  });

  test('the lawyer sees the legal part and the team, nothing of the core or psych parts', async () => {
    const page = await timeline('lawyer');
    assertShows(page, text.legal);
    assertShows(page, 'to the team as lawyer', 'team changes belong to the whole team');
    for (const hidden of [text.core, text.story, text.reply, text.referral, 'Dr Directory', 'opened the track Psychological help', 'The help request was received']) {
      assertNotShows(page, hidden, 'the lawyer’s timeline');
    }
    // The coordinator on the case reads the core, not the legal part.
    const coordinator = await timeline('coordinator');
    assertShows(coordinator, text.core);
    assertNotShows(coordinator, text.legal, 'the coordinator’s timeline');
  });

  test('the timeline can be searched by who holds the vaults, over what they read', async () => {
    const found = await timeline('caseworker', `?q=${encodeURIComponent(text.legal)}`);
    assertShows(found, text.legal);
    assertNotShows(found, text.core);
    assertNotShows(await timeline('lawyer', `?q=${encodeURIComponent(text.core.slice(0, 12))}`), text.core, 'a search finds nothing the viewer cannot read');
  });

  test('without access: someone not on the case, an administrator without a grant, an editor, a bad id: 404', async () => {
    for (const who of ['outsider', 'admin', 'editor'] as const) {
      const page = await timeline(who);
      assert.equal(page.status, 404, who);
      assertNotShows(page, text.core, who);
    }
    assert.equal((await browsers.caseworker.get('/staff/cases/not-a-uuid/timeline')).status, 404);
    assert.equal((await browsers.caseworker.get('/staff/cases/00000000-0000-4000-8000-000000000000/timeline')).status, 404);
  });

  test('the case page links to its timeline', async () => {
    const page = await browsers.caseworker.get(`/staff/cases/${caseId}`);
    assert.ok(page.html.includes(`href="/staff/cases/${caseId}/timeline"`));
  });
});
