import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { trustNewKey, type Principal } from '../crypto/principals.ts';
import { createVault } from '../crypto/vaults.ts';
import { submissionKeys } from '../crypto/submission-keys.ts';
import { confirmedCoordinators, userPrincipal } from '../auth/users.ts';
import type { Lang } from '../i18n/lang.ts';
import { requestContentField, type RequestContent } from './content.ts';
import type { Country, Need } from './needs.ts';
import { lastGroup, newReceipt } from './receipt.ts';
import { insertLookups, newLookups } from './receipt-lookups.ts';
import { claimPost, earlierReceipt, forgetExpiredPosts, linkPost } from './repeated-posts.ts';
import { raiseUrgentAlert } from '../notify/raise-alert.ts';

export type NewHelpRequest = {
  urgent: boolean;
  needs: Need[];
  country: Country | null;
  language: Lang;
  content: RequestContent;
  /** The four digits that end the duress code, if the person chose one (src/help/duress.ts); never stored. */
  duressEnding?: string;
  /**
   * Who posts, as far as a repeat needs to know (address and browser): two people who send the
   * same short form in the same minutes must not be taken for one. Only hashed, never stored.
   */
  sender?: string;
};

/** The receipt to show; `repeated` when the post repeats an earlier one and no request was made. */
export type Submission = { receipt: string; repeated: boolean };

/** The same form, whatever the order of its fields or choices: what a repeat is recognised by. */
function normalisedPost(input: NewHelpRequest): string {
  const content = Object.keys(input.content)
    .sort()
    .map((key) => [key, (input.content as Record<string, string | undefined>)[key]?.normalize('NFC')])
    .filter(([, value]) => value !== undefined);
  return JSON.stringify([input.sender ?? '', input.urgent, [...new Set(input.needs)].sort(), input.country, input.language, content, input.duressEnding ?? '']);
}

/**
 * Receives a help request. Its content is sealed at once to every confirmed coordinator, to the
 * recovery key and to the receipt holder (each key checked against the instance secret first);
 * the answer is the receipt, which nothing stores for long. A reload or a double tap posts the
 * same content again: within a few minutes it makes no second request and shows the first
 * receipt again (src/help/repeated-posts.ts), even when two identical posts arrive at once.
 */
export async function submitHelpForm(db: Db, input: NewHelpRequest): Promise<Submission> {
  // A form of choices alone is never taken for a repeat: two people behind one address (a
  // mobile network's shared address, one Tor circuit) may send the same choices in the same
  // minutes, and the second must never be shown the first one's code. A duplicate request is
  // the lesser harm; a double tap on a form with words in it, the usual case, makes none.
  const keys = carriesWords(input.content) ? submissionKeys(normalisedPost(input)) : null;
  if (keys) {
    await forgetExpiredPosts(db);
    const earlier = await earlierReceipt(db, keys);
    if (earlier) return { receipt: earlier, repeated: true };
  }

  let receipt = newReceipt();
  // The duress code is the receipt with the chosen ending: it must not be the receipt itself.
  while (input.duressEnding && lastGroup(receipt) === input.duressEnding) receipt = newReceipt();
  const { receiptKeys, rows: lookups } = await newLookups(db, receipt, input.duressEnding);
  const id = randomUUID();
  const created = await db.transaction(async (tx) => {
    if (keys && !(await claimPost(tx, keys, receipt))) return false;
    const { recovery } = await instanceKeys(tx);
    const principals: Principal[] = [
      ...(await confirmedCoordinators(tx)).map(userPrincipal),
      trustNewKey('receipt', id, receiptKeys.publicKey),
    ];
    if (recovery) principals.push(recovery);
    const vault = await createVault(tx, 'request', { table: 'help_requests', id }, principals, null);
    const place = { id, created_at: new Date() };
    await tx.query(
      `insert into help_requests (id, vault_id, urgent, needs, country, language, content, waiting_since, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8)`,
      [id, vault.id, input.urgent, input.needs, input.country, input.language, vault.seal(requestContentField, place, input.content), place.created_at],
    );
    await insertLookups(tx, id, lookups);
    if (keys) await linkPost(tx, keys, id);
    if (input.urgent) await raiseUrgentAlert(tx, id, place.created_at);
    await appendAudit(tx, null, { kind: 'request.received', requestId: id, urgent: input.urgent });
    return true;
  });
  if (created || !keys) return { receipt, repeated: false };
  // The same content was claimed by a post that ran alongside this one: show its receipt.
  const first = await earlierReceipt(db, keys);
  if (!first) throw new Error('A repeated help form was claimed but its receipt cannot be opened.');
  return { receipt: first, repeated: true };
}

/** Whether the person typed anything of their own, beyond the form's choices. */
function carriesWords(content: RequestContent): boolean {
  const { contactShared: _choice, ...typed } = content;
  return Object.values(typed).some((value) => (value ?? '').trim().length > 0);
}

/** The receipt alone, for callers that are not the web form (the demo, tests of other domains). */
export async function submitHelpRequest(db: Db, input: NewHelpRequest): Promise<string> {
  return (await submitHelpForm(db, input)).receipt;
}
