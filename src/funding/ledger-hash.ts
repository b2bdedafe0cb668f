import { auditMac } from '../crypto/instance-secret.ts';
import type { LedgerEntry } from './ledger-rules.ts';

/**
 * The ledger's hash chain, like the audit log's (src/audit/chain.ts): each transaction's hash is
 * a keyed hash, under the instance secret that lives outside the database, of every column, every
 * entry and the previous transaction's hash. Someone who can write to the database but not read
 * the secret can neither edit the books nor delete a transaction and recompute the chain; cutting
 * the tail leaves a valid chain, which the count and head hash printed by `beside ledger check`,
 * kept elsewhere, show.
 */
export const LEDGER_GENESIS = new Uint8Array(32);

/** Taken by a transaction that posts, from reading the head until COMMIT (another number than the audit chain's). */
export const LEDGER_CHAIN_LOCK = 7_104_203;

export type ChainedTransaction = {
  seq: bigint;
  id: string;
  kind: string;
  occurredOn: string;
  recordedAt: Date;
  description: string;
  sourceRef: string | null;
  reverses: bigint | null;
  actorUserId: string | null;
  entries: readonly (LedgerEntry & { line: number })[];
  prevHash: Uint8Array;
};

/** A Date as the chain covers it; a time JS cannot hold (a writer's 'infinity') hashes as invalid. */
function isoOf(at: Date): string {
  return Number.isNaN(at.getTime()) ? 'invalid' : at.toISOString();
}

/** null and '' (or 0) must differ, so nullable columns are covered as JSON. */
const nullable = (value: string | bigint | null) => JSON.stringify(value === null ? null : String(value));

export function hashTransaction(t: ChainedTransaction): Uint8Array {
  // auditMac length-prefixes every part, so no two different lists of parts hash alike; the
  // domain label keeps a ledger hash from ever standing for an audit entry's.
  return auditMac([
    'ledger/v1',
    t.seq.toString(),
    t.id,
    t.kind,
    t.occurredOn,
    isoOf(t.recordedAt),
    t.description,
    nullable(t.sourceRef),
    nullable(t.reverses),
    nullable(t.actorUserId),
    String(t.entries.length),
    ...t.entries.flatMap((entry) => [String(entry.line), entry.account, entry.amountCents.toString()]),
    t.prevHash,
  ]);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
