import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { isDb, type Queryable } from '../db/client.ts';
import { LEDGER_CHAIN_LOCK, LEDGER_GENESIS, type ChainedTransaction } from './ledger-hash.ts';
import { checkTransaction, LedgerError, mirrorEntries, sameEntries, type LedgerEntry, type NewLedgerTransaction } from './ledger-rules.ts';
import { entriesOf } from './ledger-read.ts';
import { writeTransaction } from './ledger-write.ts';

export type PostOutcome = { seq: bigint; duplicate: boolean };

/**
 * Books one transaction: its entries, the balances, monthly rows and kind count it moves, its link
 * in the hash chain and its audit entry, all in the caller's transaction (given the database, in
 * one of its own). Refuses with a LedgerError what does not balance or names an unknown account;
 * the database refuses it again at COMMIT. Idempotent by sourceRef: a second post with the same
 * key books nothing and answers the first one's seq with duplicate: true (the amounts are not
 * compared: the caller checks what it was paid).
 *
 * From reading the chain's head to COMMIT the chain's lock is held: posts are serialised, which is
 * what puts seq order, chain order and commit order in step (a row's hash is written with it, and
 * rows are never updated). Post as the last write of a transaction, so nothing waits on a row
 * while holding the lock; the audit chain's lock is taken after it, at COMMIT, always in that order.
 * A transaction that posts several times (a bank statement's lines) locks every row it needs
 * before its first post: otherwise a webhook holding one of those rows while it waits for the
 * chain's lock deadlocks with it.
 */
export async function postTransaction(tx: Queryable, t: NewLedgerTransaction): Promise<PostOutcome> {
  if (isDb(tx)) return tx.transaction((own) => postTransaction(own, t));
  checkTransaction(t);
  await checkAccounts(tx, t.entries);
  if (t.sourceRef !== undefined) {
    const seen = await findBySourceRef(tx, t.sourceRef);
    if (seen !== null) return { seq: seen, duplicate: true };
  }

  await tx.query('select pg_advisory_xact_lock($1)', [LEDGER_CHAIN_LOCK]);
  // Under the lock, a concurrent reversal of the same transaction has committed or not begun.
  if (t.reverses !== undefined) await checkReversal(tx, t.reverses, t.entries);
  const [head] = await tx.query<{ seq: bigint; hash: Uint8Array }>('select seq, hash from ledger_transactions order by seq desc limit 1');
  const chained: ChainedTransaction = {
    seq: (head?.seq ?? 0n) + 1n,
    id: randomUUID(),
    kind: t.kind,
    occurredOn: t.occurredOn,
    // Milliseconds, as JS holds them, so the time reads back as it was hashed.
    recordedAt: new Date(),
    description: t.description,
    sourceRef: t.sourceRef ?? null,
    reverses: t.reverses ?? null,
    actorUserId: t.actorUserId,
    entries: t.entries.map((entry, i) => ({ ...entry, line: i + 1 })),
    prevHash: head?.hash ?? LEDGER_GENESIS,
  };
  // A duplicate that committed between the look above and the lock is seen here, without an error.
  if ((await writeTransaction(tx, chained)) === null) return { seq: (await findBySourceRef(tx, t.sourceRef!))!, duplicate: true };
  await appendAudit(tx, t.actorUserId, { kind: 'ledger.posted', transactionId: chained.id, seq: chained.seq.toString(), transactionKind: t.kind });
  return { seq: chained.seq, duplicate: false };
}

export type Reversal = { actorUserId: string | null; occurredOn: string; description: string };

/** Corrects a transaction the only way the books allow: a new one with its entries' signs turned. Once. */
export async function reverseTransaction(tx: Queryable, seq: bigint, reversal: Reversal): Promise<PostOutcome> {
  const entries = await entriesOf(tx, seq);
  if (entries.length === 0) throw new LedgerError('not_found');
  return postTransaction(tx, { kind: 'reversal', reverses: seq, entries: mirrorEntries(entries), ...reversal });
}

async function checkAccounts(tx: Queryable, entries: readonly LedgerEntry[]): Promise<void> {
  const names = [...new Set(entries.map((entry) => entry.account))];
  const found = await tx.query<{ name: string }>('select name from ledger_accounts where name = any($1::text[])', [names]);
  if (found.length !== names.length) throw new LedgerError('unknown_account');
}

async function findBySourceRef(tx: Queryable, sourceRef: string): Promise<bigint | null> {
  const [row] = await tx.query<{ seq: bigint }>('select seq from ledger_transactions where source_ref = $1', [sourceRef]);
  return row?.seq ?? null;
}

async function checkReversal(tx: Queryable, seq: bigint, entries: readonly LedgerEntry[]): Promise<void> {
  const original = await entriesOf(tx, seq);
  if (original.length === 0) throw new LedgerError('not_found');
  if ((await tx.query('select 1 from ledger_transactions where reverses = $1', [seq])).length > 0) throw new LedgerError('already_reversed');
  if (!sameEntries(entries, mirrorEntries(original))) throw new LedgerError('not_a_mirror');
}
