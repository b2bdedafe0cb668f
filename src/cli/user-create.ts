import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { Role } from '../auth/roles.ts';
import { findUserByLogin, insertUser, type User } from '../auth/users.ts';
import type { Lang } from '../i18n/lang.ts';
import { checkDisplayName, checkLogin, checkPassword, parseLanguage, parseRoles } from './account-input.ts';
import { parseOptions, required, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';
import { readNewPassword } from './prompt.ts';

export type NewStaffUser = { login: string; displayName: string; roles: Role[]; language: Lang; password: string };

/** Creates a staff account from the command line: no colleague acted, so the audit entry has no actor. */
export async function createStaffUser(db: Db, input: NewStaffUser): Promise<User> {
  const login = checkLogin(input.login);
  const displayName = checkDisplayName(input.displayName);
  const password = checkPassword(input.password);
  if (input.roles.length === 0) throw new CommandError('A user needs at least one role.');
  return db.transaction(async (tx) => {
    if (await findUserByLogin(tx, login)) throw new CommandError(`The login "${login}" is taken. Nothing was changed.`);
    const user = await insertUser(tx, { login, displayName, roles: input.roles, language: input.language, password });
    await appendAudit(tx, null, { kind: 'user.created', userId: user.id, roles: user.roles });
    return user;
  });
}

const usage = `Usage: beside user create --login LOGIN --name "NAME" --roles ROLE[,ROLE…] [--language ru|en|nl]

Creates a staff account. The password is read from BESIDE_PASSWORD or asked at the terminal.
The user sets up TOTP at their first sign-in.`;

export const userCreateCommand: Command = {
  name: 'user create',
  summary: 'create a staff account',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, {
      login: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string' },
      language: { type: 'string' },
    });
    const input = {
      login: checkLogin(required(options.login, '--login')),
      displayName: checkDisplayName(required(options.name, '--name')),
      roles: parseRoles(required(options.roles, '--roles')),
      language: parseLanguage(options.language),
    };
    const user = await withDatabase(io, async (db) => {
      if (await findUserByLogin(db, input.login)) throw new CommandError(`The login "${input.login}" is taken.`);
      return createStaffUser(db, { ...input, password: checkPassword(await readNewPassword(io)) });
    });
    io.stdout.write(`Created "${user.login}" (${user.roles.join(', ')}). They set up TOTP at their first sign-in.\n`);
    return 0;
  },
};
