import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './client.ts';

const folder = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Applies the plain-SQL migrations in src/db/migrations in name order, each in its own
 * transaction with its record, so a failed migration leaves nothing half-applied. An advisory
 * lock keeps two starting processes from migrating at once.
 */
export async function migrate(db: Db): Promise<string[]> {
  await db.query(
    'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
  );
  const files = readdirSync(folder).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const name of files) {
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

/** Our migrations separate statements with a line that holds only "--;". */
function splitStatements(source: string): string[] {
  return source
    .split(/^--;\s*$/m)
    .map((part) => part.trim())
    .filter((part) => part.replace(/^--.*$/gm, '').trim().length > 0);
}
