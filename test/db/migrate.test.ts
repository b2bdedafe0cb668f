import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { openServer } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openTestDb } from '../support/db.ts';
import { admin } from '../support/db-template.ts';

describe('test/db/migrate.test.ts', () => {
  /** The migrations as a start of Beside applies them: each once, whoever starts at the same time. */
  const files = readdirSync(fileURLToPath(new URL('../../src/db/migrations/', import.meta.url))).filter((name) => name.endsWith('.sql')).sort();
  const url = process.env.TEST_DATABASE_URL;

  test('a database that has every migration gets none again', async () => {
    const db = await openTestDb();
    try {
      assert.deepEqual(await migrate(db), []);
      const recorded = await db.query<{ name: string }>('select name from schema_migrations order by name');
      assert.deepEqual(recorded.map((row) => row.name), files);
    } finally {
      await db.close();
    }
  });

  test('two processes starting at once on a new database apply each migration once between them', { skip: !url && 'needs TEST_DATABASE_URL (the embedded database has one connection)' }, async () => {
    const name = `beside_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin(url!, `create database ${name}`);
    const target = new URL(url!);
    target.pathname = `/${name}`;
    const [first, second] = await Promise.all([openServer(target.href), openServer(target.href)]);
    try {
      const [a, b] = await Promise.all([migrate(first), migrate(second)]);
      assert.deepEqual([...a, ...b].sort(), files, 'every migration applied, none twice');
      const recorded = await first.query<{ name: string }>('select name from schema_migrations order by name');
      assert.deepEqual(recorded.map((row) => row.name), files);
      assert.deepEqual(await migrate(second), []);
    } finally {
      await Promise.all([first.close(), second.close()]);
      await admin(url!, `drop database if exists ${name} with (force)`);
    }
  });
});
