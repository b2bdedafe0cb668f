import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { queueThanks } from './donor-mail.ts';

/**
 * What follows every gift that has just become 'received', however it arrived (a provider's
 * webhook, a monthly payment, a bank statement, a treasurer's hand): the audit entry and the
 * donor's thank-you, in the transaction that booked it. The caller has changed the row's state
 * exactly once, so a replayed booking reaches none of this.
 */
export async function giftReceived(tx: Queryable, actorUserId: string | null, giftId: string, seq: bigint): Promise<void> {
  await appendAudit(tx, actorUserId, { kind: 'gift.received', giftId, seq: seq.toString() });
  await queueThanks(tx, giftId);
}
