import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { createVault, grantVault, hasGrant, openVaultAsUser, revokeGrant, rotateVault, shredVault, userHolders, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import { userPrincipal, verifiedUser } from '../auth/users.ts';
import { teamOf, teamsOf } from './case-members.ts';
import { openForTrack, trackRow, type TrackRow } from './tracks-access.ts';
import { evacuationPlanField, type EvacuationPlan } from './tracks-content.ts';
import { readsLogistics } from './tracks.ts';

/**
 * The evacuation track: contact with the person, and the plan, kept in a logistics vault of its
 * own (need-to-know: the caseworker and coordinators on the case, and the recovery key), made
 * when the plan is first written and destroyed after the person arrived safely.
 */

/** Records that the team heard from the person now, and/or how often they must. */
export async function recordContact(db: Db, holder: KeyHolder, caseId: string, input: { contacted: boolean; hours: number }): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openForTrack(tx, holder, caseId, 'evacuation', 'evacuation'))) return false;
    const row = await trackRow(tx, caseId, 'evacuation', true);
    if (!row) return false;
    await tx.query(
      `update case_tracks set contact_interval_hours = $2, last_contact_at = case when $3 then now() else last_contact_at end, updated_at = now() where id = $1`,
      [row.id, input.hours, input.contacted],
    );
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'evacuation', record: input.contacted ? 'contact' : 'contact_interval' });
    return true;
  });
}

/** The principals the logistics vault is sealed to: the team members who read it, and the recovery key. */
async function logisticsReaders(tx: Queryable, holder: KeyHolder, caseId: string) {
  const readers = [];
  for (const member of (await teamOf(tx, caseId, holder.userId)).filter((m) => readsLogistics(m.role))) {
    const user = await verifiedUser(tx, member.userId, holder.userId);
    if (user?.active && user.entitled) readers.push(userPrincipal(user));
  }
  return readers;
}

/** The team members whose role reads the logistics vault (verified rows only). */
async function logisticsTeam(tx: Queryable, caseId: string): Promise<Set<string>> {
  return new Set((await teamsOf(tx, [caseId])).filter((member) => readsLogistics(member.role)).map((member) => member.userId));
}

/**
 * Whether someone who holds the case's logistics vault is no longer on the team in a role that
 * reads it (taken off the case, say): then whoever opens the case next rotates the vault, and
 * must lock the case row first, before any vault, as every writer does.
 */
export async function logisticsNeedsRotation(tx: Queryable, caseId: string): Promise<boolean> {
  const [row] = await tx.query<{ logistics_vault_id: string | null }>("select logistics_vault_id from case_tracks where case_id = $1 and track = 'evacuation'", [caseId]);
  if (!row?.logistics_vault_id) return false;
  const wanted = await logisticsTeam(tx, caseId);
  const holders = (await userHolders(tx, [row.logistics_vault_id])).get(row.logistics_vault_id) ?? new Set<string>();
  return [...holders].some((userId) => !wanted.has(userId));
}

/**
 * Someone taken off the team loses the evacuation plan at once, in the removal's transaction
 * (which holds the case row): the vault is rotated away from them when the remover holds it, or
 * their grant is revoked. Opening the case later checks again (syncLogisticsGrants).
 */
export async function withdrawLogistics(tx: Queryable, holder: KeyHolder, caseId: string, userId: string): Promise<void> {
  const [row] = await tx.query<{ logistics_vault_id: string | null }>("select logistics_vault_id from case_tracks where case_id = $1 and track = 'evacuation'", [caseId]);
  const vaultId = row?.logistics_vault_id;
  if (!vaultId || !(await hasGrant(tx, vaultId, userId))) return;
  const vault = await openVaultAsUser(tx, holder, vaultId, 'case.logistics.unassign');
  if (vault) await rotateVault(tx, holder.userId, vault, (principal) => !(principal.kind === 'user' && principal.ref === userId));
  else await revokeGrant(tx, holder.userId, vaultId, 'user', userId);
}

