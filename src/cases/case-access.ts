import type { Queryable } from '../db/client.ts';
import { openVaultAsUser, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import { CASE_PARTS, type CasePart, type CaseRole } from './case-roles.ts';
import { memberRole } from './case-members.ts';

export { memberRole } from './case-members.ts';

export type CaseRow = {
  id: string;
  pseudonym: string;
  status: 'open' | 'closed';
  origin: 'request' | 'referral' | 'direct';
  urgent: boolean;
  language: string;
  country: string | null;
  updated_at: Date;
  created_at: Date;
  core_vault_id: string;
  psych_vault_id: string;
  legal_vault_id: string;
  housing_vault_id: string;
  content: Uint8Array | null;
};

export const CASE_COLUMNS =
  'id, pseudonym, status, origin, urgent, language, country, updated_at, created_at, core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id, content';

export function vaultIdOf(row: CaseRow, part: CasePart): string {
  return { core: row.core_vault_id, psych: row.psych_vault_id, legal: row.legal_vault_id, housing: row.housing_vault_id }[part];
}

/** A case opened for one member: their role on it and the parts whose vaults they hold. */
export type CaseAccess = { row: CaseRow; role: CaseRole; vaults: Partial<Record<CasePart, Vault>> };

/**
 * Opens a case for a member of its team: every part whose vault they hold (each decryption
 * audited), in one fixed order so two transactions never lock vaults the other way round.
 * Anyone else, a member who holds no part yet, or a team row whose tag fails (audited), gets null:
 * the same answer as a missing case.
 * `lock` holds the case row for the rest of the transaction (for writes to the case itself).
 */
export async function openCaseAccess(
  tx: Queryable,
  holder: KeyHolder,
  caseId: string,
  purpose: string,
  parts: readonly CasePart[] = CASE_PARTS,
  lock = false,
): Promise<CaseAccess | null> {
  const [row] = await tx.query<CaseRow>(`select ${CASE_COLUMNS} from cases where id = $1 ${lock ? 'for update' : ''}`, [caseId]);
  if (!row) return null;
  const role = await memberRole(tx, caseId, holder.userId);
  if (!role) return null;
  const vaults: Partial<Record<CasePart, Vault>> = {};
  for (const part of CASE_PARTS) {
    if (!parts.includes(part)) continue;
    const vault = await openVaultAsUser(tx, holder, vaultIdOf(row, part), `case.${purpose}.${part}`);
    if (vault) vaults[part] = vault;
  }
  return Object.keys(vaults).length > 0 ? { row, role, vaults } : null;
}
