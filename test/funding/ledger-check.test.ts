import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backupDatabase } from '../../src/cli/backup.ts';
import { describeLedger } from '../../src/cli/ledger-check.ts';
import { restoreBackup } from '../../src/cli/restore.ts';
import { useInstanceSecret } from '../../src/crypto/instance-secret.ts';
import type { Db, Queryable } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/open.ts';
import { accountBalances, checkLedger, postTransaction, reverseTransaction, type LedgerVerdict } from '../../src/funding/ledger.ts';
import { initialised, PASSPHRASE, runBeside, useResources } from '../cli/helpers.ts';
import { migratedDataFolder, openTestDb } from '../support/db.ts';
import { gift, mollieGift } from './ledger-support.ts';

describe('test/funding/ledger-check.test.ts', () => {
  /**
   * `checkLedger` and `beside ledger check` against someone who can write to the database: with
   * the triggers off (a superuser's `session_replication_role = replica`, or `alter table … disable
   * trigger all`), the books can be edited; the check must say where, and by how much.
   */
  let db: Db;
  before(async () => {
    db = await openTestDb();
    await postTransaction(db, gift('shelter', 10_000n, 'camt:1', '2025-01-10'));
    await postTransaction(db, mollieGift('legal', 2_500n, 54n, 'mollie:tr_1', '2025-02-03'));
    const third = await postTransaction(db, gift('psych', 700n, 'camt:2', '2025-02-04'));
    await reverseTransaction(db, third.seq, { actorUserId: randomUUID(), occurredOn: '2025-02-05', description: 'Returned to the sender' });
    await postTransaction(db, gift('general', 1_234n, 'camt:3', '2025-03-01'));
  });
  after(() => db?.close());

  class RolledBack extends Error {}

  /** Tampers as a writer with the triggers off, in a transaction always rolled back: each test starts from the real books. */
  async function checkAfter(tamper: (tx: Queryable) => Promise<unknown>): Promise<LedgerVerdict> {
    let verdict: LedgerVerdict | undefined;
    await db
      .transaction(async (tx) => {
        await tx.query('set local session_replication_role = replica');
        await tamper(tx);
        verdict = await checkLedger(tx);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    return verdict!;
  }

  test('untouched books are intact: counts and head', async () => {
    const verdict = await checkLedger(db);
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.transactions, 5n);
    assert.equal(verdict.entries, 11n);
    assert.equal(verdict.headSeq, 5n);
    assert.match(verdict.headHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(describeLedger(verdict), [`ledger intact: 5 transactions, 11 entries, head #5 ${verdict.headHash}`]);
  });

  test('the canary: a tampering that changes nothing is not reported, so the reports below are the changes', async () => {
    const verdict = await checkAfter((tx) => tx.query('update ledger_entries set amount_cents = amount_cents where transaction_seq = 1'));
    assert.deepEqual(verdict.problems, []);
  });

  test('a silent, balanced edit of a gift is found by the chain and by the balances', async () => {
    // 100 euros become 1 euro on both sides: the transaction still balances.
    const verdict = await checkAfter((tx) => tx.query('update ledger_entries set amount_cents = amount_cents / 100 where transaction_seq = 1'));
    assert.deepEqual(verdict.problems, [
      'transaction #1: edited (its hash does not match its columns and entries)',
      'balance of assets:bank: kept 11234 over 4 entries, the entries give 1334 over 4 entries (difference 9900)',
      'balance of income:gifts:shelter: kept -10000 over 1 entry, the entries give -100 over 1 entry (difference -9900)',
      'assets:bank in 2025-01: kept debits 10000 and credits 0, the entries give 100 and 0',
      'income:gifts:shelter in 2025-01: kept debits 0 and credits 10000, the entries give 0 and 100',
    ]);
    assert.match(describeLedger(verdict).at(-1)!, /^ledger BROKEN: 5 problem\(s\) in 5 transactions, 11 entries, head #5 [0-9a-f]{64}$/);
  });

  test('an edit that unbalances, a deleted transaction, a changed description and a forged reversal are each reported', async () => {
    const unbalanced = await checkAfter((tx) => tx.query("update ledger_entries set amount_cents = 1 where transaction_seq = 2 and account = 'expenses:fees:mollie'"));
    assert.ok(unbalanced.problems.includes('transaction #2: does not balance (3 entries summing to -53)'), unbalanced.problems.join('\n'));
    assert.ok(unbalanced.problems.includes('transaction #2: edited (its hash does not match its columns and entries)'));

    const deleted = await checkAfter(async (tx) => {
      await tx.query('delete from ledger_entries where transaction_seq = 2');
      await tx.query('delete from ledger_transactions where seq = 2');
    });
    assert.ok(deleted.problems.includes('transaction #3: transactions #2…#2 are missing'), deleted.problems.join('\n'));
    assert.ok(deleted.problems.includes('transaction #3: the hash chain is broken (its previous hash is not the one before it)'));
    assert.equal(deleted.transactions, 4n);

    const described = await checkAfter((tx) => tx.query("update ledger_transactions set description = 'Gift' where seq = 5"));
    assert.deepEqual(described.problems, ['transaction #5: edited (its hash does not match its columns and entries)']);

    const forged = await checkAfter((tx) => tx.query('update ledger_entries set amount_cents = -amount_cents where transaction_seq = 3'));
    assert.ok(forged.problems.includes('transaction #4: does not mirror transaction #3, which it reverses'), forged.problems.join('\n'));

    const orphan = await checkAfter((tx) => tx.query("insert into ledger_entries values (99, 1, 'assets:bank', 5)"));
    assert.ok(orphan.problems.includes('1 entries belong to no transaction'), orphan.problems.join('\n'));
  });

  test('a kept total changed alone is reported, with the entries untouched', async () => {
    const balance = await checkAfter((tx) => tx.query("update ledger_balances set balance_cents = balance_cents - 500 where account = 'income:gifts:general'"));
    assert.deepEqual(balance.problems, [
      'balance of income:gifts:general: kept -1734 over 1 entry, the entries give -1234 over 1 entry (difference -500)',
    ]);
    const month = await checkAfter((tx) => tx.query("delete from ledger_monthly where account = 'income:gifts:legal'"));
    assert.deepEqual(month.problems, ['income:gifts:legal in 2025-02: kept debits 0 and credits 0, the entries give 0 and 2500']);
    const kinds = await checkAfter((tx) => tx.query("update ledger_kind_counts set count = 40 where kind = 'gift'"));
    assert.deepEqual(kinds.problems, ['number of gift transactions: kept 40, the books hold 4']);
    const invented = await checkAfter((tx) => tx.query("insert into ledger_balances values ('expenses:shelter', 1, 1)"));
    assert.deepEqual(invented.problems, ['balance of expenses:shelter: kept 1 over 1 entry, the entries give 0 over 0 entries (difference 1)']);
  });

  test('the books survive a backup and a restore: every row back, the check intact, posting goes on', async () => {
    const resources = useResources();
    const source = await resources.db();
    await initialised(source);
    const first = await postTransaction(source, gift('clothing', 900n, 'camt:a'));
    await reverseTransaction(source, first.seq, { actorUserId: null, occurredOn: '2025-03-15', description: 'Returned to the sender' });
    await postTransaction(source, mollieGift('shelter', 5_000n, 120n, 'mollie:tr_a'));
    const path = join(await resources.folder(), 'books.backup');
    await backupDatabase(source, PASSPHRASE, path);

    const target = await resources.db();
    await restoreBackup(target, await readFile(path), PASSPHRASE);
    const [before, after] = [await checkLedger(source), await checkLedger(target)];
    assert.deepEqual(after.problems, []);
    assert.deepEqual({ ...after }, { ...before });
    assert.deepEqual(await accountBalances(target), await accountBalances(source));
    const next = await postTransaction(target, gift('clothing', 1n, 'camt:b'));
    assert.equal(next.seq, 4n);
    assert.deepEqual((await checkLedger(target)).problems, []);
  });

  test('`beside ledger check` prints the counts and head, and exits with 1 when the books were edited', async () => {
    const resources = useResources();
    const secret = randomBytes(32);
    useInstanceSecret(new Uint8Array(secret));
    const folder = await resources.folder();
    let env: Record<string, string> = { DATA_DIR: folder, BESIDE_INSTANCE_SECRET: secret.toString('hex') };
    // The database the command opens: a data folder (closed here while the command runs: one
    // process per folder), or a fresh database on the server under test.
    let use: <T>(fn: (target: Db) => Promise<T>) => Promise<T>;
    const server = process.env.TEST_DATABASE_URL;
    if (!server) {
      await migratedDataFolder(folder);
      use = async (fn) => {
        const target = await openDatabase({ dataDir: folder, databaseUrl: undefined });
        try {
          return await fn(target);
        } finally {
          await target.close();
        }
      };
    } else {
      const target = await resources.db();
      const [row] = await target.query<{ name: string }>('select current_database() as name');
      const url = new URL(server);
      url.pathname = `/${row!.name}`;
      env = { ...env, DATABASE_URL: url.href };
      use = (fn) => fn(target);
    }

    await use(async (target) => {
      await postTransaction(target, gift('shelter', 2_000n, 'camt:x'));
      await postTransaction(target, gift('legal', 3_000n, 'camt:y'));
    });
    const intact = await runBeside(['ledger', 'check'], env);
    assert.equal(intact.code, 0, intact.stderr);
    assert.match(intact.stdout, /^ledger intact: 2 transactions, 4 entries, head #2 [0-9a-f]{64}\n$/);

    // A writer turns the triggers off and edits an amount, as the database lets a superuser do.
    await use(async (target) => {
      await target.query('alter table ledger_entries disable trigger all');
      await target.query('update ledger_entries set amount_cents = amount_cents * 10 where transaction_seq = 2');
      await target.query('alter table ledger_entries enable trigger all');
    });
    const broken = await runBeside(['ledger', 'check'], env);
    assert.equal(broken.code, 1, broken.stderr);
    assert.match(broken.stdout, /^transaction #2: edited/m);
    assert.match(broken.stdout, /^balance of income:gifts:legal: kept -3000 over 1 entry, the entries give -30000 over 1 entry \(difference 27000\)$/m);
    assert.match(broken.stdout, /^ledger BROKEN: \d+ problem\(s\) in 2 transactions, 4 entries, head #2 [0-9a-f]{64}$/m);
  });
});
