import type { Queryable } from '../db/client.ts';

/**
 * For each colleague, how many of these vaults the holder holds a key to and the colleague does
 * not, counting at most `cap`: who must still be given what. It reads who holds which key (the
 * primary key of vault_keys, from the index alone), in the database rather than by shipping every
 * holder of every vault to the process; it opens nothing. Colleagues missing nothing are absent.
 * The vaults are named, or given by kind: every unshredded vault of those kinds the holder holds
 * (found from the holder's own grants, so no list of ids travels to the database).
 */
export async function grantGaps(
  tx: Queryable,
  holderUserId: string,
  colleagueIds: string[],
  vaults: string[] | { kinds: readonly string[] },
  cap: number,
): Promise<Map<string, number>> {
  const byKind = !Array.isArray(vaults);
  if (colleagueIds.length === 0 || (byKind ? vaults.kinds.length === 0 : vaults.length === 0)) return new Map();
  const mine = byKind
    ? `select k.vault_id as id from vault_keys k join vaults v on v.id = k.vault_id
       where k.principal_kind = 'user' and k.principal_ref = $2 and v.kind = any($1::text[]) and v.shredded_at is null`
    : `select v.id from unnest($1::uuid[]) as v(id)
       where exists (select 1 from vault_keys k where k.vault_id = v.id and k.principal_kind = 'user' and k.principal_ref = $2)`;
  const rows = await tx.query<{ user_id: string; missing: number }>(
    `with mine as materialized (${mine})
     select u.id as user_id, (select count(*)::int from (
         select 1 from mine where not exists (
           select 1 from vault_keys k where k.vault_id = mine.id and k.principal_kind = 'user' and k.principal_ref = u.id)
         limit ${Number(cap)}) as lacking) as missing
     from unnest($3::text[]) as u(id)`,
    [byKind ? [...vaults.kinds] : vaults, holderUserId, colleagueIds],
  );
  return new Map(rows.filter((row) => row.missing > 0).map((row) => [row.user_id, row.missing]));
}
