import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { todayIn } from '../i18n/days.ts';
import type { StaffSession } from '../web/context.ts';
import { LEDGER_CHAIN_LOCK } from './ledger-hash.ts';
import { postTransaction } from './ledger-post.ts';
import { accountBalances } from './ledger-read.ts';
import type { LedgerEntry } from './ledger-rules.ts';
import type { Provider } from './payment-config.ts';
import { lockLine } from './statement-lines.ts';

export type PayoutBooking =
  | { done: 'booked' | 'not_waiting' | 'not_euro' | 'gross_below_net' | 'bank_return' }
  /** the payout would take the provider's balance in the books below zero: what it holds (never below 0) */
  | { done: 'provider_short'; balanceCents: bigint };

/**
 * Books a waiting credit as a payment provider's payout to the bank: Mollie or Stripe settling what
 * it collected, less its fees. One 'payout' transaction: the bank debited with what arrived (net),
 * the provider's balance credited with what the settlement covered (gross, from the provider's
 * settlement report; at least net), and the difference debited to the provider's fees. That is how
 * Mollie's fees, taken from its settlements and not known per payment, reach the books.
 *
 * Refused when it would take the provider's balance below zero: the books would then say the
 * provider paid out money no gift brought in. The gifts it settled are booked first (their
 * webhooks, or by hand), or the gross is wrong. Idempotent by the line's source ref.
 *
 * Locks in one order: the line's row (a second treasurer waits here, then sees it decided), then
 * the ledger's chain lock, taken before the balance is read so no other post moves it between the
 * check and the booking.
 */
export async function bookPayout(db: Db, staff: StaffSession, lineId: string, provider: Provider, grossCents: bigint): Promise<PayoutBooking | null> {
  return db.transaction(async (tx) => {
    const line = await lockLine(tx, lineId);
    if (!line) return null;
    if (line.direction !== 'credit' || line.state !== 'waiting') return { done: 'not_waiting' };
    if (line.currency !== 'EUR') return { done: 'not_euro' };
    // The bank undoing one of our own payments: money coming back, not a provider's payout.
    if (line.reason === 'reversal') return { done: 'bank_return' };
    const net = line.amount_cents;
    if (grossCents < net) return { done: 'gross_below_net' };
    await tx.query('select pg_advisory_xact_lock($1)', [LEDGER_CHAIN_LOCK]);
    const account = `assets:${provider}` as const;
    const balanceCents = (await accountBalances(tx, [account])).get(account) ?? 0n;
    if (grossCents > balanceCents) return { done: 'provider_short', balanceCents: balanceCents > 0n ? balanceCents : 0n };
    const entries: LedgerEntry[] = [{ account: 'assets:bank', amountCents: net }];
    if (grossCents > net) entries.push({ account: `expenses:fees:${provider}`, amountCents: grossCents - net });
    entries.push({ account, amountCents: -grossCents });
    const posted = await postTransaction(tx, {
      kind: 'payout',
      occurredOn: line.booking_date,
      description: provider === 'mollie' ? 'Payout from Mollie' : 'Payout from Stripe',
      sourceRef: line.source_ref,
      entries,
      actorUserId: staff.userId,
    });
    await tx.query(
      "update bank_statement_lines set state = 'booked', booked_as = 'payout', provider = $2, reason = null, ledger_seq = $3, decided_by = $4, decided_on = $5 where id = $1",
      [lineId, provider, posted.seq, staff.userId, todayIn()],
    );
    await appendAudit(tx, staff.userId, { kind: 'statement.payout_booked', lineId, provider, seq: posted.seq.toString() });
    return { done: 'booked' };
  });
}