/**
 * Keeps the logistics vault sealed to exactly the team members who read it: a colleague who
 * joined as caseworker or coordinator is granted it; one who left the team (or now holds another
 * role) no longer holds a key that opens it (the vault is rotated, only when the case row is
 * locked: `mayRotate`). Run by whoever opens it.
 */
async function syncLogisticsGrants(tx: Queryable, holder: KeyHolder, caseId: string, vault: Vault, mayRotate: boolean): Promise<Vault> {
  const wanted = await logisticsReaders(tx, holder, caseId);
  const holders = (await userHolders(tx, [vault.id])).get(vault.id) ?? new Set<string>();
  const wantedIds = new Set(wanted.map((principal) => principal.ref));
  let current = vault;
  if (mayRotate && [...holders].some((userId) => !wantedIds.has(userId))) {
    current = await rotateVault(tx, holder.userId, vault, (principal) => principal.kind !== 'user' || wantedIds.has(principal.ref));
  }
  for (const principal of wanted) if (!holders.has(principal.ref)) await grantVault(tx, holder.userId, current, principal);
  return current;
}

/**
 * Opens the logistics vault of an evacuation for a reader; null when there is none (yet, or any
 * more) or no grant. `caseLocked`: the caller holds the case row's lock, so the vault may be rotated.
 */
export async function openLogistics(tx: Queryable, holder: KeyHolder, row: TrackRow, purpose: string, caseLocked: boolean): Promise<Vault | null> {
  if (!row.logistics_vault_id) return null;
  const vault = await openVaultAsUser(tx, holder, row.logistics_vault_id, `case.logistics.${purpose}`);
  return vault ? syncLogisticsGrants(tx, holder, row.case_id, vault, caseLocked) : null;
}

/** Writes the plan, making the logistics vault the first time. Refused after the vault was shredded. */
export async function saveEvacuationPlan(db: Db, holder: KeyHolder, caseId: string, plan: EvacuationPlan): Promise<boolean> {
  return db.transaction(async (tx) => {
    const access = await openForTrack(tx, holder, caseId, 'evacuation', 'evacuation');
    if (!access || !readsLogistics(access.role)) return false;
    const row = await trackRow(tx, caseId, 'evacuation', true);
    if (!row) return false;
    let vault: Vault | null;
    if (row.logistics_vault_id) {
      vault = await openLogistics(tx, holder, row, 'write', true);
    } else {
      const { recovery } = await instanceKeys(tx);
      const principals = [...(await logisticsReaders(tx, holder, caseId)), ...(recovery ? [recovery] : [])];
      vault = await createVault(tx, 'logistics', { table: 'case_tracks', id: row.id }, principals, holder.userId);
      await tx.query('update case_tracks set logistics_vault_id = $2 where id = $1', [row.id, vault.id]);
    }
    if (!vault) return false;
    const sealed = vault.seal(evacuationPlanField, { id: row.id, case_id: caseId, track: 'evacuation' }, plan);
    await tx.query('update case_tracks set plan = $2, updated_at = now() where id = $1', [row.id, sealed]);
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'evacuation', record: 'plan' });
    return true;
  });
}

export type ShredOutcome = 'shredded' | 'not_arrived' | 'unconfirmed' | 'refused';

/**
 * Destroys the plan once the person arrived safely: the logistics vault's keys and ciphertext go
 * (crypto-shredding); only the fact that a plan existed remains.
 */
export async function shredEvacuationPlan(db: Db, holder: KeyHolder, caseId: string, confirmed: boolean): Promise<ShredOutcome> {
  return db.transaction(async (tx) => {
    const access = await openForTrack(tx, holder, caseId, 'evacuation', 'evacuation');
    if (!access || !readsLogistics(access.role)) return 'refused';
    const row = await trackRow(tx, caseId, 'evacuation', true);
    if (!row) return 'refused';
    if (!confirmed) return 'unconfirmed';
    if (row.state !== 'arrived') return 'not_arrived';
    if (row.logistics_vault_id && (await shredVault(tx, holder.userId, row.logistics_vault_id))) {
      await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'evacuation', record: 'plan_shredded' });
    }
    return 'shredded';
  });
}
