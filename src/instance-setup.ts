import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import { openDatabase } from './db/open.ts';
import { adoptInstanceSecret, compareInstanceSecret, recordEntitlementTags } from './crypto/instance.ts';
import { createInstanceSecretFile, readInstanceSecret, secretFilePath, SECRET_ENV, useInstanceSecret } from './crypto/instance-secret.ts';
import { tagUntaggedUserKeys } from './auth/users.ts';
import { tagUntaggedUsers } from './auth/user-entitlements.ts';
import { tagUntaggedMembers } from './cases/case-members.ts';
import { appendAudit, rekeyLegacyAuditChain } from './audit/log.ts';
import type { Queryable } from './db/client.ts';

export class InstanceSecretError extends Error {}

/**
 * Opens the installation's database and puts its instance secret to use. The secret is made at
 * the first start (or `beside init`) in DATA_DIR with owner-only permissions, unless
 * BESIDE_INSTANCE_SECRET gives it. A database that was set up with a secret refuses any other,
 * and refuses to run without one: a database writer must not be able to reset it.
 */
export async function openInstance(config: Pick<Config, 'databaseUrl' | 'dataDir'>, env: Record<string, string | undefined> = process.env): Promise<Db> {
  const db = await openDatabase(config);
  try {
    await startInstance(db, config.dataDir, env);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** What every start does on the opened database: the instance secret's checks, and the first start's adoptions. */
export async function startInstance(db: Db, dataDir: string, env: Record<string, string | undefined>): Promise<void> {
  let secret = readInstanceSecret(dataDir, env);
  const [state] = await db.query<{ has_check: boolean; accounts: boolean }>(
    'select exists (select 1 from instance where secret_check is not null) as has_check, exists (select 1 from users) as accounts',
  );
  let created = false;
  if (!secret) {
    if (state?.has_check) {
      throw new InstanceSecretError(
        `This database was set up with an instance secret, and none is configured. Put the installation's ${secretFilePath(dataDir)} back (from where you keep it apart from backups), or set ${SECRET_ENV}.`,
      );
    }
    secret = createInstanceSecretFile(dataDir);
    created = true;
    console.log(`[beside] created the instance secret in ${secretFilePath(dataDir)}: keep a copy apart from the database backups; every process of this installation needs it.`);
  }
  useInstanceSecret(secret);
  const check = await db.transaction((tx) => compareInstanceSecret(tx));
  if (check === 'matches') return;
  if (check === 'untagged') {
    // The first start of this version on an installation that had its secret before: its roles,
    // confirmations and case teams are tagged now, once: the newer check is recorded with them, so
    // no later start tags anything, whatever tags a database writer blanks. Keys are not re-tagged.
    await db.transaction(async (tx) => {
      await tagUntaggedEntitlements(tx);
      await recordEntitlementTags(tx);
    });
    return;
  }
  if (check === 'differs') {
    throw new InstanceSecretError('The configured instance secret is not the one this database was set up with. Nothing was changed.');
  }
  // No secret recorded yet: a new installation, or one from before instance secrets (trust on first use).
  if (state?.accounts && !created) {
    throw new InstanceSecretError(
      'This database has accounts but no record of an instance secret, although a secret is configured: someone may have removed the record. Nothing was changed.',
    );
  }
  await db.transaction(async (tx) => {
    await tagUntaggedUserKeys(tx);
    await tagUntaggedEntitlements(tx);
    await adoptInstanceSecret(tx);
  });
  // Only here, when the secret is first adopted: later, a plain chain would be a forgery to refuse.
  const rekey = await rekeyLegacyAuditChain(db);
  if (rekey.outcome === 'rekeyed') console.log(`[beside] the audit log's ${rekey.entries} entries are now keyed with the instance secret.`);
  if (rekey.outcome === 'refused') console.error(`[beside] WARNING: ${rekey.message}`);
}

/** Trust on first use for roles, confirmations and team rows (auth/user-entitlements.ts says why). */
async function tagUntaggedEntitlements(tx: Queryable): Promise<void> {
  const users = await tagUntaggedUsers(tx);
  const members = await tagUntaggedMembers(tx);
  if (users + members > 0) await appendAudit(tx, null, { kind: 'entitlement.adopted', users, members });
}
