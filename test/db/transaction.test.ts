import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Db } from '../../src/db/client.ts';
import { openTestDb } from '../support/db.ts';

describe('test/db/transaction.test.ts', () => {
  /** db.transaction and its work before commit, on whichever driver the suite runs on. */
  let db: Db;
  before(async () => {
    db = await openTestDb();
    await db.query('create table probe (n int primary key, note text not null)');
  });
  after(() => db?.close());
  beforeEach(() => db.query('delete from probe'));

  const notes = async () => (await db.query<{ note: string }>('select note from probe order by n')).map((row) => row.note);

  describe('work before commit', () => {
    test('runs inside the transaction, after its body, in the order registered; its writes commit with it', async () => {
      const order: string[] = [];
      const result = await db.transaction(async (tx) => {
        tx.beforeCommit(async () => {
          order.push('first');
          // It sees what the body wrote, which nobody outside sees yet.
          assert.equal((await tx.query('select note from probe')).length, 1);
          // (PGlite has one connection: a query from outside would wait for this transaction.)
          if (db.kind === 'server') assert.deepEqual(await notes(), [], 'nothing is visible outside before COMMIT');
          await tx.query("insert into probe values (2, 'from the first work')");
        });
        tx.beforeCommit(async () => {
          order.push('second');
          tx.beforeCommit(async () => {
            order.push('registered meanwhile');
          });
        });
        await tx.query("insert into probe values (1, 'from the body')");
        order.push('body');
        return 'answer';
      });
      assert.equal(result, 'answer');
      assert.deepEqual(order, ['body', 'first', 'second', 'registered meanwhile']);
      assert.deepEqual(await notes(), ['from the body', 'from the first work']);
    });

    test('work that throws rolls the whole transaction back, and the error reaches the caller', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("insert into probe values (1, 'from the body')");
          tx.beforeCommit(async () => {
            await tx.query("insert into probe values (2, 'from the work')");
            throw new Error('refused at commit');
          });
        }),
        /refused at commit/,
      );
      assert.deepEqual(await notes(), []);
    });

    test('a body that throws runs no work and commits nothing', async () => {
      let ran = false;
      await assert.rejects(
        db.transaction(async (tx) => {
          tx.beforeCommit(async () => {
            ran = true;
          });
          await tx.query("insert into probe values (1, 'from the body')");
          throw new Error('the body failed');
        }),
        /the body failed/,
      );
      assert.equal(ran, false);
      assert.deepEqual(await notes(), []);
    });

    test('a transaction that has ended takes no more work', async () => {
      let kept: { beforeCommit(work: () => Promise<void>): void } | undefined;
      await db.transaction(async (tx) => {
        kept = tx;
      });
      assert.throws(() => kept!.beforeCommit(async () => undefined), /has ended/);
    });
  });
});
