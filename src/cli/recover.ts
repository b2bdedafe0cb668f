import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { findUserByLogin, userPrincipal } from '../auth/users.ts';
import type { Role } from '../auth/roles.ts';
import { RECOVERY_REF } from '../crypto/principals.ts';
import { combineShares, parseShare } from '../crypto/recovery.ts';
import type { KeyPair } from '../crypto/vaults.ts';
import { grantVault, openVaultAs, recoverableLostGrants } from '../crypto/vaults.ts';
import { givingKindsOf } from '../funding/vault-readers.ts';
import { checkLogin } from './account-input.ts';
import { parseOptions, required, type Command } from './command.ts';
import { withDatabase } from './database.ts';
import { CommandError } from './errors.ts';
import { readShares } from './prompt.ts';

type RecoverySetup = { publicKey: Uint8Array; threshold: number };

export async function recoverySetup(db: Queryable): Promise<RecoverySetup> {
  const [row] = await db.query<{ recovery_public_key: Uint8Array | null; recovery_threshold: number | null }>(
    'select recovery_public_key, recovery_threshold from instance where id = 1',
  );
  if (!row?.recovery_public_key || !row.recovery_threshold) {
    throw new CommandError('Beside is not initialised: there is no recovery key. Run `beside init` first.');
  }
  return { publicKey: row.recovery_public_key, threshold: row.recovery_threshold };
}

export async function recoveryThreshold(db: Db): Promise<number> {
  return (await recoverySetup(db)).threshold;
}

/** Rebuilds the recovery key pair, or says plainly why these shares cannot. */
export async function rebuildKey(shares: string[], setup: RecoverySetup): Promise<KeyPair> {
  const distinct = new Map<string, string>();
  shares.forEach((share, index) => {
    try {
      distinct.set(Buffer.from(parseShare(share)).toString('hex'), share);
    } catch {
      throw new CommandError(`Share ${index + 1} is not a recovery share: a share has 66 hexadecimal digits.`);
    }
  });
  if (distinct.size < setup.threshold) {
    throw new CommandError(`At least ${setup.threshold} different recovery shares are needed; ${distinct.size} given.`);
  }
  try {
    return await combineShares([...distinct.values()], setup.publicKey);
  } catch {
    throw new CommandError("These shares do not rebuild this installation's recovery key. Nothing was changed.");
  }
}

export type Recovered = { userId: string; vaults: number };

/**
 * The giving vaults (donors, expenses, bank statements, gift messages) that the user's roles now
 * entitle them to, that the recovery key holds and the user does not: what a treasurer or editor
 * who joined after everyone who held them left can be given from the shares alone.
 */
async function givingVaultsForRoles(tx: Queryable, userId: string, roles: readonly Role[]): Promise<string[]> {
  const kinds = roles.flatMap(givingKindsOf);
  if (kinds.length === 0) return [];
  const rows = await tx.query<{ id: string }>(
    `select v.id from vaults v
       join vault_keys r on r.vault_id = v.id and r.principal_kind = 'recovery'
      where v.kind = any($1::text[]) and v.shredded_at is null
        and not exists (select 1 from vault_keys u where u.vault_id = v.id and u.principal_kind = 'user' and u.principal_ref = $2)
      order by v.created_at, v.id`,
    [kinds, userId],
  );
  return rows.map((row) => row.id);
}

/**
 * The holders of enough shares restore a user's access: the vaults the user could open before a
 * key reset are opened with the rebuilt key and sealed to their new public key, and so are the
 * giving vaults their role (treasurer, editor) is sealed to (src/funding/vault-readers.ts), which
 * a newcomer to the role may find nobody left to share. Nothing else: recovery gives back what the
 * user had or their role reads, not every case of the association.
 */
export async function recoverUserAccess(db: Db, login: string, shares: string[]): Promise<Recovered> {
  const wanted = checkLogin(login);
  const keys = await rebuildKey(shares, await recoverySetup(db));
  try {
    return await db.transaction(async (tx) => {
      const user = await findUserByLogin(tx, wanted);
      if (!user?.active) throw new CommandError(`No active user has the login "${wanted}". Nothing was changed.`);
      let granted = 0;
      const grant = async (vaultId: string) => {
        // No colleague acted: the grant and its audit entry carry no actor rather than a misleading one.
        const vault = await openVaultAs(tx, 'recovery', RECOVERY_REF, keys, vaultId, 'recovery');
        if (vault && (await grantVault(tx, null, vault, userPrincipal(user)))) granted++;
      };
      for (const vaultId of await recoverableLostGrants(tx, user.id)) await grant(vaultId);
      // After the lost grants, so a vault both lost and read by the role is granted once.
      for (const vaultId of await givingVaultsForRoles(tx, user.id, user.roles)) await grant(vaultId);
      await appendAudit(tx, null, { kind: 'recovery.regranted', userId: user.id, vaults: granted });
      return { userId: user.id, vaults: granted };
    });
  } finally {
    keys.privateKey.fill(0);
  }
}

const usage = `Usage: beside recover --login LOGIN

Rebuilds the recovery key from the holders' shares and grants the user back the vaults they could
open before \`beside user reset\`, and the donors, expenses, bank statements (treasurer) and donors'
messages (editor) their role reads, and nothing more. Shares are read from BESIDE_SHARES (separated by commas or line
breaks), asked one by one at the terminal without echo, or read one per line from a pipe.`;

export const recoverCommand: Command = {
  name: 'recover',
  summary: "restore a user's access with the recovery shares",
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { login: { type: 'string' } });
    const login = checkLogin(required(options.login, '--login'));
    const result = await withDatabase(io, async (db) => {
      const shares = await readShares(io, await recoveryThreshold(db));
      return recoverUserAccess(db, login, shares);
    });
    io.stdout.write(`Granted ${result.vaults} vault(s) to "${login}" with the recovery key.\n`);
    return 0;
  },
};
