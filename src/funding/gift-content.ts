import { z } from 'zod';
import { sealedField } from '../crypto/sealed.ts';
import { LANGUAGES } from '../i18n/lang.ts';

/**
 * What giving seals. A gift's row holds only amount, purpose, method, state and days; who gave
 * lives in a 'donor' vault (sealed to the treasurers and the recovery key), a public message
 * waits in a 'gift_message' vault (sealed to the editors and the recovery key), and what a bank
 * statement says about the payer lives in the import's 'bank_statement' vault. A fully anonymous
 * gift has no vault at all.
 */

export const NAME_MAX = 100;
export const EMAIL_MAX = 254;
export const MESSAGE_MAX = 500;

/** How a gift is shown: with a public name, as "anonymous", or fully anonymous (nothing kept). */
export const DISPLAYS = ['public', 'anonymous', 'private'] as const;
export type Display = (typeof DISPLAYS)[number];

export const donorSchema = z.object({
  display: z.enum(['public', 'anonymous']),
  name: z.string().max(NAME_MAX).nullable(),
  email: z.string().max(EMAIL_MAX).nullable(),
  /** whether the donor asked for a receipt (sent to the e-mail address once the gift arrives) */
  receipt: z.boolean(),
  // zod counts UTF-16 units, in which a character outside the BMP (an emoji) counts two
  message: z.string().max(MESSAGE_MAX * 2).nullable(),
  /** the language the donor gave in, for the receipt */
  language: z.enum(LANGUAGES),
});
export type Donor = z.infer<typeof donorSchema>;

/** The donor, bound to the gift's amount, purpose and day: a row changed in the database fails to open. */
export const donorField = sealedField({
  table: 'gifts',
  field: 'donor',
  vaultColumn: 'donor_vault_id',
  bound: ['amount_cents', 'purpose', 'pledged_on'],
  shred: 'clear',
});

/** A public message before an editor decides: the name to show (null: "anonymous") and the text. */
export const giftMessageSchema = z.object({ name: z.string().max(NAME_MAX).nullable(), message: z.string().min(1).max(MESSAGE_MAX * 2) });
export type GiftMessageContent = z.infer<typeof giftMessageSchema>;

export const giftMessageField = sealedField({
  table: 'gift_messages',
  field: 'content',
  vaultColumn: 'vault_id',
  bound: ['gift_id', 'submitted_on'],
  shred: 'clear',
});

/** What the bank says about who paid: the payer's name and account and the free text of the transfer. */
export const lineDetailsSchema = z.object({
  counterpartyName: z.string().nullable(),
  counterpartyIban: z.string().nullable(),
  text: z.string().nullable(),
  /** the bank's own words about the entry */
  bankInfo: z.string().nullable(),
});
export type LineDetails = z.infer<typeof lineDetailsSchema>;

export const lineDetailsField = sealedField({
  table: 'bank_statement_lines',
  field: 'details',
  vaultColumn: 'vault_id',
  bound: ['source_ref', 'amount_cents', 'booking_date', 'direction'],
  shred: 'clear',
});

/** The treasurer's note when a line is marked "not a gift" (it may name the payer). */
export const lineNoteSchema = z.string().max(1000);

export const lineNoteField = sealedField({
  table: 'bank_statement_lines',
  field: 'note',
  vaultColumn: 'vault_id',
  bound: ['source_ref', 'dismiss_reason'],
  shred: 'clear',
});
