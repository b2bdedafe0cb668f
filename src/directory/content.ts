import { z } from 'zod';
import { sealedField } from '../crypto/sealed.ts';

/** The kinds of helper the association refers people to. */
export const ENTRY_KINDS = ['psychologist', 'lawyer', 'doctor', 'interpreter', 'organisation'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const FRIENDLY = ['yes', 'no', 'unknown'] as const;
export type Friendly = (typeof FRIENDLY)[number];

/** Contact details (phone, e-mail, address, how to reach them): free text, sealed in the directory vault. */
export const contactSchema = z.string().max(2000);

/**
 * An entry's contact details: its kind, name and time of creation are bound, so a database writer
 * who swaps names between rows makes the details fail to open instead of misleading a colleague.
 */
export const directoryContactField = sealedField({
  table: 'directory_entries',
  field: 'contact',
  vaultColumn: 'vault_id',
  bound: ['kind', 'name', 'created_at'],
  shred: 'clear',
});

/** A referral's note, sealed in the case's core vault with the case, the entry, who and when bound. */
export const referralNoteField = sealedField({
  table: 'case_referrals',
  field: 'note',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'entry_id', 'referred_by', 'created_at'],
  shred: 'delete-row',
});

export const referralNoteSchema = z.string().max(2000);
