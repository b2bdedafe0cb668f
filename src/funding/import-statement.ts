import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { createVault, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import type { Giving } from '../config.ts';
import { todayIn } from '../i18n/days.ts';
import { Camt053Error, parseCamt053, type Camt053ErrorCode } from './camt053.ts';
import { normaliseIban } from './iban.ts';
import { lineDetailsField, type LineDetails } from './gift-content.ts';
import { decideLines, referenceOf, type LineOutcome, type PledgeToMatch, type StatementLine } from './statement-match.ts';
import { bookGift } from './book-gift.ts';
import { readersOf } from './vault-readers.ts';

export type ImportProblem = Camt053ErrorCode | 'no_bank' | 'other_account';
export type ImportSummary = { fresh: number; known: number; booked: number; waiting: number; debits: number };
export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; problem: ImportProblem; where?: string };

/**
 * Imports a camt.053 file. Every line is stored once, by its source ref; a credit that pays an
 * open pledge exactly is booked as a gift in the ledger (with the same source ref, so it is booked
 * at most once) and the pledge marked received on the booking day. Importing the same file again
 * changes nothing. What the bank says about the payer is sealed in the import's own vault.
 *
 * Imports take turns (a transaction-level lock), then lock the pledges they pay in one order and
 * post to the ledger last: two treasurers who upload the same file at once book each line once.
 */
export async function importStatement(db: Db, holder: KeyHolder, bank: Giving['bank'], file: Uint8Array): Promise<ImportResult> {
  if (!bank) return { ok: false, problem: 'no_bank' };
  let lines: StatementLine[];
  try {
    lines = linesOf(parseCamt053(file), bank.iban);
  } catch (error) {
    if (error instanceof Camt053Error) return { ok: false, problem: error.code, where: error.where };
    if (error instanceof OtherAccount) return { ok: false, problem: 'other_account' };
    throw error;
  }
  const summary = await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(8, 23)');
    const known = new Set(
      (await tx.query<{ source_ref: string }>('select source_ref from bank_statement_lines where source_ref = any($1::text[])', [lines.map((line) => line.sourceRef)])).map(
        (row) => row.source_ref,
      ),
    );
    const fresh = lines.filter((line) => !known.has(line.sourceRef));
    const counts: ImportSummary = { fresh: fresh.length, known: lines.length - fresh.length, booked: 0, waiting: 0, debits: 0 };
    if (fresh.length === 0) {
      await appendAudit(tx, holder.userId, { kind: 'statement.imported', importId: null, fresh: 0, booked: 0 });
      return counts;
    }
    const outcomes = decideLines(fresh, await lockPledges(tx, fresh));
    const importId = randomUUID();
    const vault = await createVault(tx, 'bank_statement', { table: 'bank_statement_imports', id: importId }, await readersOf(tx, 'bank_statement'), holder.userId);
    await tx.query('insert into bank_statement_imports (id, vault_id, imported_by, imported_on, new_lines) values ($1, $2, $3, $4, $5)', [
      importId,
      vault.id,
      holder.userId,
      todayIn(),
      fresh.length,
    ]);
    // Every row this transaction waits for is locked above; the ledger's lock comes last.
    for (const [index, line] of fresh.entries()) {
      const outcome = outcomes[index]!;
      const seq = outcome.kind === 'book' ? await bookGift(tx, holder.userId, line, outcome.purpose, outcome.giftId, 'Gift by bank transfer') : null;
      await insertLine(tx, vault, importId, line, outcome, seq);
      counts[outcome.kind === 'book' ? 'booked' : outcome.kind === 'wait' ? 'waiting' : 'debits'] += 1;
    }
    await appendAudit(tx, holder.userId, { kind: 'statement.imported', importId, fresh: fresh.length, booked: counts.booked });
    return counts;
  });
  return { ok: true, summary };
}

class OtherAccount extends Error {}

/** The file's lines with their source refs, in one order (so imports lock rows alike); lines of no value are left out. */
function linesOf(parsed: ReturnType<typeof parseCamt053>, iban: string): StatementLine[] {
  const lines = new Map<string, StatementLine>();
  for (const statement of parsed.statements) {
    // The books' bank account is this one: a statement of another account would book money we never had.
    if (!statement.accountIban || normaliseIban(statement.accountIban) !== iban) throw new OtherAccount();
    for (const entry of statement.entries) {
      if (entry.amountCents <= 0n) continue;
      const sourceRef = `camt:${iban}:${entry.entryRef}`;
      if (!lines.has(sourceRef)) lines.set(sourceRef, { ...entry, accountIban: iban, sourceRef });
    }
  }
  return [...lines.values()].sort((a, b) => (a.sourceRef < b.sourceRef ? -1 : a.sourceRef > b.sourceRef ? 1 : 0));
}

/** The pledges the lines name, locked in the order of their ids. */
async function lockPledges(tx: Queryable, lines: readonly StatementLine[]): Promise<Map<string, PledgeToMatch>> {
  const references = [...new Set(lines.filter((line) => line.direction === 'credit').map(referenceOf).filter((ref) => ref !== null))];
  if (references.length === 0) return new Map();
  const rows = await tx.query<{ id: string; rf_reference: string; amount_cents: bigint; purpose: PledgeToMatch['purpose']; state: PledgeToMatch['state'] }>(
    'select id, rf_reference, amount_cents, purpose, state from gifts where rf_reference = any($1::text[]) order by id for update',
    [references],
  );
  return new Map(rows.map((row) => [row.rf_reference, { giftId: row.id, rfReference: row.rf_reference, amountCents: row.amount_cents, purpose: row.purpose, state: row.state }]));
}

async function insertLine(tx: Queryable, vault: Vault, importId: string, line: StatementLine, outcome: LineOutcome, seq: bigint | null): Promise<void> {
  const id = randomUUID();
  const details: LineDetails = { counterpartyName: line.counterpartyName, counterpartyIban: line.counterpartyIban, text: line.unstructured, bankInfo: line.additionalInfo };
  const place = { id, source_ref: line.sourceRef, amount_cents: line.amountCents, booking_date: line.bookingDate, direction: line.direction };
  const state = outcome.kind === 'book' ? 'booked' : outcome.kind === 'wait' ? 'waiting' : 'debit';
  await tx.query(
    `insert into bank_statement_lines (id, import_id, vault_id, source_ref, account_iban, booking_date, value_date, amount_cents, currency, direction,
       rf_reference, details, state, reason, gift_id, ledger_seq, purpose, booked_as)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      id,
      importId,
      vault.id,
      line.sourceRef,
      line.accountIban,
      line.bookingDate,
      line.valueDate,
      line.amountCents,
      line.currency,
      line.direction,
      line.direction === 'credit' ? referenceOf(line) : null,
      vault.seal(lineDetailsField, place, details),
      state,
      outcome.kind === 'wait' ? outcome.reason : null,
      outcome.kind === 'debit' ? null : outcome.giftId,
      seq,
      outcome.kind === 'book' ? outcome.purpose : null,
      outcome.kind === 'book' ? 'gift' : null,
    ],
  );
}
