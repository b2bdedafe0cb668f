import { z } from 'zod';
import { sealedField } from '../crypto/sealed.ts';

/** What a person wrote: every field of it lives only inside the request's vault. */
export const requestContentSchema = z.object({
  city: z.string().optional(),
  story: z.string().optional(),
  otherNeed: z.string().optional(),
  contact: z.string().optional(),
  contactShared: z.enum(['no', 'yes', 'unsure']).optional(),
  safeTimes: z.string().optional(),
  codeWord: z.string().optional(),
});

export type RequestContent = z.infer<typeof requestContentSchema>;

/** The request's content, with the request's creation time bound to it. */
export const requestContentField = sealedField({
  table: 'help_requests',
  field: 'content',
  vaultColumn: 'vault_id',
  bound: ['created_at'],
  shred: 'clear',
});

/**
 * A message of the conversation: who wrote it (the person or which colleague), on which request
 * and when are bound to the text, so a database writer who changes them makes it fail to open.
 */
export const messageBodyField = sealedField({
  table: 'messages',
  field: 'body',
  vaultColumn: 'vault_id',
  bound: ['request_id', 'author', 'staff_user_id', 'created_at'],
  shred: 'delete-row',
});

export const messageTextSchema = z.string();
