import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyAudit } from '../../src/audit/log.ts';
import { confirmCoordinator } from '../../src/auth/confirm-coordinator.ts';
import {
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  personPost,
  startTestApp,
  submitHelp,
  type Page,
  type TestApp,
} from '../support/app.ts';

describe('test/audit/concurrent-writes.test.ts', () => {
  /**
   * Two coordinators reply to one request while the person writes and reads it, all at once. On
   * PostgreSQL the request's row lock and the audit chain's lock were once taken in opposite
   * orders, and such a moment deadlocked: server errors, and people's own messages rolled back.
   * The embedded database runs one transaction at a time and cannot show this.
   */
  const server = process.env.TEST_DATABASE_URL;
  const onServer = { skip: server ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): the embedded database has one connection and cannot deadlock' };

  const EACH = 60;
  let t: TestApp;

  before(async () => {
    if (server) t = await startTestApp();
  });
  after(() => t?.close());

  test('replies, person writes and status views on one request at once: no 5xx, nothing lost, the chain intact', onServer, async (ctx) => {
    const { admin } = await initialiseInstance(t.db);
    const colleague = await createStaff(t.db, { login: 'second-coordinator', roles: ['coordinator'] });
    assert.ok(await confirmCoordinator(t.db, admin.id, colleague.id), 'the colleague is confirmed before the request arrives');
    const { receipt, requestId } = await submitHelp(t, 'ru', { needs: ['housing'], story: 'at the same moment' });
    const coordinators = await Promise.all([loggedIn(t, admin), loggedIn(t, colleague)]);
    const messagesBefore = await countRows(t.db, 'messages', 'request_id = $1', [requestId]);
    const entriesBefore = (await verifyAudit(t.db)).entries;

    // Each visit of the person comes from an address of its own, as the status page limits each address.
    const replies = Array.from({ length: EACH }, (_, i) =>
      coordinators[i % 2]!.staffPost(`/staff/requests/${requestId}/reply`, { body: `reply ${i}` }),
    );
    const writes = Array.from({ length: EACH }, (_, i) => personPost(new Browser(t), 'ru', { action: 'write', receipt, body: `write ${i}` }));
    const views = Array.from({ length: EACH }, () => personPost(new Browser(t), 'ru', { action: 'open', receipt }));
    const started = Date.now();
    const [replied, written, viewed] = await Promise.all([Promise.all(replies), Promise.all(writes), Promise.all(views)]);
    ctx.diagnostic(`${3 * EACH} requests in ${Date.now() - started} ms`);

    const statuses = (pages: Page[]) => pages.map((page) => page.status);
    const serverErrors = [...replied, ...written, ...viewed].filter((page) => page.status >= 500).length;
    ctx.diagnostic(`server errors: ${serverErrors}`);
    assert.equal(serverErrors, 0, 'no answer is a server error');
    assert.deepEqual(new Set(statuses(replied)), new Set([303]), 'every reply is sent');
    assert.deepEqual(new Set(statuses(written)), new Set([200]), 'every message of the person is taken');
    assert.deepEqual(new Set(statuses(viewed)), new Set([200]), 'every view is shown');

    assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [requestId]), messagesBefore + 2 * EACH, 'every message is kept');
    const verdict = await verifyAudit(t.db);
    assert.deepEqual(verdict.problems, []);
    assert.ok(verdict.entries >= entriesBefore + 3 * EACH, `every action was audited (${verdict.entries - entriesBefore} entries)`);
    const replyEntries = await countRows(t.db, 'audit_events', "kind = 'request.replied' and subject_id = $1", [requestId]);
    assert.equal(replyEntries, EACH, 'one request.replied entry per reply');
  });
});
