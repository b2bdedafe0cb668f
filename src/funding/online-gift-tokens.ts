import { z } from 'zod';
import { submissionKeys, type SubmissionKeys } from '../crypto/submission-keys.ts';
import { submissionMac } from '../crypto/instance-secret.ts';
import { hashToken, sameBytes } from '../crypto/tokens.ts';

/**
 * The two secrets a donor who pays online holds, each a random 256-bit token in an address:
 *
 * - the way back from the provider's page (/…/give/return/<token>): the database keeps a keyed
 *   fingerprint of it, and the gift code (with a monthly gift's manage token) sealed under a key
 *   derived from it, so the page can show them once the gift is booked and a stolen database
 *   cannot;
 * - a monthly gift's manage link (/…/give/monthly/<token>): only a hash is kept.
 */

/** Tokens in addresses are randomToken()'s 43 characters of base64url; anything else is not one. */
export const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function returnKeys(token: string): SubmissionKeys {
  return submissionKeys(`gift-return|${token}`, { table: 'gifts', field: 'return_box' });
}

const returnContent = z.object({ code: z.string(), manage: z.string().nullable() });
export type ReturnContent = z.infer<typeof returnContent>;

export function sealReturn(keys: SubmissionKeys, content: ReturnContent): Uint8Array {
  return keys.sealReceipt(JSON.stringify(content));
}

/** What the box holds, or null when it does not open with this token. */
export function openReturn(keys: SubmissionKeys, box: Uint8Array): ReturnContent | null {
  const text = keys.openReceipt(box);
  if (text === null) return null;
  const parsed = returnContent.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/** What the database keeps of a manage token; the label keeps it apart from every other token's hash. */
export function manageTokenHash(token: string): Uint8Array {
  return hashToken(`beside/monthly-manage|${token}`);
}

/**
 * The cancel form's token: the manage page carries it, and only someone who read that page (so
 * holds the manage token) can post it. Keyed with the instance secret, so the database alone
 * does not give it either.
 */
export function cancelFormToken(manageToken: string): string {
  return Buffer.from(submissionMac(['monthly-cancel', manageToken])).toString('base64url');
}

export function isCancelFormToken(manageToken: string, typed: string): boolean {
  return sameBytes(new TextEncoder().encode(cancelFormToken(manageToken)), new TextEncoder().encode(typed));
}
