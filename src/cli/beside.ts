import { ConfigError } from '../config.ts';
import { auditVerifyCommand } from './audit-verify.ts';
import { backupCommand } from './backup.ts';
import type { Command, Io } from './command.ts';
import { CommandError, UsageError } from './errors.ts';
import { initCommand } from './init.ts';
import { ledgerCheckCommand } from './ledger-check.ts';
import { recoverCommand } from './recover.ts';
import { breakGlassCommand } from './break-glass.ts';
import { restoreCommand } from './restore.ts';
import { erasuresCommand } from './erasures.ts';
import { userCreateCommand } from './user-create.ts';
import { userResetCommand } from './user-reset.ts';

const COMMANDS: Command[] = [
  initCommand,
  userCreateCommand,
  userResetCommand,
  recoverCommand,
  breakGlassCommand,
  auditVerifyCommand,
  ledgerCheckCommand,
  backupCommand,
  restoreCommand,
  erasuresCommand,
];

const overview = `Usage: beside <command> [options]     (beside <command> --help for its options)

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(14)} ${command.summary}`).join('\n')}

The database is the server's: DATABASE_URL, or the embedded one in DATA_DIR (stop the server first
when it is embedded). Passwords, passphrases and shares are never read from the command line: set
BESIDE_PASSWORD, BESIDE_BACKUP_PASSPHRASE or BESIDE_SHARES, or type them when asked.`;

/** The longest run of words that names a command: `user create …` before a lone `user`. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, index) => argv[index] === word)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '') ?? 'failed';
}

/** Runs one command line with the given input, output and environment; answers the exit code. */
export async function beside(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.stderr : io.stdout).write(`${overview}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`beside: unknown command "${argv.filter((word) => !word.startsWith('-')).slice(0, 2).join(' ')}"\n\n${overview}\n`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`beside ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError) io.stderr.write(`${error.message}\n`);
    else if (error instanceof CommandError) io.stderr.write(`beside ${command.name}: ${error.message}\n`);
    else io.stderr.write(`beside ${command.name} failed: ${oneLine(error)}\n`);
    if (io.env.BESIDE_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
