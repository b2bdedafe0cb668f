import { auditEntryHash, verifyAudit, type AuditVerdict } from '../audit/log.ts';
import { parseOptions, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { UsageError } from './errors.ts';

const entriesOf = (count: number) => `${count} ${count === 1 ? 'entry' : 'entries'}`;

/**
 * One line per problem, then one line with the number of entries and the head (the last entry's
 * number and hash): kept elsewhere, it shows later whether the tail of the log was cut.
 */
export function describeVerdict(verdict: AuditVerdict): string[] {
  const head = verdict.head ? `, head #${verdict.head.seq} ${verdict.head.hash}` : '';
  if (verdict.problems.length === 0) return [`audit log intact: ${entriesOf(verdict.entries)}${head}`];
  return [
    ...verdict.problems.map((problem) => `entry #${problem.seq}: ${problem.problem}`),
    `audit log BROKEN: ${verdict.problems.length} problem(s) in ${entriesOf(verdict.entries)}${head}`,
  ];
}

export type Anchor = { seq: number; hash: string };

/** Reads `--since 123:3f9a…`, a head printed by an earlier run. */
export function parseAnchor(text: string): Anchor {
  const match = /^#?(\d+)[: ]([0-9a-f]{64})$/i.exec(text.trim());
  if (!match) throw new UsageError('--since takes a head as printed earlier: <number>:<64 hex digits>.');
  return { seq: Number(match[1]), hash: match[2]!.toLowerCase() };
}

export function describeAnchor(anchor: Anchor, found: string | null): { line: string; ok: boolean } {
  if (found === anchor.hash) return { line: `entry #${anchor.seq} still has the hash kept earlier`, ok: true };
  const line =
    found === null
      ? `entry #${anchor.seq} is missing: the log was cut since that head was kept`
      : `entry #${anchor.seq} has another hash than the one kept: the log was cut or rewritten since`;
  return { line, ok: false };
}

const usage = `Usage: beside audit verify [--since <number>:<hash>]

Recomputes the audit log's keyed hash chain and prints the number of entries and the head (the
last entry's number and hash). Exits with 0 when it is intact, 1 when an entry was edited,
inserted or deleted (each problem is printed).

The chain cannot show that its newest entries were cut off. Keep the head line somewhere else
(mail it daily to an address outside the server, or print it to a log kept elsewhere), and
later check it with --since: the entry with that number must still have that hash.`;

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: "check the audit log's hash chain; print its count and head",
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { since: { type: 'string' } });
    const anchor = options.since === undefined ? null : parseAnchor(options.since);
    const { verdict, found } = await withDatabase(io, async (db) => ({
      verdict: await verifyAudit(db),
      found: anchor ? await auditEntryHash(db, anchor.seq) : null,
    }));
    const lines = describeVerdict(verdict);
    let ok = verdict.problems.length === 0;
    if (anchor) {
      const checked = describeAnchor(anchor, found);
      lines.push(checked.line);
      ok &&= checked.ok;
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return ok ? 0 : 1;
  },
};
