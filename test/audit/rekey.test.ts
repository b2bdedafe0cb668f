import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Db, Queryable } from '../../src/db/client.ts';
import { appendAudit, rekeyLegacyAuditChain, verifyAudit } from '../../src/audit/log.ts';
import { GENESIS, legacyHash } from '../../src/audit/chain.ts';
import { openTestDb } from '../support/db.ts';

describe('test/audit/rekey.test.ts', () => {
  /** Upgrading a chain written with the first rule (plain SHA-256) to the keyed one. */
  let shared: Db;
  before(async () => {
    shared = await openTestDb();
  });
  after(() => shared?.close());
  // One database for the file (a fresh one costs seconds); each test starts from an empty log.
  beforeEach(() => shared.query('delete from audit_events'));

  async function freshDb(): Promise<Db> {
    return shared;
  }

  const actor = randomUUID();

  /** Writes entries exactly as the first version of Beside did. */
  async function writeLegacyEntries(db: Queryable, count: number): Promise<void> {
    let prevHash: Uint8Array = GENESIS;
    for (let i = 1; i <= count; i += 1) {
      const entry = {
        seq: BigInt(i),
        at: new Date(Date.UTC(2025, 0, 1, 12, 0, i, 7)),
        actorUserId: i === 1 ? null : actor,
        kind: i === 1 ? 'instance.initialised' : 'request.replied',
        subjectId: i === 1 ? null : randomUUID(),
        detail: i === 1 ? '{}' : JSON.stringify({ requestId: 'x' }),
        prevHash,
      };
      const hash = legacyHash(entry);
      await db.query(
        'insert into audit_events (seq, at, actor_user_id, kind, subject_id, detail, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        [entry.seq, entry.at, entry.actorUserId, entry.kind, entry.subjectId, entry.detail, prevHash, hash],
      );
      prevHash = hash;
    }
  }

  async function snapshot(db: Queryable) {
    return db.query('select * from audit_events order by seq');
  }

  describe('rekeyLegacyAuditChain', () => {
    test('an empty log, or one already keyed, is left as it is', async () => {
      const db = await freshDb();
      assert.deepEqual(await rekeyLegacyAuditChain(db), { outcome: 'unchanged', entries: 0 });
      await appendAudit(db, null, { kind: 'instance.initialised' });
      const before = await snapshot(db);
      assert.deepEqual(await rekeyLegacyAuditChain(db), { outcome: 'unchanged', entries: 1 });
      assert.deepEqual(await snapshot(db), before);
    });

    test('an intact legacy chain is rekeyed in place and the upgrade is recorded', async () => {
      const db = await freshDb();
      await writeLegacyEntries(db, 5);
      const legacyHead = Buffer.from((await db.query<{ hash: Uint8Array }>('select hash from audit_events where seq = 5'))[0]!.hash).toString('hex');
      const before = await db.query('select seq, at, actor_user_id, kind, subject_id, detail from audit_events order by seq');
      assert.equal((await verifyAudit(db)).problems.length, 5, 'the keyed rule does not accept the old chain');

      const outcome = await rekeyLegacyAuditChain(db);
      assert.equal(outcome.outcome, 'rekeyed');
      const verdict = await verifyAudit(db);
      assert.deepEqual(verdict.problems, []);
      assert.equal(verdict.entries, 6);
      assert.deepEqual(outcome, { outcome: 'rekeyed', entries: 6, rekeyed: 5, head: verdict.head });
      // Every column but the hashes is as it was, and the new last entry says what happened.
      assert.deepEqual(await db.query('select seq, at, actor_user_id, kind, subject_id, detail from audit_events where seq <= 5 order by seq'), before);
      const [last] = await db.query<{ kind: string; detail: string; actor_user_id: string | null }>('select kind, detail, actor_user_id from audit_events where seq = 6');
      assert.deepEqual(last, { kind: 'audit.rekeyed', detail: JSON.stringify({ entries: 5, legacyHead }), actor_user_id: null });

      assert.deepEqual(await rekeyLegacyAuditChain(db), { outcome: 'unchanged', entries: 6 }, 'a second run changes nothing');
    });

    test('a legacy chain followed by entries already keyed is rekeyed whole', async () => {
      const db = await freshDb();
      await writeLegacyEntries(db, 3);
      await db.transaction(async (tx) => {
        await appendAudit(tx, actor, { kind: 'login.succeeded', userId: actor });
        await appendAudit(tx, actor, { kind: 'logout', userId: actor });
      });
      const outcome = await rekeyLegacyAuditChain(db);
      assert.equal(outcome.outcome, 'rekeyed');
      assert.equal(outcome.outcome === 'rekeyed' && outcome.rekeyed, 3);
      const verdict = await verifyAudit(db);
      assert.deepEqual(verdict.problems, []);
      assert.equal(verdict.entries, 6);
    });

    test('a broken legacy chain is refused, says so, and is left exactly as it was', async () => {
      const db = await freshDb();
      await writeLegacyEntries(db, 4);
      await db.query(`update audit_events set detail = '{"requestId":"y"}' where seq = 3`);
      const before = await snapshot(db);
      const outcome = await rekeyLegacyAuditChain(db);
      assert.equal(outcome.outcome, 'refused');
      assert.ok(outcome.outcome === 'refused');
      assert.deepEqual(outcome.problems, [{ seq: 3, problem: 'edited' }]);
      assert.match(outcome.message, /chain is broken.*entry #3: edited/);
      assert.deepEqual(await snapshot(db), before);
      assert.ok((await verifyAudit(db)).problems.length > 0, 'audit verify still reports it');
    });

    test('old entries after keyed ones are refused: the old rule only ever comes first', async () => {
      const db = await freshDb();
      await appendAudit(db, null, { kind: 'instance.initialised' });
      const [head] = await db.query<{ hash: Uint8Array }>('select hash from audit_events where seq = 1');
      const entry = { seq: 2n, at: new Date(), actorUserId: null, kind: 'backup.created', subjectId: null, detail: '{}', prevHash: head!.hash };
      await db.query(
        'insert into audit_events (seq, at, actor_user_id, kind, subject_id, detail, prev_hash, hash) values ($1, $2, null, $3, null, $4, $5, $6)',
        [entry.seq, entry.at, entry.kind, entry.detail, entry.prevHash, legacyHash(entry)],
      );
      const outcome = await rekeyLegacyAuditChain(db);
      assert.equal(outcome.outcome, 'refused');
    });
  });
});
