import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { openVaultAsUser, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import { todayIn } from '../i18n/days.ts';
import { lineDetailsField, lineDetailsSchema, lineNoteField, lineNoteSchema, type LineDetails } from './gift-content.ts';
import type { Purpose } from './purposes.ts';
import type { Provider } from './payment-config.ts';
import type { WaitReason } from './statement-match.ts';
import { bookGift } from './book-gift.ts';

/** Why a treasurer says a credit is not a gift. */
export const DISMISS_REASONS = ['own_transfer', 'refund', 'grant', 'mistake', 'other'] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];
/** Why a treasurer leaves a payment out of the books: money moved to an account of our own, or something else (with a note). */
export const DEBIT_DISMISS_REASONS = ['own_transfer', 'other'] as const satisfies readonly DismissReason[];

/** 'debit': a payment out waiting for the treasurer; 'reconciled': one linked to the expense it paid. */
export type LineState = 'booked' | 'waiting' | 'dismissed' | 'debit' | 'reconciled';
/** What a booked line was booked as. */
export type BookedAs = 'gift' | 'payout' | 'bank_costs';

/** A statement line as the treasurer's page shows it; what the bank says of the payer only when their key opens it. */
export type LineView = {
  id: string;
  bookingDate: string;
  amountCents: bigint;
  currency: string;
  direction: 'credit' | 'debit';
  rfReference: string | null;
  state: LineState;
  reason: WaitReason | null;
  purpose: Purpose | null;
  bookedAs: BookedAs | null;
  provider: Provider | null;
  /** the expense a payment out paid */
  expenseId: string | null;
  dismissReason: DismissReason | null;
  /** the pledge it paid or may belong to */
  pledge: { giftId: string; rfReference: string; amountCents: bigint; purpose: Purpose; received: boolean } | null;
  details: LineDetails | 'locked' | 'unverified';
  note: string | null | 'unverified';
};

/** A line as the lists read it: what lockLine reads, with its details, decision and pledge. */
type LineRow = LockedLine & {
  rf_reference: string | null;
  details: Uint8Array | null;
  purpose: Purpose | null;
  booked_as: BookedAs | null;
  provider: Provider | null;
  expense_id: string | null;
  dismiss_reason: DismissReason | null;
  note: Uint8Array | null;
  gift_rf: string | null;
  gift_amount: bigint | null;
  gift_purpose: Purpose | null;
  gift_state: string | null;
};

const WHICH = {
  waiting: "l.state = 'waiting'",
  debits: "l.state = 'debit'",
  decided: "l.state in ('booked', 'dismissed', 'reconciled')",
} as const;
export type LineList = keyof typeof WHICH;

/**
 * The treasurer's three lists (waiting, money out, decided), newest booking day first, with what
 * the bank says of each payer: every import's vault the page needs is opened once (and audited).
 */
export async function readStatementLines(db: Db, holder: KeyHolder, limit = 100): Promise<Record<LineList, LineView[]>> {
  return db.transaction(async (tx) => {
    const lists = {} as Record<LineList, LineRow[]>;
    for (const which of Object.keys(WHICH) as LineList[]) {
      lists[which] = await tx.query<LineRow>(
        `select l.id, l.vault_id, l.source_ref, l.booking_date, l.amount_cents, l.currency, l.direction, l.rf_reference, l.details, l.state,
                l.reason, l.purpose, l.booked_as, l.provider, l.expense_id, l.dismiss_reason, l.note, l.gift_id,
                g.rf_reference as gift_rf, g.amount_cents as gift_amount, g.purpose as gift_purpose, g.state as gift_state
           from bank_statement_lines l left join gifts g on g.id = l.gift_id
          where ${WHICH[which]}
          order by l.booking_date desc, l.id limit $1`,
        [limit],
      );
    }
    const vaults = new Map<string, Vault | null>();
    for (const row of Object.values(lists).flat()) {
      if (!vaults.has(row.vault_id)) vaults.set(row.vault_id, await openVaultAsUser(tx, holder, row.vault_id, 'bank-statement.read'));
    }
    const view = (rows: LineRow[]) => rows.map((row) => toView(row, vaults.get(row.vault_id) ?? null));
    return { waiting: view(lists.waiting), debits: view(lists.debits), decided: view(lists.decided) };
  });
}

