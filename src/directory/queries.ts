import type { Queryable } from '../db/client.ts';
import type { EntryKind, Friendly } from './content.ts';

export type EntryRow = {
  id: string;
  kind: EntryKind;
  name: string;
  languages: string[];
  city: string | null;
  lgbt_friendly: Friendly;
  capacity: number;
  vault_id: string;
  contact: Uint8Array | null;
  created_at: Date;
  retired_at: Date | null;
  load: number;
};

export type DirectoryFilter = { kind?: EntryKind; language?: string; city?: string; friendly?: Friendly; hasCapacity?: boolean };

/** An entry's load: its referrals not ended (the partial index case_referrals_open_by_entry). */
const LOAD = '(select count(*) from case_referrals r where r.entry_id = e.id and r.ended_at is null)::int';
const COLUMNS = `e.id, e.kind, e.name, e.languages, e.city, e.lgbt_friendly, e.capacity, e.vault_id, e.contact, e.created_at, e.retired_at, ${LOAD} as load`;

/** Entries still listed, filtered on plain columns only (nothing is decrypted to filter). */
export async function listEntryRows(db: Queryable, filter: DirectoryFilter, limit = 300): Promise<EntryRow[]> {
  return db.query<EntryRow>(
    `select ${COLUMNS} from directory_entries e
     where e.retired_at is null
       and ($1::text is null or e.kind = $1)
       and ($2::text is null or e.languages @> array[$2::text])
       and ($3::text is null or lower(e.city) = lower($3))
       and ($4::text is null or e.lgbt_friendly = $4)
       and (not $5::boolean or e.capacity > ${LOAD})
     order by e.kind, e.name, e.id limit ${Number(limit)}`,
    [filter.kind ?? null, filter.language ?? null, filter.city ?? null, filter.friendly ?? null, filter.hasCapacity ?? false],
  );
}

/** One entry; `lock` holds its row for the rest of the transaction (taken before any vault). */
export async function entryRow(db: Queryable, id: string, lock = false): Promise<EntryRow | null> {
  if (lock && (await db.query('select 1 from directory_entries where id = $1 for update', [id])).length === 0) return null;
  const [row] = await db.query<EntryRow>(`select ${COLUMNS} from directory_entries e where e.id = $1`, [id]);
  return row ?? null;
}

/** Entry names by id, for showing referrals (retired entries too: a referral outlives the listing). */
export async function entryNames(db: Queryable, ids: string[]): Promise<Map<string, { name: string; kind: EntryKind }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ id: string; name: string; kind: EntryKind }>('select id, name, kind from directory_entries where id = any($1::uuid[])', [ids]);
  return new Map(rows.map((row) => [row.id, { name: row.name, kind: row.kind }]));
}
