import { erasedIds, type ErasedEntry } from '../cases/erase-case.ts';
import { parseOptions, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';

/**
 * The list of erasures (`beside erasures`): one line per erased case or request, its kind, id and
 * the day it was created. No personal data, so it may be kept beside the backups, outside the
 * server. `beside restore --erasures FILE` erases again whatever an older backup still holds.
 */
export function formatErasures(entries: ErasedEntry[]): string {
  return entries.map((entry) => `${entry.subject} ${entry.id} ${entry.createdOn}\n`).join('');
}

const LINE = /^(case|request) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) (\d{4}-\d{2}-\d{2})$/;

export function parseErasures(text: string): ErasedEntry[] {
  const entries: ErasedEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match) throw new CommandError(`Line ${index + 1} of the erasures file is not "case|request <id> <yyyy-mm-dd>". Nothing was changed.`);
    entries.push({ subject: match[1] as ErasedEntry['subject'], id: match[2]!, createdOn: match[3]! });
  });
  return entries;
}

const usage = `Usage: beside erasures

Prints every erasure recorded (a person forgotten, retention): "case|request <id> <created day>",
one a line, no personal data. Keep this list with the backups, outside the server, and renew it
after each erasure: restoring an older backup with "beside restore --in FILE --erasures LIST"
erases again what the backup still holds.`;

export const erasuresCommand: Command = {
  name: 'erasures',
  summary: 'print the list of erased cases and requests (ids and dates), for restore',
  usage,
  async run(argv, io) {
    parseOptions(argv, {});
    const entries = await withDatabase(io, (db) => erasedIds(db));
    io.stdout.write(formatErasures(entries));
    return 0;
  },
};
