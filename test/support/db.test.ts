import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/db/client.ts';
import { openTestDb } from './db.ts';

describe('test/support/db.test.ts', () => {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const open: Db[] = [];
  after(() => Promise.all(open.map((db) => db.close())));

  async function tracked(): Promise<Db> {
    const db = await openTestDb();
    open.push(db);
    return db;
  }

  async function untrack(db: Db): Promise<void> {
    open.splice(open.indexOf(db), 1);
    await db.close();
  }

  test('a test db arrives with every migration applied', async () => {
    const db = await tracked();
    const files = readdirSync(new URL('../../src/db/migrations/', import.meta.url))
      .filter((name) => name.endsWith('.sql'))
      .sort();
    const rows = await db.query<{ name: string }>('select name from schema_migrations order by name');
    assert.deepEqual(
      rows.map((row) => row.name),
      files,
    );
    await untrack(db);
  });

  test('two test dbs open at once do not see each other', async () => {
    const [a, b] = await Promise.all([tracked(), tracked()]);
    await a.query('create table probe (id int primary key, note text not null)');
    await a.query('insert into probe values ($1, $2)', [1, 'only in a']);
    assert.deepEqual(await a.query('select id, note from probe'), [{ id: 1, note: 'only in a' }]);
    assert.deepEqual(await b.query("select to_regclass('probe') as found"), [{ found: null }]);
    await Promise.all([untrack(a), untrack(b)]);
  });

  test('closing a server test db drops its database', { skip: !serverUrl && 'embedded run' }, async () => {
    const db = await tracked();
    const [row] = await db.query<{ name: string }>('select current_database() as name');
    assert.match(row?.name ?? '', /^beside_t_/);
    await untrack(db);
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      const left = await client.query('select 1 from pg_database where datname = $1', [row?.name]);
      assert.equal(left.rowCount, 0);
    } finally {
      await client.end();
    }
  });

  test('a test db holds nothing a closed one left: not its rows, its session settings, nor a table it made', async () => {
    const first = await tracked();
    await first.query("insert into help_submissions (fingerprint, receipt_box, expires_at) values ($1, $2, now() + interval '1 hour')", [new Uint8Array(32), new Uint8Array(8)]);
    const [before] = await first.query<{ n: bigint }>('select count(*) as n from help_submissions');
    assert.equal(before?.n, 1n);
    await first.query("select set_config('application_name', 'left behind', false)");
    // A row added and deleted leaves its table empty but its identity sequence moved on.
    const delivery = "insert into payment_deliveries (provider, ref, received_at, next_try_at) values ('mollie', 'tr_left', now(), now()) returning id";
    const [used] = await first.query<{ id: bigint }>(delivery);
    await first.query('delete from payment_deliveries');
    await untrack(first);
    await assert.rejects(() => first.query('select 1'), 'a closed handle must not reach the next test db');

    const second = await tracked();
    const [after] = await second.query<{ n: bigint }>('select count(*) as n from help_submissions');
    const [setting] = await second.query<{ name: string }>("select current_setting('application_name') as name");
    assert.equal(after?.n, 0n);
    assert.notEqual(setting?.name, 'left behind');
    const [fresh] = await second.query<{ id: bigint }>(delivery);
    assert.equal(fresh?.id, used?.id, 'identities start where a fresh copy of the template starts them');
    await second.query('create table probe_left (id int)');
    await untrack(second);

    const third = await tracked();
    assert.deepEqual(await third.query("select to_regclass('probe_left') as found"), [{ found: null }]);
    await third.query("insert into schema_migrations (name) values ('9999_left_behind.sql')");
    await untrack(third);

    const fourth = await tracked();
    assert.deepEqual(await fourth.query("select name from schema_migrations where name = '9999_left_behind.sql'"), []);
    await untrack(fourth);
  });
});
