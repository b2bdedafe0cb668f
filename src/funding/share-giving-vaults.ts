import type { Db, Queryable } from '../db/client.ts';
import { grantGaps } from '../crypto/grant-gaps.ts';
import { grantVault, openVaultAsUser, type KeyHolder } from '../crypto/vaults.ts';
import { activeUsersWithRole, userPrincipal, verifiedUser } from '../auth/users.ts';
import { givingKindsOf, type GivingRole } from './vault-readers.ts';

/**
 * Donors, expenses, bank statements and gift messages are sealed to whoever held the role on the
 * day they came in: a treasurer or editor who joins later reads none of the older ones until a
 * colleague who holds them shares them (the server holds no key). The role each kind needs is
 * GIVING_VAULT_ROLES; a colleague without that role now is never given anything.
 */

/** Counts of what a colleague lacks stop here: "more than 999" is all the page needs to say. */
export const SHARE_COUNT_CAP = 1000;

/** Vaults granted per transaction: a long backlog is shared without one transaction holding every vault. */
export const SHARE_BATCH = 200;

export type ColleagueLackingGiving = { id: string; displayName: string; role: GivingRole; missing: number };

/**
 * The colleagues holding the role now (the holder aside) who cannot open some of the role's
 * vaults that the holder can, and how many (up to SHARE_COUNT_CAP). Reads who holds which key;
 * opens nothing.
 */
export async function colleaguesLackingGiving(db: Queryable, holderUserId: string, role: GivingRole): Promise<ColleagueLackingGiving[]> {
  const colleagues = (await activeUsersWithRole(db, role)).filter((user) => user.id !== holderUserId);
  if (colleagues.length === 0) return [];
  const gaps = await grantGaps(db, holderUserId, colleagues.map((user) => user.id), { kinds: givingKindsOf(role) }, SHARE_COUNT_CAP);
  return colleagues.filter((user) => gaps.has(user.id)).map((user) => ({ id: user.id, displayName: user.displayName, role, missing: gaps.get(user.id)! }));
}

/**
 * Grants a colleague every vault of the role's kinds that the holder can open and the colleague
 * cannot, in batches of SHARE_BATCH, each its own transaction; each opening and each grant is
 * audited (vault.decrypted, vault.granted). Answers how many were granted; 0 when the colleague
 * does not hold the role now (inactive, the role taken away, or a tag that fails).
 */
export async function shareGivingVaults(db: Db, holder: KeyHolder, colleagueId: string, role: GivingRole): Promise<number> {
  let granted = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await db.transaction((tx) => shareBatch(tx, holder, colleagueId, role, after));
    granted += batch.granted;
    if (batch.last === null) return granted;
    after = batch.last;
  }
}

/**
 * One batch, after the vault id `after` (keyset order, so a vault the holder's key fails to open
 * is passed over rather than met again). The colleague's row is locked first: two posts of the
 * button, or a role taken away meanwhile, wait for each other, so nothing is granted twice and
 * nothing after the role is gone. `last` is null when no vault is left.
 */
async function shareBatch(tx: Queryable, holder: KeyHolder, colleagueId: string, role: GivingRole, after: string): Promise<{ granted: number; last: string | null }> {
  if (colleagueId === holder.userId) return { granted: 0, last: null };
  await tx.query('select 1 from users where id = $1 for update', [colleagueId]);
  const colleague = await verifiedUser(tx, colleagueId, holder.userId);
  if (!colleague?.active || !colleague.roles.includes(role)) return { granted: 0, last: null };
  const rows = await tx.query<{ vault_id: string }>(
    `select k.vault_id from vault_keys k join vaults v on v.id = k.vault_id
      where k.principal_kind = 'user' and k.principal_ref = $1 and v.kind = any($2::text[]) and v.shredded_at is null and k.vault_id > $3::uuid
        and not exists (select 1 from vault_keys c where c.vault_id = k.vault_id and c.principal_kind = 'user' and c.principal_ref = $4)
      order by k.vault_id limit $5`,
    [holder.userId, givingKindsOf(role), after, colleague.id, SHARE_BATCH],
  );
  let granted = 0;
  for (const row of rows) {
    const vault = await openVaultAsUser(tx, holder, row.vault_id, 'giving.share');
    if (!vault) continue;
    // A key that fails the instance secret's check fails for every vault: stop rather than try each.
    if (!(await grantVault(tx, holder.userId, vault, userPrincipal(colleague)))) return { granted, last: null };
    granted++;
  }
  return { granted, last: rows.length === SHARE_BATCH ? rows.at(-1)!.vault_id : null };
}
