import { checkLedger, type LedgerVerdict } from '../funding/ledger.ts';
import { parseOptions, type Command } from './command.ts';
import { withDatabase } from './database.ts';

const counted = (n: bigint, one: string, many: string) => `${n} ${n === 1n ? one : many}`;

/**
 * One line per problem, then the counts and the head (the last transaction's number and hash):
 * kept elsewhere, the head shows later whether the newest transactions were cut off.
 */
export function describeLedger(verdict: LedgerVerdict): string[] {
  const size = `${counted(verdict.transactions, 'transaction', 'transactions')}, ${counted(verdict.entries, 'entry', 'entries')}`;
  const head = verdict.headHash === '' ? '' : `, head #${verdict.headSeq} ${verdict.headHash}`;
  if (verdict.problems.length === 0) return [`ledger intact: ${size}${head}`];
  return [...verdict.problems, `ledger BROKEN: ${verdict.problems.length} problem(s) in ${size}${head}`];
}

const usage = `Usage: beside ledger check

Recomputes the books from their entries: every transaction balances, the keyed hash chain is
unbroken, every reversal mirrors what it reverses, and the totals the campaign pages read
(balances, months, number of transactions of each kind) equal what the entries give. Prints each
problem, then the number of transactions and entries and the head (the last transaction's number
and hash). Exits with 0 when the books are intact, 1 when a problem was found.

Keep the head line somewhere else: the chain cannot show that its newest transactions were cut.`;

export const ledgerCheckCommand: Command = {
  name: 'ledger check',
  summary: 'recompute the books: balances, totals, hash chain',
  usage,
  async run(argv, io) {
    parseOptions(argv, {});
    const verdict = await withDatabase(io, (db) => checkLedger(db));
    io.stdout.write(`${describeLedger(verdict).join('\n')}\n`);
    return verdict.problems.length === 0 ? 0 : 1;
  },
};
