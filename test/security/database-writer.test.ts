import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from '../../src/crypto/primitives.ts';
import { translator } from '../../src/i18n/index.ts';

const en = translator('en');
import {
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
  type Browser,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

/**
 * Someone who can write to the database (it may live on another host) but cannot read the
 * instance secret, which lives outside it. They must not become a reader, and what they change
 * must show, not pass silently.
 */
let t: TestApp;
let instance: Instance;
let coordinator: Browser;
let colleague: StaffUser;

before(async () => {
  t = await startTestApp();
  instance = await initialiseInstance(t.db);
  coordinator = await loggedIn(t, instance.admin);
  colleague = await createStaff(t.db, { login: 'colleague', roles: ['coordinator'] });
});

after(() => t?.close());

async function sealedTo(requestId: string): Promise<string[]> {
  const rows = await t.db.query<{ who: string }>(
    `select k.principal_kind || ':' || k.principal_ref as who from vault_keys k
     join help_requests r on r.vault_id = k.vault_id where r.id = $1 order by 1`,
    [requestId],
  );
  return rows.map((row) => row.who);
}

async function rejections(): Promise<number> {
  return countRows(t.db, 'audit_events', "kind = 'key.rejected'");
}

describe('a database writer cannot make themselves a reader', () => {
  test('a user\'s public key swapped in the database is refused: nothing is sealed to it', async () => {
    const attacker = generateKeyPair();
    const [original] = await t.db.query<{ public_key: Uint8Array; public_key_tag: Uint8Array }>('select public_key, public_key_tag from users where id = $1', [colleague.id]);
    await t.db.query('update users set public_key = $2 where id = $1', [colleague.id, attacker.publicKey]);
    const before = await rejections();
    try {
      const { requestId } = await submitHelp(t, 'ru', { needs: ['housing'], story: 'after the swap' });
      const holders = await sealedTo(requestId);
      assert.ok(!holders.includes(`user:${colleague.id}`), 'not sealed to the swapped key');
      assert.ok(holders.includes(`user:${instance.admin.id}`), 'still sealed to the others');
      assert.ok(holders.includes('recovery:organisation') && holders.some((who) => who.startsWith('receipt:')), 'and to the recovery key and the receipt');
      assert.ok((await rejections()) > before, 'the refusal is in the audit log');
      // The swapped row would have let the writer read: the same test with a key tag copied along fails too.
      const [row] = await t.db.query<{ public_key_tag: Uint8Array }>('select public_key_tag from users where id = $1', [instance.admin.id]);
      await t.db.query('update users set public_key_tag = $2 where id = $1', [colleague.id, row!.public_key_tag]);
      const again = await submitHelp(t, 'ru', { needs: ['housing'], story: 'tag copied from another user' });
      assert.ok(!(await sealedTo(again.requestId)).includes(`user:${colleague.id}`));
    } finally {
      await t.db.query('update users set public_key = $2, public_key_tag = $3 where id = $1', [colleague.id, original!.public_key, original!.public_key_tag]);
    }
  });

  test('the recovery public key swapped in the database is refused too', async () => {
    const attacker = generateKeyPair();
    const [original] = await t.db.query<{ recovery_public_key: Uint8Array }>('select recovery_public_key from instance');
    await t.db.query('update instance set recovery_public_key = $1', [attacker.publicKey]);
    const before = await rejections();
    try {
      const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'after the recovery swap' });
      const holders = await sealedTo(requestId);
      assert.ok(!holders.includes('recovery:organisation'), 'nothing sealed to the swapped recovery key');
      assert.ok(holders.includes(`user:${instance.admin.id}`), 'the request still reaches the coordinators');
      assert.ok((await rejections()) > before);
    } finally {
      await t.db.query('update instance set recovery_public_key = $1', [original!.recovery_public_key]);
    }
  });

  test('the check itself: with the keys left alone, everything is sealed as usual (the test above could fail)', async () => {
    const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'untouched' });
    const holders = await sealedTo(requestId);
    assert.ok(holders.includes('recovery:organisation') && holders.includes(`user:${instance.admin.id}`) && holders.includes(`user:${colleague.id}`));
  });
});

describe('changed metadata fails to open, and the page still renders', () => {
  test('a message whose author or date was changed shows "could not be verified"; the others still read', async () => {
    const story = marker('story');
    const { requestId, receipt } = await submitHelp(t, 'ru', { needs: ['legal'], story });
    const first = marker('first');
    const second = marker('second');
    const third = marker('third');
    for (const body of [first, second, third]) await personPost(coordinator, 'ru', { action: 'write', receipt, body });
    const messages = await t.db.query<{ id: string }>('select id from messages where request_id = $1 order by created_at', [requestId]);
    assert.equal(messages.length, 3);
    // The person's words made to look like the team's, and a message moved back a day.
    await t.db.query("update messages set author = 'staff', staff_user_id = $2 where id = $1", [messages[0]!.id, instance.admin.id]);
    await t.db.query("update messages set created_at = created_at - interval '1 day' where id = $1", [messages[1]!.id]);

    const page = await coordinator.get(`/staff/requests/${requestId}`);
    assert.equal(page.status, 200);
    assertShows(page, third, 'an untouched message');
    assertShows(page, story, 'the request itself');
    assertNotShows(page, first, 'the message whose author was changed');
    assertNotShows(page, second, 'the message whose date was changed');
    assert.equal(page.html.split(en('triage.unverified')).length - 1, 2, 'two messages could not be verified');

    const person = await personPost(coordinator, 'ru', { action: 'open', receipt });
    assert.equal(person.status, 200, 'the person\'s page renders too');
    assertShows(person, third, 'the person\'s page');
  });

  test('a note moved to another author or another part of the case fails to open', async () => {
    const caseworker = await createStaff(t.db, { login: 'writer-cw', roles: ['caseworker'] });
    const { requestId } = await submitHelp(t, 'ru', { needs: ['legal'], story: 'a case' });
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
    const casePath = made.location!.split('?')[0]!;
    const browser = await loggedIn(t, caseworker);
    const kept = marker('kept');
    const authored = marker('authored');
    const moved = marker('moved');
    for (const body of [kept, authored]) await browser.staffPost(`${casePath}/notes`, { body, part: 'core' });
    await browser.staffPost(`${casePath}/notes`, { body: moved, part: 'legal' });
    const caseId = casePath.split('/').pop()!;
    const notes = await t.db.query<{ id: string; part: string }>('select id, part from case_notes where case_id = $1 order by created_at', [caseId]);
    await t.db.query('update case_notes set author_id = $2 where id = $1', [notes[1]!.id, instance.admin.id]);
    // Moving the legal note into the core part (its vault column too) is what a writer would try.
    const [vaults] = await t.db.query<{ core_vault_id: string }>('select core_vault_id from cases where id = $1', [caseId]);
    await t.db.query("update case_notes set part = 'core', vault_id = $2 where id = $1", [notes[2]!.id, vaults!.core_vault_id]);

    const page = await browser.get(casePath);
    assert.equal(page.status, 200);
    assertShows(page, kept, 'the untouched note');
    assertNotShows(page, authored, 'the note with another author');
    assertNotShows(page, moved, 'the note moved to another part');
    assertShows(page, en('triage.unverified'), 'the page says what could not be verified');
  });
});
