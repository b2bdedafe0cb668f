import type { Db } from '../db/client.ts';
import { BACKUP_VERSION, encodeValue, type BackupContents, type TableDump } from './backup-contents.ts';
import { listTables, primaryKeys, quoteIdent, type Column } from './schema.ts';

/**
 * Tables a backup leaves out: the migration record (kept as a list of names instead), sessions
 * and the recovery shares kept until they are confirmed, which would be stale after a restore and
 * would only add copies of sealed private keys and shares to the file.
 */
export const NOT_BACKED_UP: ReadonlySet<string> = new Set(['schema_migrations', 'sessions', 'shown_recovery_shares']);

/** Types the drivers hand back as plain JSON values, or as bytes. */
const AS_IS = new Set(['bytea', 'boolean', 'smallint', 'integer', 'text', 'character varying', 'character', 'uuid']);
const ARRAYS_AS_IS = new Set(['_text', '_varchar', '_bool', '_int2', '_int4', '_uuid']);

/** How one column is read: exactly, and in a form JSON carries without loss. */
function readExpression(column: Column): string {
  const name = quoteIdent(column.name);
  if (column.dataType === 'timestamp with time zone') {
    return `to_char(${name} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ${name}`;
  }
  if (column.dataType === 'timestamp without time zone') return `to_char(${name}, 'YYYY-MM-DD"T"HH24:MI:SS.US') as ${name}`;
  if (column.dataType === 'ARRAY' ? ARRAYS_AS_IS.has(column.udtName) : AS_IS.has(column.dataType)) return name;
  // bigint, numeric, floats, dates, json…: PostgreSQL's own text form, which it reads back exactly.
  return `${name}::text as ${name}`;
}

/** Reads every application table as of one instant: a consistent copy, even while Beside runs. */
export async function dumpDatabase(db: Db, now = new Date()): Promise<BackupContents> {
  return db.transaction(async (tx) => {
    // The first statement of the transaction, so that every read below shares one snapshot.
    await tx.query('set transaction isolation level repeatable read, read only');
    const migrations = await tx.query<{ name: string }>('select name from schema_migrations order by name');
    const keys = await primaryKeys(tx);
    const tables: TableDump[] = [];
    for (const [name, all] of await listTables(tx)) {
      if (NOT_BACKED_UP.has(name)) continue;
      const columns = all.filter((column) => !column.generated);
      const order = keys.get(name)?.map(quoteIdent).join(', ');
      const rows = await tx.query<Record<string, unknown>>(
        `select ${columns.map(readExpression).join(', ')} from ${quoteIdent(name)}${order ? ` order by ${order}` : ''}`,
      );
      tables.push({
        name,
        columns: columns.map((column) => column.name),
        rows: rows.map((row) => columns.map((column) => encodeValue(row[column.name]))),
      });
    }
    return {
      format: 'beside-backup',
      version: BACKUP_VERSION,
      createdAt: now.toISOString(),
      migrations: migrations.map((row) => row.name),
      tables,
    };
  });
}
