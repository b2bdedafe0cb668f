import { isDb, isTransaction, type Db, type Queryable, type Tx } from '../db/client.ts';
import { checkChain, keyedHash, writeEntries, type AuditVerdict, type NewEntry } from './chain.ts';
import type { AuditEvent } from './events.ts';

export type { AuditHead, AuditProblem, AuditVerdict } from './chain.ts';
export { rekeyLegacyAuditChain, type RekeyOutcome } from './rekey.ts';

/** Entries waiting for their transaction to commit. */
const queued = new WeakMap<Tx, NewEntry[]>();

/**
 * Records an event in the caller's transaction: written if and only if the change it records is.
 * The entry is queued and written just before COMMIT, in one flush that takes the chain lock last,
 * so a transaction never holds the global chain lock while it waits for a row (on PostgreSQL two
 * transactions taking both in opposite orders deadlocked). Given the database itself rather than
 * a transaction, it appends in a short transaction of its own.
 */
export async function appendAudit(tx: Queryable, actorUserId: string | null, event: AuditEvent): Promise<void> {
  const { kind, ...rest } = event;
  const entry: NewEntry = { at: new Date(), actorUserId, kind, subjectId: subjectOf(event), detail: JSON.stringify(rest) };
  if (isTransaction(tx)) return queue(tx, entry);
  if (isDb(tx)) return tx.transaction((own) => writeEntries(own, [entry]));
  // Some other Queryable (not made by db/client.ts): append at once, inside whatever it runs in.
  return writeEntries(tx, [entry]);
}

function queue(tx: Tx, entry: NewEntry): void {
  const waiting = queued.get(tx);
  if (waiting) {
    waiting.push(entry);
    return;
  }
  const entries = [entry];
  queued.set(tx, entries);
  tx.beforeCommit(() => {
    queued.delete(tx); // an entry appended by later commit work gets a flush of its own
    return writeEntries(tx, entries);
  });
}

function subjectOf(event: AuditEvent): string | null {
  if ('requestId' in event) return event.requestId;
  if ('caseId' in event) return event.caseId;
  if ('vaultId' in event) return event.vaultId;
  if ('userId' in event) return event.userId;
  if ('inviteId' in event) return event.inviteId;
  if ('entryId' in event) return event.entryId;
  if ('templateId' in event) return event.templateId;
  if ('transactionId' in event) return event.transactionId;
  if ('giftId' in event) return event.giftId;
  if ('monthlyGiftId' in event) return event.monthlyGiftId;
  if ('importId' in event) return event.importId;
  if ('lineId' in event) return event.lineId;
  if ('supporterId' in event) return event.supporterId;
  if ('updateId' in event) return event.updateId;
  if ('expenseId' in event) return event.expenseId;
  return null;
}

/** Recomputes the whole keyed chain, and names its head for comparison with a copy kept elsewhere. */
export function verifyAudit(db: Queryable): Promise<AuditVerdict> {
  return checkChain(db, keyedHash);
}

export type AuditListEntry = { seq: number; at: Date; actorUserId: string | null; kind: string; subjectId: string | null };

export async function listAudit(db: Db, limit: number): Promise<AuditListEntry[]> {
  const rows = await db.query<{ seq: bigint; at: Date; actor_user_id: string | null; kind: string; subject_id: string | null }>(
    'select seq, at, actor_user_id, kind, subject_id from audit_events order by seq desc limit $1',
    [limit],
  );
  return rows.map((row) => ({ seq: Number(row.seq), at: row.at, actorUserId: row.actor_user_id, kind: row.kind, subjectId: row.subject_id }));
}

/** The hash (hex) of one entry, or null: to compare with a head printed and kept earlier. */
export async function auditEntryHash(db: Queryable, seq: number): Promise<string | null> {
  const [row] = await db.query<{ hash: Uint8Array }>('select hash from audit_events where seq = $1', [seq]);
  return row ? Buffer.from(row.hash).toString('hex') : null;
}
