import type { CamtEntry } from './camt053.ts';
import type { Purpose } from './purposes.ts';
import { findRfReference, normaliseRfReference } from './rf-reference.ts';

/**
 * What becomes of each new line of a bank statement, decided without I/O. A credit in euros that
 * carries the RF reference of a pledge still open, for exactly the pledged amount, books that gift;
 * every other credit waits for the treasurer with the reason; money going out is listed and booked
 * with the expenses. A pledge past its expiry still matches: a late gift is better than a lost one.
 */
export type StatementLine = CamtEntry & {
  accountIban: string;
  /** camt:<account IBAN>:<entry ref>: the line's key here and its transaction's in the ledger */
  sourceRef: string;
};

export type PledgeToMatch = { giftId: string; rfReference: string; amountCents: bigint; purpose: Purpose; state: 'pledged' | 'received' };

export type WaitReason = 'no_reference' | 'unknown_reference' | 'amount_differs' | 'already_received' | 'currency' | 'reversal';

export type LineOutcome =
  | { kind: 'book'; giftId: string; purpose: Purpose }
  | { kind: 'wait'; reason: WaitReason; giftId: string | null }
  | { kind: 'debit' };

/** The line's RF reference: the structured one, else one the payer typed into the description. */
export function referenceOf(line: Pick<CamtEntry, 'structuredRef' | 'unstructured'>): string | null {
  const structured = line.structuredRef ? normaliseRfReference(line.structuredRef) : null;
  return structured ?? (line.unstructured ? findRfReference(line.unstructured) : null);
}

/**
 * Decides every line in order. A pledge is paid once: a second line for it in the same file
 * waits as "already received", like a line for a pledge received before.
 */
export function decideLines(lines: readonly StatementLine[], pledges: ReadonlyMap<string, PledgeToMatch>): LineOutcome[] {
  const paid = new Set<string>();
  return lines.map((line): LineOutcome => {
    if (line.direction === 'debit') return { kind: 'debit' };
    const reference = referenceOf(line);
    const pledge = reference ? pledges.get(reference) : undefined;
    const giftId = pledge?.giftId ?? null;
    if (line.reversal) return { kind: 'wait', reason: 'reversal', giftId };
    if (line.currency !== 'EUR') return { kind: 'wait', reason: 'currency', giftId };
    if (!reference) return { kind: 'wait', reason: 'no_reference', giftId: null };
    if (!pledge) return { kind: 'wait', reason: 'unknown_reference', giftId: null };
    if (pledge.state === 'received' || paid.has(pledge.giftId)) return { kind: 'wait', reason: 'already_received', giftId };
    if (line.amountCents !== pledge.amountCents) return { kind: 'wait', reason: 'amount_differs', giftId };
    paid.add(pledge.giftId);
    return { kind: 'book', giftId: pledge.giftId, purpose: pledge.purpose };
  });
}
