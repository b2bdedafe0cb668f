/**
 * The ledger's arithmetic, without I/O: what a transaction must be to be posted, a reversal's
 * entries, and what one transaction adds to the totals the ledger keeps. Amounts are integer
 * cents as bigint, positive for a debit and negative for a credit (hledger's sign).
 */
export const TX_KINDS = ['gift', 'fee', 'payout', 'expense', 'refund', 'chargeback', 'reversal', 'opening', 'adjustment'] as const;

export type TxKind = (typeof TX_KINDS)[number];

export type LedgerEntry = { account: string; amountCents: bigint };

export type NewLedgerTransaction = {
  kind: TxKind;
  /** The day it happened, YYYY-MM-DD (a calendar day, not a time: no trace to match a bank statement with). */
  occurredOn: string;
  /** What happened, with no personal data: 'Gift by bank transfer'. */
  description: string;
  /** The poster's idempotency key ('mollie:tr_x', 'camt:<ref>'): a second post with it books nothing. */
  sourceRef?: string;
  /** The transaction this one reverses (kind 'reversal' only; see reverseTransaction). */
  reverses?: bigint;
  entries: LedgerEntry[];
  actorUserId: string | null;
};

export type LedgerErrorCode =
  | 'unbalanced'
  | 'too_few_entries'
  | 'zero_amount'
  | 'amount_out_of_range'
  | 'unknown_account'
  | 'bad_kind'
  | 'bad_date'
  | 'bad_description'
  | 'bad_source_ref'
  | 'not_found'
  | 'already_reversed'
  | 'not_a_mirror';

/** Why a transaction was refused; nothing was written. */
export class LedgerError extends Error {
  constructor(readonly code: LedgerErrorCode) {
    super(`ledger: ${code}`);
    this.name = 'LedgerError';
  }
}

/** Far above any gift or expense, and far below where a sum of them could overflow int8. */
export const MAX_AMOUNT_CENTS = 10n ** 13n;
const MAX_TEXT = 200;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isTxKind(value: unknown): value is TxKind {
  return typeof value === 'string' && (TX_KINDS as readonly string[]).includes(value);
}

/** A real calendar day written YYYY-MM-DD (2025-02-30 is not one). */
export function isCalendarDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return day.toISOString().slice(0, 10) === text && Number(match[1]) >= 1900;
}

/** The first day of the day's month, as ledger_monthly keys it. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/**
 * Refuses, with a typed error, what the database would refuse at commit (and a little more), so a
 * caller learns why before anything is written.
 */
export function checkTransaction(t: NewLedgerTransaction): void {
  if (!isTxKind(t.kind) || (t.kind === 'reversal') !== (t.reverses !== undefined)) throw new LedgerError('bad_kind');
  if (!isCalendarDay(t.occurredOn)) throw new LedgerError('bad_date');
  if (t.description.trim() === '' || t.description.length > MAX_TEXT) throw new LedgerError('bad_description');
  if (t.sourceRef !== undefined && (t.sourceRef === '' || t.sourceRef.length > MAX_TEXT)) throw new LedgerError('bad_source_ref');
  if (t.entries.length < 2) throw new LedgerError('too_few_entries');
  let sum = 0n;
  for (const entry of t.entries) {
    if (typeof entry.amountCents !== 'bigint') throw new LedgerError('amount_out_of_range');
    if (entry.amountCents === 0n) throw new LedgerError('zero_amount');
    if (entry.amountCents > MAX_AMOUNT_CENTS || entry.amountCents < -MAX_AMOUNT_CENTS) throw new LedgerError('amount_out_of_range');
    sum += entry.amountCents;
  }
  if (sum !== 0n) throw new LedgerError('unbalanced');
}

/** A reversal's entries: the original's, line for line, with the sign turned. */
export function mirrorEntries(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return entries.map((entry) => ({ account: entry.account, amountCents: -entry.amountCents }));
}

export function sameEntries(a: readonly LedgerEntry[], b: readonly LedgerEntry[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.account === b[i]!.account && entry.amountCents === b[i]!.amountCents);
}

/** What one transaction adds to one account's totals. */
export type AccountMovement = { account: string; sumCents: bigint; entries: bigint; debitCents: bigint; creditCents: bigint };

/**
 * The transaction's entries summed per account, sorted by account name: the order in which the
 * totals' rows are locked, the same in every transaction, so two posts never wait on each other
 * in a cycle.
 */
export function movementsOf(entries: readonly LedgerEntry[]): AccountMovement[] {
  const byAccount = new Map<string, AccountMovement>();
  for (const { account, amountCents } of entries) {
    const movement = byAccount.get(account) ?? { account, sumCents: 0n, entries: 0n, debitCents: 0n, creditCents: 0n };
    movement.sumCents += amountCents;
    movement.entries += 1n;
    if (amountCents > 0n) movement.debitCents += amountCents;
    else movement.creditCents -= amountCents;
    byAccount.set(account, movement);
  }
  return [...byAccount.values()].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}