function toView(row: LineRow, vault: Vault | null): LineView {
  const place = { id: row.id, source_ref: row.source_ref, amount_cents: row.amount_cents, booking_date: row.booking_date, direction: row.direction };
  let details: LineView['details'] = 'locked';
  if (vault && row.details) {
    const opened = vault.tryOpen(lineDetailsField, place, row.details, lineDetailsSchema);
    details = opened.ok ? opened.value : 'unverified';
  }
  let note: LineView['note'] = null;
  if (vault && row.note) {
    const opened = vault.tryOpen(lineNoteField, { id: row.id, source_ref: row.source_ref, dismiss_reason: row.dismiss_reason }, row.note, lineNoteSchema);
    note = opened.ok ? opened.value : 'unverified';
  }
  return {
    id: row.id,
    bookingDate: row.booking_date,
    amountCents: row.amount_cents,
    currency: row.currency,
    direction: row.direction,
    rfReference: row.rf_reference,
    state: row.state,
    reason: row.reason,
    purpose: row.purpose,
    bookedAs: row.booked_as,
    provider: row.provider,
    expenseId: row.expense_id,
    dismissReason: row.dismiss_reason,
    pledge:
      row.gift_id && row.gift_rf && row.gift_amount !== null && row.gift_purpose
        ? { giftId: row.gift_id, rfReference: row.gift_rf, amountCents: row.gift_amount, purpose: row.gift_purpose, received: row.gift_state === 'received' }
        : null,
    details,
    note,
  };
}

export type LockedLine = {
  id: string;
  vault_id: string;
  source_ref: string;
  booking_date: string;
  amount_cents: bigint;
  currency: string;
  direction: 'credit' | 'debit';
  state: LineState;
  reason: WaitReason | null;
  gift_id: string | null;
};

/** A line, locked for a decision: every decision takes the line's row first, then what it books against. */
export async function lockLine(tx: Queryable, lineId: string): Promise<LockedLine | null> {
  const [row] = await tx.query<LockedLine>(
    'select id, vault_id, source_ref, booking_date, amount_cents, currency, direction, state, reason, gift_id from bank_statement_lines where id = $1 for update',
    [lineId],
  );
  return row ?? null;
}

export type BookedByHand = 'booked' | 'not_waiting' | 'not_euro' | 'not_a_gift';

/**
 * Books a waiting credit as a gift for the purpose the treasurer chose (a gift without a pledge,
 * or the pledge it may belong to, which is then marked received if it was still open). Null: no
 * such line.
 */
export async function bookLineByHand(db: Db, holder: KeyHolder, lineId: string, purpose: Purpose): Promise<BookedByHand | null> {
  return db.transaction(async (tx) => {
    const line = await lockLine(tx, lineId);
    if (!line) return null;
    if (line.state !== 'waiting') return 'not_waiting';
    if (line.currency !== 'EUR') return 'not_euro';
    // The bank undoing one of our own payments: money coming back, never a gift.
    if (line.reason === 'reversal') return 'not_a_gift';
    const pledge = line.gift_id ? (await tx.query<{ state: string }>('select state from gifts where id = $1 for update', [line.gift_id]))[0] : undefined;
    const transfer = { sourceRef: line.source_ref, bookingDate: line.booking_date, amountCents: line.amount_cents };
    const seq = await bookGift(tx, holder.userId, transfer, purpose, pledge?.state === 'pledged' ? line.gift_id : null, 'Gift by bank transfer, booked by hand');
    await tx.query(
      "update bank_statement_lines set state = 'booked', booked_as = 'gift', reason = null, ledger_seq = $2, purpose = $3, decided_by = $4, decided_on = $5 where id = $1",
      [lineId, seq, purpose, holder.userId, todayIn()],
    );
    await appendAudit(tx, holder.userId, { kind: 'statement.line_booked', lineId, seq: seq.toString() });
    return 'booked';
  });
}

/**
 * Marks a waiting credit "not a gift", or leaves a payment out of the books (a transfer to an account
 * of our own: DEBIT_DISMISS_REASONS), with a reason and an optional note (sealed in the import's
 * vault: it may name the payer). Null: no such line, or a note and no key to seal it with.
 */
export async function dismissLine(db: Db, holder: KeyHolder, lineId: string, reason: DismissReason, note: string | null): Promise<'dismissed' | 'not_waiting' | 'bad_reason' | null> {
  return db.transaction(async (tx) => {
    const line = await lockLine(tx, lineId);
    if (!line) return null;
    if (line.state !== (line.direction === 'debit' ? 'debit' : 'waiting')) return 'not_waiting';
    if (line.direction === 'debit' && !(DEBIT_DISMISS_REASONS as readonly DismissReason[]).includes(reason)) return 'bad_reason';
    let sealed: Uint8Array | null = null;
    if (note) {
      const vault = await openVaultAsUser(tx, holder, line.vault_id, 'bank-statement.note');
      if (!vault) return null;
      sealed = vault.seal(lineNoteField, { id: lineId, source_ref: line.source_ref, dismiss_reason: reason }, note);
    }
    await tx.query(
      "update bank_statement_lines set state = 'dismissed', reason = null, dismiss_reason = $2, note = $3, decided_by = $4, decided_on = $5 where id = $1",
      [lineId, reason, sealed, holder.userId, todayIn()],
    );
    await appendAudit(tx, holder.userId, { kind: 'statement.line_dismissed', lineId, reason });
    return 'dismissed';
  });
}
