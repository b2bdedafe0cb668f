import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { directoryContactField, type EntryKind, type Friendly } from './content.ts';
import { openDirectoryVault } from './directory-vault.ts';
import { entryRow } from './queries.ts';

export type EntryInput = {
  kind: EntryKind;
  name: string;
  languages: string[];
  city: string | null;
  friendly: Friendly;
  capacity: number;
  contact: string;
};

/**
 * Adds an entry to the directory, its contact details sealed in the directory vault (made with the
 * first entry). Only a reader of the vault may: null otherwise, as for anything missing.
 */
export async function addEntry(db: Db, holder: KeyHolder, input: EntryInput): Promise<string | null> {
  return db.transaction(async (tx) => {
    const vault = await openDirectoryVault(tx, holder, 'add', 'create');
    if (!vault) return null;
    const place = { id: randomUUID(), kind: input.kind, name: input.name, created_at: new Date() };
    await tx.query(
      `insert into directory_entries (id, kind, name, languages, city, lgbt_friendly, capacity, vault_id, contact, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [place.id, input.kind, input.name, input.languages, input.city, input.friendly, input.capacity, vault.id, vault.seal(directoryContactField, place, input.contact), holder.userId, place.created_at],
    );
    await appendAudit(tx, holder.userId, { kind: 'directory.entry_saved', entryId: place.id, change: 'added' });
    return place.id;
  });
}

/** Changes an entry still listed; its contact details are sealed again with the (new) name bound. */
export async function editEntry(db: Db, holder: KeyHolder, id: string, input: EntryInput): Promise<boolean> {
  return db.transaction(async (tx) => {
    // The vault before the entry's row, as the directory page takes them (a rotation locks every entry).
    const vault = await openDirectoryVault(tx, holder, 'edit', 'edit');
    const row = vault ? await entryRow(tx, id, true) : null;
    if (!vault || !row || row.retired_at) return false;
    const place = { id, kind: input.kind, name: input.name, created_at: row.created_at };
    await tx.query(
      `update directory_entries set kind = $2, name = $3, languages = $4, city = $5, lgbt_friendly = $6, capacity = $7, vault_id = $8, contact = $9, updated_at = now()
       where id = $1`,
      [id, input.kind, input.name, input.languages, input.city, input.friendly, input.capacity, vault.id, vault.seal(directoryContactField, place, input.contact)],
    );
    await appendAudit(tx, holder.userId, { kind: 'directory.entry_saved', entryId: id, change: 'changed' });
    return true;
  });
}

/**
 * Retires an entry: it leaves the list and takes no new referrals; its contact details are cleared
 * (nobody needs them any more), its name stays for the referrals that name it.
 */
export async function retireEntry(db: Db, holder: KeyHolder, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openDirectoryVault(tx, holder, 'retire', 'edit'))) return false;
    const row = await entryRow(tx, id, true);
    if (!row || row.retired_at) return false;
    await tx.query('update directory_entries set retired_at = now(), contact = null, updated_at = now() where id = $1', [id]);
    await appendAudit(tx, holder.userId, { kind: 'directory.entry_saved', entryId: id, change: 'retired' });
    return true;
  });
}
