import { z } from 'zod';
import { decryptJson, encryptJson } from '../crypto/primitives.ts';

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

const place = (table: 'help_requests' | 'cases', row: string) => ({ table, row, field: 'content' });

export function sealContent(key: Uint8Array, table: 'help_requests' | 'cases', row: string, content: RequestContent): Uint8Array {
  return encryptJson(key, content, place(table, row));
}

/** Decrypts and checks the shape of what was sealed, so a decrypted value is never trusted blindly. */
export function openContent(key: Uint8Array, table: 'help_requests' | 'cases', row: string, box: Uint8Array): RequestContent {
  return requestContentSchema.parse(decryptJson(key, box, place(table, row)));
}

const messagePlace = (id: string) => ({ table: 'messages', row: id, field: 'body' });

export function sealMessage(key: Uint8Array, id: string, body: string): Uint8Array {
  return encryptJson(key, body, messagePlace(id));
}

export function openMessage(key: Uint8Array, id: string, box: Uint8Array): string {
  return z.string().parse(decryptJson(key, box, messagePlace(id)));
}
