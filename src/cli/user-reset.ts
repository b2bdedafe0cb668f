import type { Db } from '../db/client.ts';
import { findUserByLogin, resetUserKeys } from '../auth/users.ts';
import { checkLogin, checkPassword } from './account-input.ts';
import { parseOptions, required, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';
import { readNewPassword } from './prompt.ts';

export type KeysReset = { userId: string; login: string; grantsRemoved: number };

/**
 * A forgotten password: a new password and a new key pair. The old private key is lost with the
 * old password, so every grant sealed to it is removed, with the user's sessions and TOTP secret.
 */
export async function resetStaffUser(db: Db, login: string, password: string): Promise<KeysReset> {
  const wanted = checkLogin(login);
  const newPassword = checkPassword(password);
  return db.transaction(async (tx) => {
    const user = await findUserByLogin(tx, wanted);
    if (!user) throw new CommandError(`No user has the login "${wanted}". Nothing was changed.`);
    const grantsRemoved = await resetUserKeys(tx, null, user.id, newPassword);
    return { userId: user.id, login: user.login, grantsRemoved };
  });
}

export function describeReset(reset: KeysReset): string {
  return [
    `New password and keys for "${reset.login}". They set up TOTP again at their next sign-in.`,
    `Their old keys can no longer open anything, so ${reset.grantsRemoved} vault grant(s) were removed.`,
    'To restore access: a colleague who holds a case grants it to them again, or the holders of enough',
    `recovery shares run together:  beside recover --login ${reset.login}`,
    'A coordinator receives new help requests again once a colleague confirms them (Coordinators page).',
  ].join('\n');
}

const usage = `Usage: beside user reset --login LOGIN

Sets a new password and a new key pair for a user who forgot theirs. Their vault grants, sessions
and TOTP secret are removed. The password is read from BESIDE_PASSWORD or asked at the terminal.`;

export const userResetCommand: Command = {
  name: 'user reset',
  summary: 'new password and keys for a user who forgot theirs (their grants are removed)',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { login: { type: 'string' } });
    const login = checkLogin(required(options.login, '--login'));
    const reset = await withDatabase(io, async (db) => {
      if (!(await findUserByLogin(db, login))) throw new CommandError(`No user has the login "${login}".`);
      return resetStaffUser(db, login, checkPassword(await readNewPassword(io)));
    });
    io.stdout.write(`${describeReset(reset)}\n`);
    return 0;
  },
};
