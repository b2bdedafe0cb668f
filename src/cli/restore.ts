import { readFile } from 'node:fs/promises';
import type { Db, Queryable } from '../db/client.ts';
import { verifyAudit } from '../audit/log.ts';
import { decodeValue, type TableDump } from './backup-contents.ts';
import { NOT_BACKED_UP } from './backup-dump.ts';
import { openBackup } from './backup-file.ts';
import { parseOptions, required, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';
import { readPassphrase } from './prompt.ts';
import { planRestore } from './restore-order.ts';
import { foreignKeys, listTables, primaryKeys, quoteIdent, type Column } from './schema.ts';
import { describeVerdict } from './audit-verify.ts';
import { compareInstanceSecret } from '../crypto/instance.ts';
import { SECRET_ENV, SECRET_FILE } from '../crypto/instance-secret.ts';
import { reapplyErasures, type ErasedEntry } from '../cases/erase-case.ts';
import { parseErasures } from './erasures.ts';

export type RestoreSummary = {
  tables: number;
  rows: number;
  /** Migrations this Beside has that the backup's database had not: its rows got their defaults. */
  newerMigrations: string[];
  /** Cases and requests the backup still held that were erased since (--erasures): erased again. */
  erasedAgain: number;
};

/**
 * Tables a migration fills (the ledger's chart of accounts): a new database holds their rows,
 * which the backup's replace.
 */
const SEEDED = new Set(['ledger_accounts']);

/** Parameters per statement stay well under PostgreSQL's limit of 65535. */
const MAX_PARAMETERS = 30_000;

/**
 * Restores a backup into an empty database (already migrated by openDatabase): every table's rows
 * in foreign-key order, in one transaction, so a failure leaves the database as empty as it was.
 */
export async function restoreBackup(db: Db, file: Uint8Array, passphrase: string, erased: ErasedEntry[] = []): Promise<RestoreSummary> {
  const contents = await openBackup(file, passphrase);
  return db.transaction(async (tx) => {
    const applied = (await tx.query<{ name: string }>('select name from schema_migrations')).map((row) => row.name);
    const unknown = contents.migrations.filter((name) => !applied.includes(name));
    if (unknown.length > 0) {
      throw new CommandError(`The backup comes from a newer Beside (migration ${unknown.join(', ')}): update Beside, then restore.`);
    }
    const schema = await listTables(tx);
    // A Beside started once on the new database planned its retention run; the backup brings its own.
    await tx.query("delete from jobs where kind = 'retention.sweep' and status = 'pending'");
    await refuseUnlessEmpty(tx, schema);
    const tables = contents.tables.filter((table) => !NOT_BACKED_UP.has(table.name));
    for (const table of tables) checkFits(table, schema.get(table.name));
    const plan = planRestore(
      tables.map((table) => table.name),
      await foreignKeys(tx),
    );
    const byName = new Map(tables.map((table) => [table.name, table]));
    // A fresh database may already hold the instance row (a new receipt salt); the backup's replaces it.
    if (byName.has('instance')) await tx.query('delete from instance');
    for (const name of SEEDED) if (byName.has(name)) await tx.query(`delete from ${quoteIdent(name)}`);
    for (const name of plan.order) await insertRows(tx, byName.get(name)!, schema.get(name)!, plan.deferred.get(name) ?? []);
    // The keys and the audit chain in the backup are authenticated by the instance secret of the
    // installation that made it; without that secret nothing in it could be sealed to or verified.
    if ((await compareInstanceSecret(tx)) === 'differs') {
      throw new CommandError(
        `The backup was made by an installation with another instance secret. Copy that installation's ${SECRET_FILE} over the one in DATA_DIR (or set ${SECRET_ENV} to it) and restore again. Nothing was changed.`,
      );
    }
    const keys = await primaryKeys(tx);
    for (const [name, columns] of plan.deferred) await fillDeferred(tx, byName.get(name)!, keys.get(name), columns);
    for (const table of tables) await moveSequences(tx, table.name, schema.get(table.name)!);
    // Erasures made after the backup (docs/security-model.md): nobody erased comes back.
    const erasedAgain = await reapplyErasures(tx, erased);
    return {
      erasedAgain,
      tables: tables.length,
      rows: tables.reduce((sum, table) => sum + table.rows.length, 0),
      newerMigrations: applied.filter((name) => !contents.migrations.includes(name)).sort(),
    };
  });
}

async function refuseUnlessEmpty(tx: Queryable, schema: Map<string, Column[]>): Promise<void> {
  for (const name of schema.keys()) {
    if (name === 'instance' || name === 'schema_migrations' || SEEDED.has(name)) continue;
    const [row] = await tx.query<{ found: boolean }>(`select exists (select 1 from ${quoteIdent(name)}) as found`);
    if (row?.found) {
      throw new CommandError(`The target database is not empty (table ${name} has rows). Restore only into a new, empty database.`);
    }
  }
}

function checkFits(table: TableDump, columns: Column[] | undefined): void {
  if (!columns) throw new CommandError(`The backup has a table this Beside does not know: ${table.name}.`);
  const missing = table.columns.filter((name) => !columns.some((column) => column.name === name));
  if (missing.length > 0) throw new CommandError(`The backup has columns this Beside does not know: ${table.name}.${missing.join(', ')}.`);
}

async function insertRows(tx: Queryable, table: TableDump, schema: Column[], deferred: string[]): Promise<void> {
  if (table.rows.length === 0) return;
  const overriding = schema.some((column) => column.identityAlways && table.columns.includes(column.name));
  const head = `insert into ${quoteIdent(table.name)} (${table.columns.map(quoteIdent).join(', ')})${overriding ? ' overriding system value' : ''} values `;
  const late = table.columns.map((name) => deferred.includes(name));
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / table.columns.length));
  for (let start = 0; start < table.rows.length; start += perStatement) {
    const batch = table.rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = batch.map((row) => {
      const slots = row.map((cell, index) => {
        params.push(late[index] ? null : decodeValue(cell));
        return `$${params.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await tx.query(head + tuples.join(', '), params);
  }
}

/** Fills the columns that were inserted empty to break a cycle of foreign keys. */
async function fillDeferred(tx: Queryable, table: TableDump, key: string[] | undefined, columns: string[]): Promise<void> {
  if (!key) throw new CommandError(`Cannot restore ${table.name}: it has no primary key to fill ${columns.join(', ')} by.`);
  const at = (name: string) => table.columns.indexOf(name);
  const sets = columns.map((name, index) => `${quoteIdent(name)} = $${index + 1}`).join(', ');
  const where = key.map((name, index) => `${quoteIdent(name)} = $${columns.length + index + 1}`).join(' and ');
  const sql = `update ${quoteIdent(table.name)} set ${sets} where ${where}`;
  for (const row of table.rows) {
    const values = columns.map((name) => row[at(name)] ?? null);
    if (values.every((value) => value === null)) continue;
    await tx.query(sql, [...values, ...key.map((name) => row[at(name)] ?? null)].map(decodeValue));
  }
}

/** Serial and identity columns must continue after the restored values, not collide with them. */
async function moveSequences(tx: Queryable, table: string, columns: Column[]): Promise<void> {
  for (const column of columns.filter((c) => c.sequenced)) {
    const [row] = await tx.query<{ sequence: string | null }>('select pg_get_serial_sequence($1, $2) as sequence', [
      quoteIdent(table),
      column.name,
    ]);
    if (!row?.sequence) continue;
    await tx.query(
      `select setval($1::regclass, coalesce((select max(${quoteIdent(column.name)}) from ${quoteIdent(table)}), 0) + 1, false)`,
      [row.sequence],
    );
  }
}

const usage = `Usage: beside restore --in FILE [--erasures LIST]

Restores a backup into a new, empty database (the one DATABASE_URL or DATA_DIR names), in one
transaction: on any error nothing is written. The passphrase is read from BESIDE_BACKUP_PASSPHRASE
or asked at the terminal. Users sign in again afterwards; sessions are not restored.

--erasures LIST: the list "beside erasures" printed (kept with the backups, outside the server).
Whatever the backup still holds of a case or request erased since is erased again, in the same
transaction, so a person who was forgotten does not come back with an older backup.`;

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a backup file into a new, empty database',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { in: { type: 'string' }, erasures: { type: 'string' } });
    const path = required(options.in, '--in');
    const file = await readFile(path).catch(() => {
      throw new CommandError(`Cannot read ${path}.`);
    });
    const erasuresPath = options.erasures;
    const erased = erasuresPath === undefined ? [] : parseErasures(await readFile(erasuresPath, 'utf8').catch(() => {
      throw new CommandError(`Cannot read ${erasuresPath}.`);
    }));
    const passphrase = await readPassphrase(io);
    const { summary, verdict } = await withDatabase(io, async (db) => {
      const restored = await restoreBackup(db, file, passphrase, erased);
      return { summary: restored, verdict: await verifyAudit(db) };
    });
    io.stdout.write(`Restored ${summary.rows} rows into ${summary.tables} tables.\n`);
    if (erasuresPath === undefined) {
      io.stdout.write('No --erasures list given: people erased after this backup was made are in it again. Restore again with --erasures (see beside erasures).\n');
    } else {
      io.stdout.write(`Erased again ${summary.erasedAgain} case(s) or request(s) erased after this backup was made.\n`);
    }
    if (summary.newerMigrations.length > 0) {
      io.stdout.write(`The backup predates migrations ${summary.newerMigrations.join(', ')}; their new columns took their defaults.\n`);
    }
    io.stdout.write(`${describeVerdict(verdict).join('\n')}\n`);
    return verdict.problems.length === 0 ? 0 : 1;
  },
};
