import { verifyAudit, type AuditVerdict } from '../audit/log.ts';
import { parseOptions, type Command } from './command.ts';
import { withDatabase } from './database.ts';

/** One line per problem, or one line saying the chain is intact. */
export function describeVerdict(verdict: AuditVerdict): string[] {
  if (verdict.problems.length === 0) return [`audit log intact: ${verdict.entries} entries`];
  return verdict.problems.map((problem) => `entry #${problem.seq}: ${problem.problem}`);
}

const usage = `Usage: beside audit verify

Recomputes the audit log's hash chain. Exits with 0 when it is intact, 1 when an entry was edited,
inserted or deleted (each problem is printed).`;

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: "check the audit log's hash chain",
  usage,
  async run(argv) {
    parseOptions(argv, {});
    const verdict = await withDatabase((db) => verifyAudit(db));
    process.stdout.write(`${describeVerdict(verdict).join('\n')}\n`);
    return verdict.problems.length === 0 ? 0 : 1;
  },
};
