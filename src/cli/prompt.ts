import { text } from 'node:stream/consumers';
import type { Io } from './command.ts';
import { CommandError } from './errors.ts';

/**
 * Secrets never come from argv (shell history, `ps`): from an environment variable for scripted
 * runs, otherwise typed at a terminal without echo. Prompts go to stderr so stdout stays clean.
 */
export const ENV = {
  password: 'BESIDE_PASSWORD',
  passphrase: 'BESIDE_BACKUP_PASSPHRASE',
  shares: 'BESIDE_SHARES',
} as const;

function fromEnv(io: Io, name: string): string | undefined {
  const value = io.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function needTerminal(name: string): never {
  throw new CommandError(`No terminal to ask on: set ${name} in the environment instead.`);
}

/** Reads one line at the terminal without showing it. */
export function promptHidden(io: Io, question: string): Promise<string> {
  const input = io.stdin;
  const setRawMode = input.setRawMode?.bind(input);
  if (!input.isTTY || !setRawMode) needTerminal('the value');
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      setRawMode(false);
      input.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || (char === '\u0004' && value === '')) return finish(new CommandError('Cancelled.'));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char === '\u001b') return; // an arrow or function key: drop the rest of its escape sequence
        else if (char >= ' ') value += char;
      }
    };
    io.stderr.write(question);
    input.setEncoding('utf8');
    setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}

async function askTwice(io: Io, what: string): Promise<string> {
  const first = await promptHidden(io, `${what}: `);
  const second = await promptHidden(io, `${what} again: `);
  if (first !== second) throw new CommandError(`The two ${what.toLowerCase()}s differ.`);
  return first;
}

/** The password of an account being created or reset. */
export async function readNewPassword(io: Io): Promise<string> {
  const value = fromEnv(io, ENV.password);
  if (value !== undefined) return value;
  if (!io.stdin.isTTY) needTerminal(ENV.password);
  return askTwice(io, 'New password');
}

export async function readNewPassphrase(io: Io): Promise<string> {
  const value = fromEnv(io, ENV.passphrase);
  if (value !== undefined) return value;
  if (!io.stdin.isTTY) needTerminal(ENV.passphrase);
  return askTwice(io, 'Backup passphrase');
}

export async function readPassphrase(io: Io): Promise<string> {
  const value = fromEnv(io, ENV.passphrase);
  if (value !== undefined) return value;
  if (!io.stdin.isTTY) needTerminal(ENV.passphrase);
  return promptHidden(io, 'Backup passphrase: ');
}

/** Shares separated by commas or line breaks (a share's own dashes stay inside it). */
export function splitShares(value: string): string[] {
  return value
    .split(/[,\r\n]+/)
    .map((share) => share.trim())
    .filter(Boolean);
}

/** Recovery shares: from BESIDE_SHARES, typed one per prompt at a terminal, or piped one per line. */
export async function readShares(io: Io, threshold: number): Promise<string[]> {
  const value = fromEnv(io, ENV.shares);
  if (value !== undefined) return splitShares(value);
  if (!io.stdin.isTTY) return splitShares(await text(io.stdin));
  io.stderr.write(`Each holder types their share in turn (${threshold} are needed); nothing is shown.\n`);
  const shares: string[] = [];
  for (let n = 1; n <= threshold; n++) shares.push(await promptHidden(io, `Share ${n} of ${threshold}: `));
  return shares;
}
