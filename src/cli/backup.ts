import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { dumpDatabase } from './backup-dump.ts';
import { MIN_PASSPHRASE, sealBackup, writePrivateFile } from './backup-file.ts';
import { parseOptions, required, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';
import { readNewPassphrase } from './prompt.ts';

export type BackupSummary = { tables: number; rows: number; bytes: number };

/** Writes one consistent, encrypted copy of the database to a file only its owner can read. */
export async function backupDatabase(db: Db, passphrase: string, path: string): Promise<BackupSummary> {
  if (passphrase.length < MIN_PASSPHRASE) throw new CommandError(`A backup passphrase has at least ${MIN_PASSPHRASE} characters.`);
  const contents = await dumpDatabase(db);
  const file = await sealBackup(contents, passphrase);
  await writePrivateFile(path, file);
  await db.transaction((tx) => appendAudit(tx, null, { kind: 'backup.created' }));
  return {
    tables: contents.tables.length,
    rows: contents.tables.reduce((sum, table) => sum + table.rows.length, 0),
    bytes: file.length,
  };
}

const usage = `Usage: beside backup --out FILE

Writes one consistent copy of the database, gzipped and encrypted with a key derived from a
passphrase (argon2id), readable only by its owner (mode 0600). The passphrase (at least ${MIN_PASSPHRASE}
characters) is read from BESIDE_BACKUP_PASSPHRASE or asked twice at the terminal. Keep it apart from
the file: without it the backup cannot be restored. Sessions are not backed up.`;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'write an encrypted, consistent backup file',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { out: { type: 'string' } });
    const path = required(options.out, '--out');
    const passphrase = await readNewPassphrase(io);
    if (passphrase.length < MIN_PASSPHRASE) throw new CommandError(`A backup passphrase has at least ${MIN_PASSPHRASE} characters.`);
    const summary = await withDatabase(io, (db) => backupDatabase(db, passphrase, path));
    io.stdout.write(`Backup written to ${path}: ${summary.rows} rows from ${summary.tables} tables, ${summary.bytes} bytes.\n`);
    return 0;
  },
};
