import { z } from 'zod';
import { sealedField } from '../crypto/sealed.ts';

/**
 * What an expense seals. Its row holds amount, purpose, category, states and days; what it was
 * for in words (it can name a person or a place) and every reason given about it live in the
 * expense's 'expense' vault, sealed to the treasurers, the recovery key and the submitter.
 */

/** What the money went on: the database holds the same list (0025_expenses.sql). */
export const EXPENSE_CATEGORIES = ['rent', 'clothing', 'travel', 'therapy', 'legal_fees', 'food', 'phone', 'documents', 'other'] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

export const EXPENSE_STATES = ['submitted', 'approved', 'rejected', 'paid', 'reversed'] as const;
export type ExpenseState = (typeof EXPENSE_STATES)[number];

export const DESCRIPTION_MAX = 1000;
export const REASON_MAX = 500;

/** Characters, not UTF-16 units: an emoji counts one. */
export const sealedText = (max: number) =>
  z
    .string()
    .transform((text) => text.trim())
    .refine((text) => text.length > 0 && [...text].length <= max);

export const descriptionField = sealedField({
  table: 'expenses',
  field: 'description',
  vaultColumn: 'vault_id',
  bound: ['amount_cents', 'purpose', 'category', 'submitted_by'],
  shred: 'clear',
});

export const rejectReasonField = sealedField({ table: 'expenses', field: 'reject_reason', vaultColumn: 'vault_id', bound: ['rejected_by'], shred: 'clear' });

export const overrideReasonField = sealedField({ table: 'expenses', field: 'override_reason', vaultColumn: 'vault_id', bound: ['ledger_seq'], shred: 'clear' });

export const reverseReasonField = sealedField({ table: 'expenses', field: 'reverse_reason', vaultColumn: 'vault_id', bound: ['reversal_seq'], shred: 'clear' });

/** The receipt's file key and name, bound to the file it opens. */
export const receiptField = sealedField({
  table: 'expenses',
  field: 'receipt',
  vaultColumn: 'vault_id',
  bound: ['receipt_file_id', 'receipt_type', 'receipt_size', 'receipt_chunks'],
  shred: 'clear',
});

/** What a receipt may be: a scan or a photo, checked by content (src/files/content-check.ts). */
export const RECEIPT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;
