import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Queryable } from '../../src/db/client.ts';
import { verifyAudit, type AuditVerdict } from '../../src/audit/log.ts';
import { translator } from '../../src/i18n/index.ts';
import {
  Browser,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  assertShows,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/audit/audit-log.test.ts', () => {
  const en = translator('en');
  let t: TestApp;
  let admin: StaffUser;
  let adminBrowser: Browser;
  const markers = {
    story: marker('story'),
    city: marker('city'),
    contact: marker('contact'),
    safeTimes: marker('safeTimes'),
    codeWord: marker('codeWord'),
    otherNeed: marker('otherNeed'),
    personMessage: marker('personMessage'),
    staffReply: marker('staffReply'),
    caseNote: marker('caseNote'),
  };
  let requestId: string;

  before(async () => {
    t = await startTestApp();
    ({ admin } = await initialiseInstance(t.db));
    const caseworker = await createStaff(t.db, { login: 'auditcw', roles: ['caseworker'] });
    const person = new Browser(t);
    const submitted = await submitHelp(person, 'ru', {
      needs: ['housing', 'other'],
      danger: 'yes',
      story: markers.story,
      city: markers.city,
      contact: markers.contact,
      safeTimes: markers.safeTimes,
      codeWord: markers.codeWord,
      otherNeed: markers.otherNeed,
    });
    requestId = submitted.requestId;
    assert.equal((await personPost(person, 'ru', { action: 'write', receipt: submitted.receipt, body: markers.personMessage })).status, 200);
    adminBrowser = await loggedIn(t, admin);
    assert.equal((await adminBrowser.staffPost(`/staff/requests/${requestId}/reply`, { body: markers.staffReply })).status, 303);
    const made = await adminBrowser.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
    assert.equal(made.status, 303);
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1];
    assert.ok(caseId, 'making the case redirects to its page');
    assert.equal((await adminBrowser.staffPost(`/staff/cases/${caseId}/notes`, { part: 'core', body: markers.caseNote })).status, 303);
  });

  after(() => t?.close());

  /** Tampers inside a transaction that is always rolled back, so every test starts from the real log. */
  async function verifyAfter(tamper: (tx: Queryable) => Promise<void>): Promise<AuditVerdict> {
    let verdict: AuditVerdict | undefined;
    await t.db
      .transaction(async (tx) => {
        await tamper(tx);
        verdict = await verifyAudit(tx);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    return verdict!;
  }
  class RolledBack extends Error {}

  async function lastSeq(tx: Queryable): Promise<number> {
    const [row] = await tx.query<{ seq: bigint }>('select max(seq) as seq from audit_events');
    return Number(row!.seq);
  }

  describe('the audit log', () => {
    test('an untouched log verifies, and the work above was recorded', async () => {
      const verdict = await verifyAudit(t.db);
      assert.deepEqual(verdict.problems, []);
      const kinds = (await t.db.query<{ kind: string }>('select kind from audit_events order by seq')).map((row) => row.kind);
      for (const kind of ['instance.initialised', 'request.received', 'login.succeeded', 'vault.decrypted', 'request.replied', 'case.created', 'case.assigned', 'vault.granted', 'case.note_added']) {
        assert.ok(kinds.includes(kind), `the log records ${kind}`);
      }
      assert.equal(verdict.entries, kinds.length);
    });

    test('an entry whose detail was edited is reported where it happened', async () => {
      const verdict = await verifyAfter(async (tx) => {
        await tx.query(`update audit_events set detail = '{"userId":null,"reason":"password"}' where seq = 3`);
      });
      assert.deepEqual(verdict.problems, [{ seq: 3, problem: 'edited' }]);
    });

    test('an entry whose actor or kind was changed is reported', async () => {
      const actor = await verifyAfter(async (tx) => {
        await tx.query('update audit_events set actor_user_id = null where seq = (select min(seq) from audit_events where actor_user_id is not null)');
      });
      assert.equal(actor.problems.length, 1);
      assert.equal(actor.problems[0]!.problem, 'edited');
      const kind = await verifyAfter(async (tx) => {
        await tx.query("update audit_events set kind = 'logout' where kind = 'vault.decrypted'");
      });
      assert.ok(kind.problems.length > 0 && kind.problems.every((p) => p.problem === 'edited'), JSON.stringify(kind.problems));
    });

    test('a deleted entry in the middle breaks the chain at the next one', async () => {
      const verdict = await verifyAfter(async (tx) => {
        await tx.query('delete from audit_events where seq = 4');
      });
      assert.deepEqual(verdict.problems, [
        { seq: 5, problem: 'sequence_gap' },
        { seq: 5, problem: 'chain_broken' },
      ]);
    });

    test('a forged entry appended at the end is reported', async () => {
      const verdict = await verifyAfter(async (tx) => {
        const seq = await lastSeq(tx);
        const [last] = await tx.query<{ hash: Uint8Array }>('select hash from audit_events where seq = $1', [seq]);
        await tx.query(
          `insert into audit_events (seq, at, actor_user_id, kind, subject_id, detail, prev_hash, hash)
         values ($1, now(), null, 'vault.granted', null, '{}', $2, $3)`,
          [seq + 1, last!.hash, randomBytes(32)],
        );
      });
      const seq = await lastSeq(t.db);
      assert.deepEqual(verdict.problems, [{ seq: seq + 1, problem: 'edited' }]);
    });

    test('a forged entry slipped in between two others is reported', async () => {
      const verdict = await verifyAfter(async (tx) => {
        // Make room after entry 5 (two steps: the key is checked row by row).
        await tx.query('update audit_events set seq = -seq where seq > 5');
        await tx.query('update audit_events set seq = -seq + 1 where seq < 0');
        const [fifth] = await tx.query<{ hash: Uint8Array }>('select hash from audit_events where seq = 5');
        await tx.query(
          `insert into audit_events (seq, at, actor_user_id, kind, subject_id, detail, prev_hash, hash)
         values (6, now(), null, 'vault.granted', null, '{}', $1, $2)`,
          [fifth!.hash, randomBytes(32)],
        );
      });
      assert.ok(verdict.problems.some((p) => p.seq === 6 && p.problem === 'edited'), JSON.stringify(verdict.problems));
      assert.ok(verdict.problems.some((p) => p.seq === 7 && p.problem === 'chain_broken'), JSON.stringify(verdict.problems));
    });

    test('entries carry ids and codes, never what the person or the team wrote', async () => {
      const rows = await t.db.query('select * from audit_events');
      const dump = JSON.stringify(rows, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : typeof value === 'bigint' ? value.toString() : value,
      );
      for (const [field, value] of Object.entries(markers)) {
        assert.ok(!dump.includes(value), `the audit log contains the ${field}`);
        assert.ok(!dump.includes(Buffer.from(value).toString('hex')), `the audit log contains the ${field} as hex`);
      }
      // ...and not the address the person wrote from.
      assert.ok(!dump.includes('192.0.2.'), 'the audit log contains an address of the public');
    });

    test('every opening of a request by the team is recorded, with who and which vault', async () => {
      const [vault] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [requestId]);
      const count = async () =>
        (await t.db.query("select 1 from audit_events where kind = 'vault.decrypted' and actor_user_id = $1 and subject_id = $2", [admin.id, vault!.vault_id])).length;
      const before = await count();
      assert.equal((await adminBrowser.get(`/staff/requests/${requestId}`)).status, 200);
      assert.equal(await count(), before + 1);
    });

    test('the administrator\'s audit page says whether the chain is intact', async () => {
      const intact = await adminBrowser.get('/staff/audit');
      assert.equal(intact.status, 200);
      const verdict = await verifyAudit(t.db);
      assertShows(intact, en('auth.audit.ok', { count: verdict.entries }), 'the audit page');
      // ...and its count and head, to be kept somewhere else.
      assertShows(intact, en('auth.audit.head', { count: verdict.entries, n: verdict.head!.seq }), 'the audit page');
      assertShows(intact, verdict.head!.hash, 'the audit page');
      // On a phone the table scrolls sideways: a keyboard must reach it, and a screen reader name it.
      const wrapper = /<div\b([^>]*)>\s*<table\b/.exec(intact.html)?.[1] ?? '';
      assert.match(wrapper, /\btabindex="0"/, 'the table\'s scrolling box takes focus');
      assert.match(wrapper, /\brole="region"/, 'it is a region');
      assert.ok(wrapper.includes(`aria-label="${en('auth.audit.table')}"`), `it is named: ${wrapper}`);
      // This last test tampers for real: the page must now say so.
      await t.db.query("update audit_events set detail = '{}' where seq = 2");
      const broken = await adminBrowser.get('/staff/audit');
      assert.equal(broken.status, 200);
      assertShows(broken, en('auth.audit.broken', { count: 1 }), 'the audit page after tampering');
    });
  });
});
