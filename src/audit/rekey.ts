import type { Db, Queryable } from '../db/client.ts';
import {
  CHAIN_LOCK,
  GENESIS,
  hexOf,
  keyedHash,
  legacyHash,
  readChain,
  sameHash,
  writeEntries,
  type AuditHead,
  type AuditProblem,
  type StoredEntry,
} from './chain.ts';

export type RekeyOutcome =
  /** Empty, or every entry already keyed: nothing to do. */
  | { outcome: 'unchanged'; entries: number }
  /** The legacy entries now carry keyed hashes, and an `audit.rekeyed` entry says so. */
  | { outcome: 'rekeyed'; entries: number; rekeyed: number; head: AuditHead }
  /** The chain is broken under the old rule too: left exactly as it was. */
  | { outcome: 'refused'; entries: number; problems: AuditProblem[]; message: string };

/**
 * Upgrades a chain written with the first rule (plain SHA-256 over some columns) to the keyed
 * rule, in one transaction: only when the old chain is intact, possibly followed by entries
 * already keyed (written by this version before the upgrade ran). A broken chain is refused and
 * left as it was, so the damage stays visible to `audit verify`.
 *
 * Whoever can write to the database can forge a plain-SHA-256 chain, and this blesses it: call it
 * only when the instance secret is first adopted for a database from before instance secrets
 * (at start-up), never for a database that already recorded its secret.
 */
export async function rekeyLegacyAuditChain(db: Db): Promise<RekeyOutcome> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const entries: StoredEntry[] = [];
    for await (const entry of readChain(tx)) entries.push(entry);
    const { problems, legacy } = classify(entries);
    if (problems.length > 0) {
      return { outcome: 'refused' as const, entries: entries.length, problems, message: refusal(problems) };
    }
    if (legacy === 0) return { outcome: 'unchanged' as const, entries: entries.length };
    const legacyHead = hexOf(entries[legacy - 1]!.hash);
    await rewrite(tx, entries);
    await writeEntries(tx, [
      {
        at: new Date(),
        actorUserId: null,
        kind: 'audit.rekeyed',
        subjectId: null,
        detail: JSON.stringify({ entries: legacy, legacyHead }),
      },
    ]);
    const [head] = await tx.query<{ seq: bigint; hash: Uint8Array }>('select seq, hash from audit_events order by seq desc limit 1');
    return { outcome: 'rekeyed' as const, entries: entries.length + 1, rekeyed: legacy, head: { seq: Number(head!.seq), hash: hexOf(head!.hash) } };
  });
}

/**
 * Checks the chain link by link, each entry under the old rule or the keyed one, all old ones
 * first. Answers the problems (as `audit verify` names them) and how many entries are old.
 */
function classify(entries: readonly StoredEntry[]): { problems: AuditProblem[]; legacy: number } {
  const problems: AuditProblem[] = [];
  let prev: Uint8Array = GENESIS;
  let expected = 1n;
  let legacy = 0;
  let keyedSeen = false;
  for (const entry of entries) {
    const seq = Number(entry.seq);
    if (entry.seq !== expected) problems.push({ seq, problem: 'sequence_gap' });
    if (!sameHash(entry.prevHash, prev)) problems.push({ seq, problem: 'chain_broken' });
    const keyed = !entry.subMillisecond && sameHash(keyedHash(entry), entry.hash);
    const old = !keyed && !keyedSeen && !entry.subMillisecond && sameHash(legacyHash(entry), entry.hash);
    if (keyed) keyedSeen = true;
    else if (old) legacy += 1;
    else problems.push({ seq, problem: 'edited' });
    prev = entry.hash;
    expected = entry.seq + 1n;
  }
  return { problems, legacy };
}

/** Recomputes every hash from the genesis on, under the keyed rule. */
async function rewrite(tx: Queryable, entries: readonly StoredEntry[]): Promise<void> {
  let prevHash: Uint8Array = GENESIS;
  for (const entry of entries) {
    const hash = keyedHash({ ...entry, prevHash });
    if (!sameHash(hash, entry.hash) || !sameHash(prevHash, entry.prevHash)) {
      await tx.query('update audit_events set prev_hash = $2, hash = $3 where seq = $1', [entry.seq, prevHash, hash]);
    }
    prevHash = hash;
  }
}

function refusal(problems: readonly AuditProblem[]): string {
  const first = problems[0]!;
  return (
    `The audit log was written before keyed hashes and its chain is broken (${problems.length} problem(s), the first at entry #${first.seq}: ${first.problem}). ` +
    'It was left exactly as it was: `beside audit verify` lists the problems. Find out what happened before trusting it.'
  );
}
