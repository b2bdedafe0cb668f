import type { Db, Queryable } from '../db/client.ts';
import { sameBytes, sha256 } from '../crypto/primitives.ts';
import type { AuditEvent } from './events.ts';

const GENESIS = new Uint8Array(32);
const CHAIN_LOCK = 7_104_202;

type StoredEntry = {
  seq: string | number;
  at: Date;
  actor_user_id: string | null;
  kind: string;
  detail: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
};

function entryHash(prev: Uint8Array, seq: number, at: Date, actor: string | null, kind: string, detail: string) {
  const body = JSON.stringify([seq, at.toISOString(), actor, kind, detail]);
  const bytes = new Uint8Array(prev.length + Buffer.byteLength(body));
  bytes.set(prev);
  bytes.set(new TextEncoder().encode(body), prev.length);
  return sha256(bytes);
}

/**
 * Appends one event inside the caller's transaction, chained to the previous entry by SHA-256,
 * so the event is written if and only if the change it records is.
 */
export async function appendAudit(tx: Queryable, actorUserId: string | null, event: AuditEvent): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const [last] = await tx.query<{ seq: string | number; hash: Uint8Array }>(
    'select seq, hash from audit_events order by seq desc limit 1',
  );
  const seq = last ? Number(last.seq) + 1 : 1;
  const prev = last ? last.hash : GENESIS;
  const at = new Date();
  const { kind, ...rest } = event;
  const detail = JSON.stringify(rest);
  const hash = entryHash(prev, seq, at, actorUserId, kind, detail);
  await tx.query(
    `insert into audit_events (seq, at, actor_user_id, kind, subject_id, detail, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [seq, at, actorUserId, kind, subjectOf(event), detail, prev, hash],
  );
}

function subjectOf(event: AuditEvent): string | null {
  if ('requestId' in event) return event.requestId;
  if ('caseId' in event) return event.caseId;
  if ('vaultId' in event) return event.vaultId;
  if ('userId' in event) return event.userId;
  return null;
}

export type AuditProblem = { seq: number; problem: 'edited' | 'chain_broken' | 'sequence_gap' };
export type AuditVerdict = { entries: number; problems: AuditProblem[] };

/** Recomputes the whole chain: an edited, inserted or deleted entry breaks it where it happened. */
export async function verifyAudit(db: Queryable): Promise<AuditVerdict> {
  const rows = await db.query<StoredEntry>(
    'select seq, at, actor_user_id, kind, detail, prev_hash, hash from audit_events order by seq',
  );
  const problems: AuditProblem[] = [];
  let prev: Uint8Array = GENESIS;
  let expectedSeq = 1;
  for (const row of rows) {
    const seq = Number(row.seq);
    if (seq !== expectedSeq) problems.push({ seq, problem: 'sequence_gap' });
    if (!sameBytes(row.prev_hash, prev)) problems.push({ seq, problem: 'chain_broken' });
    const recomputed = entryHash(row.prev_hash, seq, new Date(row.at), row.actor_user_id, row.kind, row.detail);
    if (!sameBytes(recomputed, row.hash)) problems.push({ seq, problem: 'edited' });
    prev = row.hash;
    expectedSeq = seq + 1;
  }
  return { entries: rows.length, problems };
}

export type AuditListEntry = { seq: number; at: Date; actorUserId: string | null; kind: string; subjectId: string | null };

export async function listAudit(db: Db, limit: number): Promise<AuditListEntry[]> {
  const rows = await db.query<{ seq: string | number; at: Date; actor_user_id: string | null; kind: string; subject_id: string | null }>(
    'select seq, at, actor_user_id, kind, subject_id from audit_events order by seq desc limit $1',
    [limit],
  );
  return rows.map((row) => ({ seq: Number(row.seq), at: row.at, actorUserId: row.actor_user_id, kind: row.kind, subjectId: row.subject_id }));
}
