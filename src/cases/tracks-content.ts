import { z } from 'zod';
import { sealedField } from '../crypto/sealed.ts';

/**
 * What the service tracks seal, and where: the evacuation plan in the case's logistics vault,
 * clothing items in core, psychological sessions in psych, deadline details in legal, task titles
 * in the vault of the part the task belongs to. Plain columns bound to each ciphertext give it
 * its meaning; changed in the database, the value fails to open.
 */
const text = (max: number) => z.string().trim().max(max).optional();

export const evacuationPlanSchema = z.object({
  route: text(2000),
  dates: text(500),
  documentsHave: text(1000),
  documentsLack: text(1000),
  moneyNeeded: text(500),
  contactPeople: text(1000),
});
export type EvacuationPlan = z.infer<typeof evacuationPlanSchema>;

export const evacuationPlanField = sealedField({
  table: 'case_tracks',
  field: 'plan',
  vaultColumn: 'logistics_vault_id',
  bound: ['case_id', 'track'],
  shred: 'clear',
});

export const clothingItemSchema = z.object({ item: z.string().max(300), size: z.string().max(100), quantity: z.number().int().min(1).max(99) });
export type ClothingItem = z.infer<typeof clothingItemSchema>;

export const clothingItemField = sealedField({
  table: 'case_clothing_items',
  field: 'details',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'created_by', 'requested_at'],
  shred: 'delete-row',
});

export const SESSION_FORMS = ['in_person', 'video', 'phone'] as const;
export const psychSessionSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  minutes: z.number().int().min(1).max(600),
  form: z.enum(SESSION_FORMS),
});
export type PsychSession = z.infer<typeof psychSessionSchema>;

export const psychSessionField = sealedField({
  table: 'case_psych_sessions',
  field: 'session',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'recorded_by', 'created_at'],
  shred: 'delete-row',
});

export const deadlineDetailSchema = z.string().max(2000);

export const deadlineDetailField = sealedField({
  table: 'case_deadlines',
  field: 'detail',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'kind', 'created_by', 'created_at'],
  shred: 'clear',
});

export const taskTitleSchema = z.string().max(500);

export const taskTitleField = sealedField({
  table: 'case_tasks',
  field: 'title',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'part', 'assignee_id', 'created_by', 'created_at'],
  shred: 'delete-row',
});
