import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { findUserByLogin } from '../auth/users.ts';
import { RECOVERY_REF } from '../crypto/principals.ts';
import { openVaultAs } from '../crypto/vaults.ts';
import { approveBreakGlassWithRecovery } from '../cases/break-glass.ts';
import { checkLogin } from './account-input.ts';
import { parseOptions, required, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';
import { readShares } from './prompt.ts';
import { rebuildKey, recoverySetup, recoveryThreshold } from './recover.ts';

/**
 * The recovery holders give break-glass access when no colleague who holds the case can be
 * reached: the coordinator must have asked for it in Beside first, with their reason; the holders
 * then approve that request with the rebuilt recovery key. It is time-limited and told exactly as
 * a colleague's approval is.
 */
export async function breakGlassWithRecovery(db: Db, caseId: string, login: string, shares: string[]): Promise<{ expiresInHours: number }> {
  if (!z.uuid().safeParse(caseId).success) throw new CommandError('--case must be a case id (as in the address /staff/cases/…). Nothing was changed.');
  const wanted = checkLogin(login);
  const keys = await rebuildKey(shares, await recoverySetup(db));
  try {
    return await db.transaction(async (tx) => {
      const user = await findUserByLogin(tx, wanted);
      const [row] = await tx.query<{ core_vault_id: string }>('select core_vault_id from cases where id = $1 for update', [caseId]);
      if (!user?.active || !row) throw new CommandError('No such case, or no active user with that login. Nothing was changed.');
      const core = await openVaultAs(tx, 'recovery', RECOVERY_REF, keys, row.core_vault_id, 'break_glass');
      if (!core) throw new CommandError("The recovery key does not open this case's core. Nothing was changed.");
      if (!(await approveBreakGlassWithRecovery(tx, core, caseId, user.id))) {
        throw new CommandError(`"${wanted}" has no open break-glass request on this case, or is not a confirmed coordinator. They must ask in Beside first, with a reason. Nothing was changed.`);
      }
      return { expiresInHours: 24 };
    });
  } finally {
    keys.privateKey.fill(0);
  }
}

const usage = `Usage: beside break-glass --case CASE_ID --to LOGIN

Approves, with the recovery shares, the break-glass request the coordinator LOGIN made in Beside
on the case (with their reason): the case's core part is sealed to them for 24 hours, the
caseworker and the administrators are told, and everything is audited. Shares are read as for
\`beside recover\`: from BESIDE_SHARES, at the terminal without echo, or one per line from a pipe.`;

export const breakGlassCommand: Command = {
  name: 'break-glass',
  summary: 'approve a break-glass request with the recovery shares',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { case: { type: 'string' }, to: { type: 'string' } });
    const caseId = required(options.case, '--case');
    const login = required(options.to, '--to');
    const result = await withDatabase(io, async (db) => {
      const shares = await readShares(io, await recoveryThreshold(db));
      return breakGlassWithRecovery(db, caseId, login, shares);
    });
    io.stdout.write(`Break-glass access granted to "${login}" for ${result.expiresInHours} hours.\n`);
    return 0;
  },
};
