import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

/**
 * What a command reads and writes: the process's own when `beside` runs, a test's own when the
 * tests run a command in their process. Commands use nothing else of `process`.
 */
export type Io = {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
};

export const processIo: Io = { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/** One `beside` command: its words (`user create`), a line for the overview, its usage, and how it runs. */
export type Command = {
  name: string;
  summary: string;
  usage: string;
  /** Answers the exit code. Throws CommandError or UsageError for the failures an operator can fix. */
  run: (argv: string[], io: Io) => Promise<number>;
};

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses `--name value` options strictly: an unknown option or a stray word is a usage error. */
export function parseOptions<const O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${option} is required.`);
  return value;
}

export function wholeNumber(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} must be a whole number.`);
  return Number(value);
}
