import { z } from 'zod';
import { sealedField } from '../crypto/sealed.ts';

/**
 * A case's own record of the person, in the core vault: not the help form's fields but what the
 * team keeps — the name they want to be called, how to reach them safely, where they are.
 */
const text = (max: number) => z.string().trim().max(max).optional();

export const caseContentSchema = z.object({
  preferredName: text(200),
  pronouns: text(50),
  contacts: text(2000),
  languages: text(200),
  whereNow: text(500),
  /** YYYY-MM-DD: a date, never a moment in some time zone */
  arrivalDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  family: text(2000),
  story: text(20_000),
  /** for a referral: the partner organisation and the person there */
  referredBy: text(500),
  safety: z
    .object({
      contactShared: z.enum(['no', 'yes', 'unsure']).optional(),
      safeTimes: text(500),
      codeWord: text(200),
    })
    .default({}),
});

export type CaseContent = z.infer<typeof caseContentSchema>;

export const caseContentField = sealedField({
  table: 'cases',
  field: 'content',
  vaultColumn: 'core_vault_id',
  bound: ['created_at'],
  shred: 'clear',
});

/** A note: the case, the part it belongs to, its author and its time are bound to its text. */
export const caseNoteField = sealedField({
  table: 'case_notes',
  field: 'body',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'part', 'author_id', 'created_at'],
  shred: 'delete-row',
});

export const noteTextSchema = z.string();

const CAUTION = { no: 0, unsure: 1, yes: 2 } as const;
type Safety = CaseContent['safety'];

/**
 * What the case keeps of the safety answers when the same person writes again: the more cautious
 * answer to "is your phone shared or checked?" wins (a later "no" may come from whoever now holds
 * the phone), and safe times or a code word fill in only what the case does not have yet.
 * Answers null when nothing changes.
 */
export function mergeSafety(current: Safety, joined: Safety): Safety | null {
  const caution = (answer: Safety['contactShared']) => (answer ? CAUTION[answer] : -1);
  const merged: Safety = {
    contactShared: caution(joined.contactShared) > caution(current.contactShared) ? joined.contactShared : current.contactShared,
    safeTimes: current.safeTimes || joined.safeTimes,
    codeWord: current.codeWord || joined.codeWord,
  };
  const same = merged.contactShared === current.contactShared && merged.safeTimes === current.safeTimes && merged.codeWord === current.codeWord;
  return same ? null : merged;
}
