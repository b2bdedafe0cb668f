import type { Db } from '../db/client.ts';
import type { KeyHolder, Vault } from '../crypto/vaults.ts';
import { findUserById } from '../auth/users.ts';
import { contactSchema, directoryContactField, type EntryKind, type Friendly } from './content.ts';
import { editsDirectory, openDirectoryVault, readsDirectory } from './directory-vault.ts';
import { entryRow, listEntryRows, type DirectoryFilter, type EntryRow } from './queries.ts';

/** What the directory page shows of an entry; `contact` is null when it could not be verified. */
export type DirectoryEntry = {
  id: string;
  kind: EntryKind;
  name: string;
  languages: string[];
  city: string | null;
  friendly: Friendly;
  capacity: number;
  load: number;
  contact: { ok: true; text: string } | { ok: false } | null;
};

export type DirectoryPage = {
  entries: DirectoryEntry[];
  /** the viewer reads contact details (holds the vault, or is owed it and nobody has opened it since) */
  contacts: 'open' | 'waiting' | 'none';
  mayEdit: boolean;
};

function present(row: EntryRow, vault: Vault | null): DirectoryEntry {
  let contact: DirectoryEntry['contact'] = null;
  if (vault && row.contact) {
    const opened = vault.tryOpen(directoryContactField, row, row.contact, contactSchema);
    contact = opened.ok ? { ok: true, text: opened.value } : { ok: false };
  }
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    languages: row.languages,
    city: row.city,
    friendly: row.lgbt_friendly,
    capacity: row.capacity,
    load: row.load,
    contact,
  };
}

/** The directory, filtered on plain columns; contact details for those who read them (the opening is audited). */
export async function listDirectory(db: Db, holder: KeyHolder, filter: DirectoryFilter): Promise<DirectoryPage> {
  return db.transaction(async (tx) => {
    const me = await findUserById(tx, holder.userId);
    // The vault first: opening it may rotate its key, and the rows must be read as they are after.
    const vault = await openDirectoryVault(tx, holder, 'list');
    const rows = await listEntryRows(tx, filter);
    const reader = me !== null && readsDirectory(me);
    return {
      entries: rows.map((row) => present(row, vault)),
      contacts: vault ? 'open' : reader && rows.length > 0 ? 'waiting' : 'none',
      mayEdit: me !== null && editsDirectory(me),
    };
  });
}

/** One entry still listed, for its edit form: only for who edits the directory. */
export async function readEntryForEdit(db: Db, holder: KeyHolder, id: string): Promise<DirectoryEntry | null> {
  return db.transaction(async (tx) => {
    const vault = await openDirectoryVault(tx, holder, 'read_entry', 'edit');
    const row = vault ? await entryRow(tx, id) : null;
    return row && !row.retired_at ? present(row, vault) : null;
  });
}
