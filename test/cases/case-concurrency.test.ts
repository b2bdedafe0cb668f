import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  type Instance,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/case-concurrency.test.ts', () => {
  /**
   * Several people acting on one request or one case at the same moment, on a PostgreSQL server
   * (the embedded database has one connection and cannot show a deadlock). Rotations take a vault
   * exclusively while people are writing into it: nothing may fail with a server error and nothing
   * written may be lost or left under a key nobody holds.
   */
  const server = process.env.TEST_DATABASE_URL;
  let t: TestApp;
  let instance: Instance;

  before(async () => {
    if (!server) return;
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
  });

  after(() => t?.close());

  const fiveHundreds = (statuses: number[]) => statuses.filter((status) => status >= 500);

  test('making a case while the team replies and the person writes loses nothing', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const caseworker = await createStaff(t.db, { login: 'cc-worker', roles: ['caseworker'] });
    const coordinator = await loggedIn(t, instance.admin);
    const { requestId, receipt } = await submitHelp(t, 'ru', { needs: ['housing'], story: 'concurrent' });
    const replies = Array.from({ length: 12 }, (_, i) => marker(`reply-${i}`));
    const writes = Array.from({ length: 12 }, (_, i) => marker(`write-${i}`));
    const results = await Promise.all([
      ...replies.map((body) => coordinator.staffPost(`/staff/requests/${requestId}/reply`, { body })),
      ...writes.map((body) => personPost(new Browser(t), 'ru', { action: 'write', receipt, body })),
      coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id }),
    ]);
    assert.deepEqual(fiveHundreds(results.map((page) => page.status)), []);
    const made = results.at(-1)!;
    assert.equal(made.status, 303);
    const casePath = made.location!.split('?')[0]!;
    const accepted = results.slice(0, replies.length).filter((page) => page.status === 303).length;
    assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), accepted + writes.length, 'every accepted message kept');
    // Everything is readable by the team under the conversation's new key.
    const page = await (await loggedIn(t, caseworker)).get(casePath);
    for (const body of writes) assert.ok(page.html.includes(body), `the person's ${body} reads after the rotation`);
    assert.ok(!page.html.includes('could not be verified'));
  });

  test('notes, needs and a colleague taken off the case at the same moment', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const caseworker = await createStaff(t.db, { login: 'cc-worker2', roles: ['caseworker'] });
    const lawyer = await createStaff(t.db, { login: 'cc-lawyer', roles: ['lawyer'] });
    const coordinator = await loggedIn(t, instance.admin);
    const { requestId } = await submitHelp(t, 'ru', { needs: ['legal', 'housing'], story: 'concurrent case' });
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
    const casePath = made.location!.split('?')[0]!;
    const worker = await loggedIn(t, caseworker);
    assert.equal((await worker.staffPost(`${casePath}/assign`, { user: lawyer.id, role: 'lawyer' })).status, 303);
    const notes = Array.from({ length: 10 }, (_, i) => marker(`note-${i}`));
    const results = await Promise.all([
      ...notes.map((body, i) => worker.staffPost(`${casePath}/notes`, { body, part: i % 2 ? 'legal' : 'core' })),
      ...Array.from({ length: 6 }, (_, i) => worker.staffPost(`${casePath}/needs`, { need: 'housing', status: i % 2 ? 'done' : 'in_progress' })),
      worker.staffPost(`${casePath}/remove`, { user: lawyer.id }),
      worker.get(casePath),
    ]);
    assert.deepEqual(fiveHundreds(results.map((page) => page.status)), []);
    const page = await worker.get(casePath);
    for (const note of notes) assert.ok(page.html.includes(note), `${note} kept and readable after the rotation`);
    assert.equal(await countRows(t.db, 'case_members', 'user_id = $1', [lawyer.id]), 0);
  });
});
