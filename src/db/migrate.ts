import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './client.ts';

const folder = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Applies the plain-SQL migrations in src/db/migrations in name order, each in its own
 * transaction with its record, so a failed migration leaves nothing half-applied. An advisory
 * lock keeps two starting processes from migrating at once. A database that has them all is
 * answered with two reads (every start and every command line opens the database).
 */
export async function migrate(db: Db): Promise<string[]> {
  const files = readdirSync(folder).filter((name) => name.endsWith('.sql')).sort();
  // Records are never removed, so what is recorded now stays applied; the rest is checked again under the lock.
  const recorded = await recordedNames(db);
  const pending = files.filter((name) => !recorded.has(name));
  if (pending.length === 0) return [];
  // Under the lock: two first starts at once would both create the table, and one would fail.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(4242)');
    await tx.query('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  });
  const applied: string[] = [];
  for (const name of pending) {
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(4242)');
      const seen = await tx.query('select 1 from schema_migrations where name = $1', [name]);
      if (seen.length > 0) return false;
      for (const statement of splitStatements(readFileSync(folder + name, 'utf8'))) await tx.query(statement);
      await tx.query('insert into schema_migrations (name) values ($1)', [name]);
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}

/** The migrations recorded as applied; none before the first start has made the table. */
async function recordedNames(db: Db): Promise<Set<string>> {
  const [table] = await db.query<{ made: boolean }>("select to_regclass('schema_migrations') is not null as made");
  if (!table?.made) return new Set();
  return new Set((await db.query<{ name: string }>('select name from schema_migrations')).map((row) => row.name));
}

/** Our migrations separate statements with a line that holds only "--;". */
function splitStatements(source: string): string[] {
  return source
    .split(/^--;\s*$/m)
    .map((part) => part.trim())
    .filter((part) => part.replace(/^--.*$/gm, '').trim().length > 0);
}
