import { z } from 'zod';
import { CommandError } from './errors.ts';

/**
 * What a backup holds, as JSON. A cell is null, a boolean, a number, text (timestamps as ISO 8601
 * with microseconds, big numbers and other types as PostgreSQL text), an array, or bytea tagged as
 * { "$bytea": base64 }. A tagged object cannot be mistaken for text, so restore needs no guessing.
 */
export type BackupValue = null | boolean | number | string | BackupValue[] | { $bytea: string };

export type TableDump = { name: string; columns: string[]; rows: BackupValue[][] };

export const BACKUP_VERSION = 1;

export type BackupContents = {
  format: 'beside-backup';
  version: typeof BACKUP_VERSION;
  createdAt: string;
  /** The migrations applied to the database the backup came from. */
  migrations: string[];
  tables: TableDump[];
};

const contentsSchema = z.object({
  format: z.literal('beside-backup'),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.string(),
  migrations: z.array(z.string()),
  tables: z.array(z.object({ name: z.string().min(1), columns: z.array(z.string().min(1)).min(1), rows: z.array(z.array(z.unknown())) })),
});

export function encodeValue(value: unknown): BackupValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { $bytea: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(encodeValue);
  throw new Error(`A value of type ${typeof value} cannot be written to a backup.`);
}

/** The value to hand the database driver: bytea back to bytes, everything else as written. */
export function decodeValue(cell: unknown): unknown {
  if (cell === null || typeof cell === 'boolean' || typeof cell === 'number' || typeof cell === 'string') return cell;
  if (Array.isArray(cell)) return cell.map(decodeValue);
  if (typeof cell === 'object' && Object.keys(cell).length === 1 && typeof (cell as { $bytea?: unknown }).$bytea === 'string') {
    return Buffer.from((cell as { $bytea: string }).$bytea, 'base64');
  }
  throw new CommandError('The backup holds a value this version of Beside cannot read.');
}

/** Checks the shape of decrypted contents, so a backup from another program fails clearly. */
export function parseContents(json: unknown): BackupContents {
  const parsed = contentsSchema.safeParse(json);
  if (!parsed.success) throw new CommandError('The file decrypts but is not a Beside backup of a version this Beside reads.');
  for (const table of parsed.data.tables) {
    if (table.rows.some((row) => row.length !== table.columns.length)) {
      throw new CommandError(`The backup's table ${table.name} is malformed.`);
    }
  }
  return parsed.data as BackupContents;
}
