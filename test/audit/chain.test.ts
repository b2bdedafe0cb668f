import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Db, Queryable } from '../../src/db/client.ts';
import { appendAudit, auditEntryHash, verifyAudit, type AuditVerdict } from '../../src/audit/log.ts';
import { checkChain, GENESIS, legacyHash, type EntryColumns } from '../../src/audit/chain.ts';
import { describeAnchor } from '../../src/cli/audit-verify.ts';
import { openTestDb } from '../support/db.ts';

describe('test/audit/chain.test.ts', () => {
  /**
   * The chain itself, through appendAudit and verifyAudit on a database of its own: what a
   * database writer without the instance secret can and cannot do to it.
   */
  let db: Db;
  const actor = randomUUID();
  const other = randomUUID();

  before(async () => {
    db = await openTestDb();
    await appendAudit(db, null, { kind: 'instance.initialised' });
    await db.transaction(async (tx) => {
      await appendAudit(tx, actor, { kind: 'login.succeeded', userId: actor });
      await appendAudit(tx, actor, { kind: 'vault.decrypted', vaultId: randomUUID(), purpose: 'request.read' });
    });
    for (let i = 0; i < 3; i += 1) await appendAudit(db, actor, { kind: 'request.replied', requestId: randomUUID() });
  });
  after(() => db?.close());

  class RolledBack extends Error {}

  /** Tampers inside a transaction that is always rolled back, so every test starts from the real log. */
  async function verifyAfter(tamper: (tx: Queryable) => Promise<void>, rule?: Parameters<typeof checkChain>[1]): Promise<AuditVerdict> {
    let verdict: AuditVerdict | undefined;
    await db
      .transaction(async (tx) => {
        await tamper(tx);
        verdict = rule ? await checkChain(tx, rule) : await verifyAudit(tx);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    return verdict!;
  }

  type Raw = EntryColumns & { hash: Uint8Array };

  async function rawEntries(tx: Queryable): Promise<Raw[]> {
    const rows = await tx.query<{ seq: bigint; at: Date; actor_user_id: string | null; kind: string; subject_id: string | null; detail: string; prev_hash: Uint8Array; hash: Uint8Array }>(
      'select * from audit_events order by seq',
    );
    return rows.map((row) => ({
      seq: row.seq,
      at: row.at,
      actorUserId: row.actor_user_id,
      kind: row.kind,
      subjectId: row.subject_id,
      detail: row.detail,
      prevHash: row.prev_hash,
      hash: row.hash,
    }));
  }

  /** What a database writer can do without the secret: rebuild every hash with plain SHA-256. */
  async function recomputePlainChain(tx: Queryable): Promise<void> {
    let prevHash: Uint8Array = GENESIS;
    for (const entry of await rawEntries(tx)) {
      const hash = legacyHash({ ...entry, prevHash });
      await tx.query('update audit_events set prev_hash = $2, hash = $3 where seq = $1', [entry.seq, prevHash, hash]);
      prevHash = hash;
    }
  }

  describe('the keyed audit chain', () => {
    test('an untouched chain verifies, with its count and head', async () => {
      const verdict = await verifyAudit(db);
      assert.deepEqual(verdict.problems, []);
      assert.equal(verdict.entries, 6);
      assert.equal(verdict.head?.seq, 6);
      assert.match(verdict.head?.hash ?? '', /^[0-9a-f]{64}$/);
      assert.equal(await auditEntryHash(db, 6), verdict.head?.hash);
      const seqs = await db.query<{ seq: unknown }>('select seq from audit_events order by seq');
      assert.deepEqual(
        seqs.map((row) => row.seq),
        [1n, 2n, 3n, 4n, 5n, 6n],
        'one transaction wrote its entries in the order it appended them',
      );
    });

    // Entry 3 has an actor and a subject, and entries follow it.
    const edits: Record<string, string> = {
      seq: 'update audit_events set seq = 30 where seq = 3',
      at: "update audit_events set at = at + interval '1 second' where seq = 3",
      'at (by one microsecond)': "update audit_events set at = at + interval '1 microsecond' where seq = 3",
      'at (to a date JS cannot hold)': "update audit_events set at = 'infinity' where seq = 3",
      actor_user_id: `update audit_events set actor_user_id = '${other}' where seq = 3`,
      'actor_user_id (to null)': 'update audit_events set actor_user_id = null where seq = 3',
      kind: "update audit_events set kind = 'logout' where seq = 3",
      subject_id: "update audit_events set subject_id = 'someone-else' where seq = 3",
      'subject_id (to null)': 'update audit_events set subject_id = null where seq = 3',
      detail: `update audit_events set detail = '{"purpose":"backup"}' where seq = 3`,
      prev_hash: `update audit_events set prev_hash = '\\x${randomBytes(32).toString('hex')}' where seq = 3`,
      hash: `update audit_events set hash = '\\x${randomBytes(32).toString('hex')}' where seq = 3`,
    };
    for (const [column, sql] of Object.entries(edits)) {
      test(`editing ${column} of one entry fails verify`, async () => {
        const verdict = await verifyAfter((tx) => tx.query(sql).then(() => undefined));
        assert.ok(verdict.problems.length > 0, `${column}: ${JSON.stringify(verdict.problems)}`);
        const where = column === 'hash' ? 4 : column === 'seq' ? 30 : 3;
        assert.ok(verdict.problems.some((p) => p.seq === where), `${column} is reported at entry #${where}: ${JSON.stringify(verdict.problems)}`);
      });
    }

    test('deleting entries in the middle and recomputing a plain SHA-256 chain fails verify', async () => {
      const tamper = async (tx: Queryable) => {
        await tx.query('delete from audit_events where seq in (2, 3)');
        await tx.query('update audit_events set seq = seq - 2 where seq > 3');
        await recomputePlainChain(tx);
      };
      // The proof that this forgery is a good one: the first rule (plain SHA-256) accepts it.
      const underOldRule = await verifyAfter(tamper, legacyHash);
      assert.deepEqual(underOldRule.problems, []);
      assert.equal(underOldRule.entries, 4);
      // The keyed rule finds every rewritten entry.
      const verdict = await verifyAfter(tamper);
      assert.deepEqual(
        verdict.problems,
        [1, 2, 3, 4].map((seq) => ({ seq, problem: 'edited' })),
      );
    });

    test('cutting the tail leaves a chain that verifies: the count and head show it', async () => {
      const earlier = await verifyAudit(db);
      const anchor = earlier.head!;
      let cut: AuditVerdict | undefined;
      let afterRefill: { verdict: AuditVerdict; found: string | null } | undefined;
      await db
        .transaction(async (tx) => {
          await tx.query('delete from audit_events where seq > 4');
          cut = await verifyAudit(tx);
          assert.equal(describeAnchor(anchor, await auditEntryHash(tx, anchor.seq)).ok, false, 'the kept head is gone');
          throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
        });
      assert.deepEqual(cut!.problems, [], 'the chain alone cannot show a cut tail');
      assert.equal(cut!.entries, earlier.entries - 2);
      assert.notEqual(cut!.head!.hash, earlier.head!.hash);
      assert.equal(cut!.head!.seq, earlier.head!.seq - 2);

      // Cut, then new entries appended until the count is back: entry #6 is not the one kept.
      await db.transaction(async (tx) => {
        await tx.query('delete from audit_events where seq > 4');
        await appendAudit(tx, null, { kind: 'backup.created' });
        await appendAudit(tx, null, { kind: 'backup.created' });
        tx.beforeCommit(async () => {
          afterRefill = { verdict: await verifyAudit(tx), found: await auditEntryHash(tx, anchor.seq) };
          throw new RolledBack();
        });
      }).catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
      assert.deepEqual(afterRefill!.verdict.problems, []);
      assert.equal(afterRefill!.verdict.entries, earlier.entries);
      assert.notEqual(afterRefill!.found, anchor.hash);
      assert.equal(describeAnchor(anchor, afterRefill!.found).ok, false);
      assert.equal(describeAnchor(anchor, await auditEntryHash(db, anchor.seq)).ok, true, 'the real log still has it');
    });

    test('entries are written if and only if their transaction commits', async () => {
      const before = (await verifyAudit(db)).entries;
      const requestId = randomUUID();
      await assert.rejects(
        db.transaction(async (tx) => {
          await appendAudit(tx, actor, { kind: 'request.replied', requestId });
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      assert.equal((await db.query('select 1 from audit_events where subject_id = $1', [requestId])).length, 0);
      await db.transaction((tx) => appendAudit(tx, actor, { kind: 'request.replied', requestId }));
      const rows = await db.query<{ seq: bigint }>('select seq from audit_events where subject_id = $1', [requestId]);
      assert.deepEqual(rows, [{ seq: BigInt(before + 1) }]);
      assert.deepEqual((await verifyAudit(db)).problems, []);
    });
  });
});
