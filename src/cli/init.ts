import type { Db } from '../db/client.ts';
import { AlreadyInitialised, initialise, isInitialised, type Initialised } from '../auth/initialise.ts';
import type { Lang } from '../i18n/lang.ts';
import { checkDisplayName, checkLogin, checkPassword, parseLanguage } from './account-input.ts';
import { parseOptions, wholeNumber, required, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';
import { readNewPassword } from './prompt.ts';

export type InitInput = { login: string; displayName: string; password: string; language: Lang; shares: number; threshold: number };

/** Creates the first administrator and the recovery key; refuses an installation that has either. */
export async function initInstance(db: Db, input: InitInput): Promise<Initialised> {
  const admin = {
    login: checkLogin(input.login),
    displayName: checkDisplayName(input.displayName),
    password: checkPassword(input.password),
    language: input.language,
  };
  checkShareCounts(input.shares, input.threshold);
  // initialise() only looks for an active administrator; a second recovery key would orphan every
  // vault sealed to the first, so an existing key refuses too.
  await refuseIfInitialised(db);
  try {
    return await initialise(db, admin, input.shares, input.threshold);
  } catch (error) {
    throw error instanceof AlreadyInitialised ? alreadyInitialised() : error;
  }
}

/** One share alone must never rebuild the recovery key; more than 20 holders is not a plan anyone keeps. */
export function checkShareCounts(shares: number, threshold: number): void {
  if (threshold < 2 || shares < threshold || shares > 20) {
    throw new CommandError('Choose 2 ≤ --threshold ≤ --shares ≤ 20: one share alone must never rebuild the recovery key.');
  }
}

export async function refuseIfInitialised(db: Db): Promise<void> {
  if (await isInitialised(db)) throw alreadyInitialised();
}

function alreadyInitialised(): CommandError {
  return new CommandError('Beside is already initialised: it has an administrator and a recovery key. Nothing was changed.');
}

/** What the operator reads once: the shares, and what to do with them. */
export function describeShares(result: Initialised, login: string): string {
  const count = result.shares.length;
  return [
    `Beside is initialised. The first administrator is "${login}"; they set up TOTP at their first sign-in.`,
    '',
    `RECOVERY SHARES: any ${result.threshold} of these ${count} rebuild the recovery key, which can restore`,
    'access to every request when passwords are lost. They are shown now and never again; nothing stores them.',
    `Print each share on its own sheet and give each to a DIFFERENT trusted person. Never keep`,
    `${result.threshold} shares in one place, and never save them on this server.`,
    '',
    ...result.shares.flatMap((share, index) => [`Share ${index + 1} of ${count}:`, `  ${share}`, '']),
  ].join('\n');
}

const usage = `Usage: beside init --login LOGIN --name "NAME" [--language ru|en|nl] [--shares 3 --threshold 2]

Creates the first administrator (also a coordinator) and the organisation's recovery key, and prints
the recovery shares once. The password is read from BESIDE_PASSWORD or asked at the terminal.`;

export const initCommand: Command = {
  name: 'init',
  summary: 'create the first administrator and the recovery key; print the recovery shares once',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, {
      login: { type: 'string' },
      name: { type: 'string' },
      language: { type: 'string' },
      shares: { type: 'string' },
      threshold: { type: 'string' },
    });
    const shares = wholeNumber(options.shares, '--shares', 3);
    const threshold = wholeNumber(options.threshold, '--threshold', 2);
    const input = {
      login: checkLogin(required(options.login, '--login')),
      displayName: checkDisplayName(required(options.name, '--name')),
      language: parseLanguage(options.language),
      shares,
      threshold,
    };
    checkShareCounts(shares, threshold);
    const result = await withDatabase(io, async (db) => {
      await refuseIfInitialised(db); // before asking for a password that would be thrown away
      return initInstance(db, { ...input, password: checkPassword(await readNewPassword(io)) });
    });
    io.stdout.write(`${describeShares(result, input.login)}\n`);
    return 0;
  },
};
