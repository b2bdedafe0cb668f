import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { createRecoveryKey } from '../crypto/recovery.ts';
import { ensureInstance, instanceKeys, setRecoveryKey } from '../crypto/instance.ts';
import type { Lang } from '../i18n/lang.ts';
import { administratorExists, insertUser } from './users.ts';
import { markCoordinatorConfirmed } from './coordinator-queries.ts';
import { clearSetupToken, newSetupToken, setupTokenMatches } from './setup-token.ts';

export type FirstAdministrator = { login: string; displayName: string; password: string; language: Lang };
export type Initialised = { userId: string; shares: string[]; threshold: number };

export class AlreadyInitialised extends Error {
  constructor() {
    super('Beside already has an administrator.');
  }
}

/**
 * Creates the first administrator and the organisation's recovery key. The shares are returned
 * once, to be printed for different trusted people; nothing stores them. `andThen` runs in the
 * same transaction (the setup link keeps them sealed there until they are confirmed), so an
 * installation never exists whose shares were lost on the way.
 */
export async function initialise(
  db: Db,
  admin: FirstAdministrator,
  shareCount = 3,
  threshold = 2,
  andThen?: (tx: Queryable, made: Initialised) => Promise<void>,
): Promise<Initialised> {
  const recovery = await createRecoveryKey(shareCount, threshold);
  return db.transaction(async (tx) => {
    await ensureInstance(tx);
    await tx.query('select 1 from instance where id = 1 for update');
    // A second recovery key would orphan every vault sealed to the first: once set, never again.
    if ((await administratorExists(tx)) || (await instanceKeys(tx)).recoveryPublicKey) throw new AlreadyInitialised();
    const user = await insertUser(tx, { ...admin, roles: ['administrator', 'coordinator'] });
    // No colleague exists yet to confirm the first coordinator: the installation does.
    await markCoordinatorConfirmed(tx, user.id, null);
    await setRecoveryKey(tx, recovery.publicKey, threshold, shareCount);
    // The date printed on each share's sheet.
    await tx.query('update instance set initialised_at = now() where id = 1');
    await clearSetupToken(tx);
    await appendAudit(tx, null, { kind: 'instance.initialised' });
    await appendAudit(tx, null, { kind: 'user.created', userId: user.id, roles: user.roles });
    const made: Initialised = { userId: user.id, shares: recovery.shares, threshold };
    await andThen?.(tx, made);
    return made;
  });
}

/** Until Beside is initialised, a one-time setup link (valid for 24 hours); answers null once set up. */
export async function issueSetupToken(db: Db): Promise<string | null> {
  return db.transaction(async (tx) => {
    if ((await administratorExists(tx)) || (await instanceKeys(tx)).recoveryPublicKey) return null;
    return newSetupToken(tx);
  });
}

export async function setupTokenValid(db: Db, token: string): Promise<boolean> {
  return (await setupTokenMatches(db, token)) && !(await isInitialised(db));
}

export async function isInitialised(db: Db): Promise<boolean> {
  return (await instanceKeys(db)).recoveryPublicKey !== null;
}
