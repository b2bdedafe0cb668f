import { createHash } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { auditMac } from '../crypto/instance-secret.ts';

/**
 * The audit chain: each entry's hash is a keyed hash (HMAC under a key derived from the instance
 * secret, which lives outside the database) of every column of the entry, including the previous
 * entry's hash. Someone who can write to the database but not read the secret can neither edit an
 * entry nor delete entries and recompute the chain. Cutting the tail leaves a valid chain; the
 * count and head hash, printed by `beside audit verify` and kept elsewhere, show it.
 */
export const GENESIS = new Uint8Array(32);

/** Taken by the transaction that appends, only for its last statements before COMMIT. */
export const CHAIN_LOCK = 7_104_202;

/** The columns an entry's hash covers (all of them but the hash itself). */
export type EntryColumns = {
  seq: bigint;
  at: Date;
  actorUserId: string | null;
  kind: string;
  subjectId: string | null;
  detail: string;
  prevHash: Uint8Array;
};

export type StoredEntry = EntryColumns & { hash: Uint8Array; subMillisecond: boolean };

/** A Date as the chain covers it; a date JS cannot hold (a writer's 'infinity') hashes as invalid. */
function isoOf(at: unknown): string {
  return at instanceof Date && !Number.isNaN(at.getTime()) ? at.toISOString() : 'invalid';
}

/** null and '' must differ, so nullable columns are covered as JSON. */
const nullable = (value: string | null) => JSON.stringify(value);

export function keyedHash(entry: EntryColumns): Uint8Array {
  return auditMac([
    'entry/v2',
    entry.seq.toString(),
    isoOf(entry.at),
    nullable(entry.actorUserId),
    entry.kind,
    nullable(entry.subjectId),
    entry.detail,
    entry.prevHash,
  ]);
}

/** The first rule: plain SHA-256, without subject_id. Only to upgrade chains written with it. */
export function legacyHash(entry: EntryColumns): Uint8Array {
  const body = JSON.stringify([Number(entry.seq), isoOf(entry.at), entry.actorUserId, entry.kind, entry.detail]);
  return new Uint8Array(createHash('sha256').update(entry.prevHash).update(body).digest());
}

export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function hexOf(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
}

/** What an append writes: the event's columns, before the chain gives it a place. */
export type NewEntry = { at: Date; actorUserId: string | null; kind: string; subjectId: string | null; detail: string };

/**
 * Appends entries at the head of the chain, in order. Takes the chain lock, so call it as the
 * last work of a transaction: the lock is held until COMMIT and nothing else waits inside it.
 * The head is read after the lock is granted, which sees the previous holder's entries only in
 * a READ COMMITTED transaction (PostgreSQL's default, and every transaction Beside opens).
 */
export async function writeEntries(tx: Queryable, entries: readonly NewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const [head] = await tx.query<{ seq: bigint; hash: Uint8Array }>('select seq, hash from audit_events order by seq desc limit 1');
  let seq = head?.seq ?? 0n;
  let prevHash = head?.hash ?? GENESIS;
  for (const entry of entries) {
    seq += 1n;
    const columns: EntryColumns = { ...entry, seq, prevHash };
    const hash = keyedHash(columns);
    await tx.query(
      `insert into audit_events (seq, at, actor_user_id, kind, subject_id, detail, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [seq, entry.at, entry.actorUserId, entry.kind, entry.subjectId, entry.detail, prevHash, hash],
    );
    prevHash = hash;
  }
}

type Row = {
  seq: bigint;
  at: Date;
  sub_ms: boolean | null;
  actor_user_id: string | null;
  kind: string;
  subject_id: string | null;
  detail: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
};

const COLUMNS = `seq, at, at <> date_trunc('milliseconds', at) as sub_ms, actor_user_id, kind, subject_id, detail, prev_hash, hash`;

/** Every entry in order, read in batches so a long log never sits in memory at once. */
export async function* readChain(db: Queryable, batch = 5000): AsyncGenerator<StoredEntry> {
  let rows = await db.query<Row>(`select ${COLUMNS} from audit_events order by seq limit $1`, [batch]);
  while (rows.length > 0) {
    for (const row of rows) {
      yield {
        seq: row.seq,
        at: row.at,
        subMillisecond: row.sub_ms === true,
        actorUserId: row.actor_user_id,
        kind: row.kind,
        subjectId: row.subject_id,
        detail: row.detail,
        prevHash: row.prev_hash,
        hash: row.hash,
      };
    }
    if (rows.length < batch) return;
    rows = await db.query<Row>(`select ${COLUMNS} from audit_events where seq > $1 order by seq limit $2`, [rows[rows.length - 1]!.seq, batch]);
  }
}

export type AuditProblem = { seq: number; problem: 'edited' | 'chain_broken' | 'sequence_gap' };
/** The last entry: its number and hash (hex). Kept elsewhere, it shows a cut tail later. */
export type AuditHead = { seq: number; hash: string };
export type AuditVerdict = { entries: number; problems: AuditProblem[]; head: AuditHead | null };

/** Walks the chain under one hash rule: an edited, inserted or deleted entry breaks it where it happened. */
export async function checkChain(db: Queryable, rule: (entry: EntryColumns) => Uint8Array): Promise<AuditVerdict> {
  const problems: AuditProblem[] = [];
  let prev: Uint8Array = GENESIS;
  let expected = 1n;
  let entries = 0;
  let last: StoredEntry | undefined;
  for await (const entry of readChain(db)) {
    const seq = Number(entry.seq);
    if (entry.seq !== expected) problems.push({ seq, problem: 'sequence_gap' });
    if (!sameHash(entry.prevHash, prev)) problems.push({ seq, problem: 'chain_broken' });
    if (entry.subMillisecond || !sameHash(rule(entry), entry.hash)) problems.push({ seq, problem: 'edited' });
    prev = entry.hash;
    expected = entry.seq + 1n;
    entries += 1;
    last = entry;
  }
  return { entries, problems, head: last ? { seq: Number(last.seq), hash: hexOf(last.hash) } : null };
}
