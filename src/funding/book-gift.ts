import type { Queryable } from '../db/client.ts';
import { postTransaction } from './ledger.ts';
import { giftReceived } from './gift-received.ts';
import { giftAccount, type Purpose } from './purposes.ts';

/** A bank statement line, as far as the books need it. */
export type ReceivedTransfer = { sourceRef: string; bookingDate: string; amountCents: bigint };

/**
 * Books money received by transfer as a gift for a purpose: the bank account is debited, the
 * purpose's income credited, on the bank's booking day, under the line's source ref (so one line
 * is booked once, whoever books it and however often). The pledge it pays, if it is still open, is
 * marked received on that day. The caller holds the locks on the line and the pledge: this posts to
 * the ledger, whose lock is then held until COMMIT, and writes only rows already locked.
 */
export async function bookGift(tx: Queryable, actorUserId: string, line: ReceivedTransfer, purpose: Purpose, giftId: string | null, description: string): Promise<bigint> {
  const posted = await postTransaction(tx, {
    kind: 'gift',
    occurredOn: line.bookingDate,
    description,
    sourceRef: line.sourceRef,
    entries: [
      { account: 'assets:bank', amountCents: line.amountCents },
      { account: giftAccount(purpose), amountCents: -line.amountCents },
    ],
    actorUserId,
  });
  // The line's key is in the books already: a line stored and booked, then lost from our own
  // table, would be a silent double booking. Refused instead, and the whole import with it.
  if (posted.duplicate) throw new Error('bookGift: this statement line was booked before.');
  if (giftId) {
    const received = await tx.query(
      "update gifts set state = 'received', received_on = $2, ledger_seq = $3 where id = $1 and state = 'pledged' returning id",
      [giftId, line.bookingDate, posted.seq],
    );
    if (received.length > 0) await giftReceived(tx, actorUserId, giftId, posted.seq);
  }
  return posted.seq;
}
