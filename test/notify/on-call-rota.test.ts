import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, countRows, createStaff, initialiseInstance, loggedIn, startTestApp, submitHelp, type Instance, type StaffUser, type TestApp } from '../support/app.ts';
import { utcLocal } from './fixture.ts';

describe('test/notify/on-call-rota.test.ts', () => {
  /** The on-call page and its forms, without SMTP: who may see and change what. */
  let t: TestApp;
  let instance: Instance;
  let coordinator: StaffUser;
  let unconfirmed: StaffUser;
  let caseworker: StaffUser;

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    coordinator = await createStaff(t.db, { login: 'rota-coord', roles: ['coordinator'], displayName: 'Rota Coordinator' });
    unconfirmed = await createStaff(t.db, { login: 'rota-new', roles: ['coordinator'], confirmed: false, displayName: 'New Coordinator' });
    caseworker = await createStaff(t.db, { login: 'rota-worker', roles: ['caseworker', 'administrator'], displayName: 'Case Worker' });
  });

  after(() => t?.close());

  const hour = 3600_000;
  const shiftFor = (userId: string, fromHours = 1, toHours = 5) => ({
    user: userId,
    start: utcLocal(new Date(Date.now() + fromHours * hour)),
    end: utcLocal(new Date(Date.now() + toHours * hour)),
    zone: 'UTC',
  });

  async function shiftIdOf(userId: string): Promise<string> {
    const [row] = await t.db.query<{ id: string }>('select id from on_call_shifts where user_id = $1 order by created_at desc limit 1', [userId]);
    return row!.id;
  }

  test('without SMTP the on-call page says plainly that alerts cannot be sent', async () => {
    const page = await (await loggedIn(t, coordinator)).get('/staff/on-call');
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('data-no-smtp'));
    assert.ok(page.html.includes('alerts cannot be sent by e-mail'));
  });

  test('a confirmed coordinator adds a shift in a named zone, sees it with its zone, and removes it', async () => {
    const browser = await loggedIn(t, coordinator);
    // 22:00 in Moscow is 19:00 UTC, 20:00 in Amsterdam in winter.
    const added = await browser.staffPost('/staff/on-call/shifts', { user: coordinator.id, start: '2099-01-15T22:00', end: '2099-01-16T06:00', zone: 'Europe/Moscow' });
    assert.equal(added.status, 303);
    const [row] = await t.db.query<{ starts_at: Date; ends_at: Date; id: string }>('select id, starts_at, ends_at from on_call_shifts where user_id = $1', [coordinator.id]);
    assert.equal(row!.starts_at.toISOString(), '2099-01-15T19:00:00.000Z');
    assert.equal(row!.ends_at.toISOString(), '2099-01-16T03:00:00.000Z');
    const page = await browser.get('/staff/on-call?done=added');
    assert.ok(page.html.includes('Shift added.'));
    assert.ok(page.html.includes(`data-shift="${row!.id}"`));
    assert.match(page.html, /Jan 15, 2099,? 8:00\s?PM (CET|GMT\+1)</, 'shown in the association’s zone, which it names');
    assert.ok(page.html.includes('no address for alerts'), 'a shift whose person cannot be reached says so');

    const removed = await browser.staffPost(`/staff/on-call/shifts/${row!.id}/remove`);
    assert.equal(removed.status, 303);
    assert.equal(await countRows(t.db, 'on_call_shifts', 'id = $1', [row!.id]), 0);
    assert.equal(await countRows(t.db, 'audit_events', "kind in ('on_call.shift_added', 'on_call.shift_removed') and subject_id = $1", [coordinator.id]), 2);
  });

  test('only a confirmed coordinator can be put on call, and a shift must end after it starts', async () => {
    const browser = await loggedIn(t, coordinator);
    for (const userId of [unconfirmed.id, caseworker.id]) {
      const refused = await browser.staffPost('/staff/on-call/shifts', shiftFor(userId));
      assert.equal(refused.status, 400);
      assert.ok(refused.html.includes('Choose a confirmed coordinator.'));
    }
    const backwards = await browser.staffPost('/staff/on-call/shifts', shiftFor(coordinator.id, 5, 1));
    assert.equal(backwards.status, 400);
    assert.ok(backwards.html.includes('after it starts'));
    const garbled = await browser.staffPost('/staff/on-call/shifts', { user: coordinator.id, start: 'tomorrow', end: '2099-02-30T10:00', zone: 'Mars/Olympus' });
    assert.equal(garbled.status, 400);
    const past = await browser.staffPost('/staff/on-call/shifts', shiftFor(coordinator.id, -5, -1));
    assert.equal(past.status, 400);
    assert.ok(past.html.includes('already ended'));
    assert.equal(await countRows(t.db, 'on_call_shifts', 'user_id <> $1 or ends_at < now()', [coordinator.id]), 0);
  });

  test('a non-coordinator finds no on-call page and can change nothing on it', async () => {
    const boss = await loggedIn(t, instance.admin);
    assert.equal((await boss.staffPost('/staff/on-call/shifts', shiftFor(instance.admin.id))).status, 303);
    const shiftId = await shiftIdOf(instance.admin.id);
    const { requestId } = await submitHelp(t, 'en', { needs: ['evacuation'], danger: 'yes' });
    const [alert] = await t.db.query<{ id: string }>('select id from urgent_alerts where request_id = $1', [requestId]);

    const worker = await loggedIn(t, caseworker);
    assert.equal((await worker.get('/staff/on-call')).status, 404);
    const posts = await Promise.all([
      worker.staffPost('/staff/on-call/shifts', shiftFor(caseworker.id)),
      worker.staffPost(`/staff/on-call/shifts/${shiftId}/remove`),
      worker.staffPost('/staff/on-call/address', { email: 'worker@example.org' }),
      worker.staffPost(`/staff/alerts/${alert!.id}/acknowledge`),
    ]);
    assert.deepEqual(posts.map((page) => page.status), [404, 404, 404, 404]);

    const visitor = new Browser(t);
    const anonymous = await visitor.get('/staff/on-call');
    assert.equal(anonymous.status, 303);
    assert.ok(anonymous.location?.startsWith('/staff/login'));
    assert.equal((await visitor.post(`/staff/alerts/${alert!.id}/acknowledge`, {})).status, 403);

    assert.equal(await countRows(t.db, 'on_call_shifts', 'id = $1', [shiftId]), 1);
    assert.equal(await countRows(t.db, 'on_call_addresses', 'user_id = $1', [caseworker.id]), 0);
    assert.equal(await countRows(t.db, 'urgent_alerts', 'id = $1 and acknowledged_at is null', [alert!.id]), 1);
  });

  test('a coordinator nobody has confirmed reads the rota but cannot change it or take an alert', async () => {
    const boss = await loggedIn(t, instance.admin);
    assert.equal((await boss.staffPost('/staff/on-call/shifts', shiftFor(instance.admin.id, 10, 12))).status, 303);
    const shiftId = await shiftIdOf(instance.admin.id);
    const { requestId } = await submitHelp(t, 'ru', { needs: ['evacuation'], danger: 'yes' });
    const [alert] = await t.db.query<{ id: string }>('select id from urgent_alerts where request_id = $1', [requestId]);

    const newcomer = await loggedIn(t, unconfirmed);
    const page = await newcomer.get('/staff/on-call');
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('must confirm you as a coordinator'));
    assert.ok(!page.html.includes('action="/staff/on-call/shifts"'), 'no form the route would refuse');
    assert.equal((await newcomer.staffPost('/staff/on-call/shifts', shiftFor(unconfirmed.id))).status, 404);
    assert.equal((await newcomer.staffPost('/staff/on-call/shifts', shiftFor(coordinator.id))).status, 404);
    assert.equal((await newcomer.staffPost(`/staff/on-call/shifts/${shiftId}/remove`)).status, 404);
    assert.equal((await newcomer.staffPost(`/staff/alerts/${alert!.id}/acknowledge`)).status, 404);
    assert.equal(await countRows(t.db, 'on_call_shifts', 'id = $1', [shiftId]), 1);
    assert.equal(await countRows(t.db, 'on_call_shifts', 'user_id in ($1, $2) and created_by = $1', [unconfirmed.id, coordinator.id]), 0);
    assert.equal(await countRows(t.db, 'urgent_alerts', 'id = $1 and acknowledged_at is null', [alert!.id]), 1);
  });

  test('a missing alert or shift answers 404 like a forbidden one', async () => {
    const browser = await loggedIn(t, coordinator);
    const missing = '00000000-0000-4000-8000-000000000000';
    assert.equal((await browser.staffPost(`/staff/alerts/${missing}/acknowledge`)).status, 404);
    assert.equal((await browser.staffPost(`/staff/on-call/shifts/${missing}/remove`)).status, 404);
    assert.equal((await browser.staffPost('/staff/alerts/not-a-uuid/acknowledge')).status, 404);
  });

  test('each coordinator sets their own address; a wrong one is refused, an empty one removes it', async () => {
    const browser = await loggedIn(t, coordinator);
    const wrong = await browser.staffPost('/staff/on-call/address', { email: 'not an address' });
    assert.equal(wrong.status, 400);
    assert.ok(wrong.html.includes('such as name@example.org'));
    assert.equal(await countRows(t.db, 'on_call_addresses', 'user_id = $1', [coordinator.id]), 0);
    assert.equal((await browser.staffPost('/staff/on-call/address', { email: ' rota@example.org ' })).status, 303);
    const [row] = await t.db.query<{ email: string }>('select email from on_call_addresses where user_id = $1', [coordinator.id]);
    assert.equal(row!.email, 'rota@example.org');
    assert.ok((await browser.get('/staff/on-call')).html.includes('value="rota@example.org"'));
    // The form sets the signed-in person's address only: a user field is ignored.
    assert.equal((await browser.staffPost('/staff/on-call/address', { email: 'other@example.org', user: instance.admin.id })).status, 303);
    assert.equal(await countRows(t.db, 'on_call_addresses', 'user_id = $1', [instance.admin.id]), 0);
    assert.equal((await browser.staffPost('/staff/on-call/address', { email: '' })).status, 303);
    assert.equal(await countRows(t.db, 'on_call_addresses', 'user_id = $1', [coordinator.id]), 0);
  });
});
