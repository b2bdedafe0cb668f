import type { Queryable } from '../db/client.ts';
import { cursorTime, fetchPage, walkSql, type Keyed, type Page, type PageAsk } from '../db/keyset.ts';
import { CASE_COLUMNS, type CaseRow } from './case-access.ts';
import { caseListConditions, pseudonymStarts, summariseListed, type CaseFind, type CaseScope, type CaseStatus, type CaseSummary } from './case-file.ts';
import { liveEvacuationSql } from './tracks.ts';

/**
 * The case lists' order as tiers (src/db/keyset.ts): live evacuations first, urgent first within
 * them, then the latest change first. The live ones are few and found from their partial index
 * (case_tracks_live_evacuation); the others are walked along cases_list_order (status, urgent,
 * updated_at, id), whose leading columns each tier fixes.
 */
const TIERS = [
  `${liveEvacuationSql('c.id')} and c.urgent`,
  `${liveEvacuationSql('c.id')} and not c.urgent`,
  `not ${liveEvacuationSql('c.id')} and c.urgent`,
  `not ${liveEvacuationSql('c.id')} and not c.urgent`,
];

/** A list opens no case: its rows leave the sealed content behind (a kilobyte or two each). */
const LISTED_COLUMNS = CASE_COLUMNS.split(', ').map((column) => (column === 'content' ? 'null::bytea as content' : `c.${column}`)).join(', ');

/** Up to this many cases whose pseudonym starts with what was typed are read from its index; more, and the list's order is walked. */
const FOUND_BY_PSEUDONYM = 1000;

/**
 * Where a pseudonym search reads from. The planner guesses how many cases a start of a pseudonym
 * matches from statistics that know nothing of their status or urgency, so a start that is
 * common among all cases but rare among, say, the closed ones made it walk every closed case to
 * fill a page. Instead the index (cases_status_pseudonym, 0021) is asked how many there are,
 * stopping at FOUND_BY_PSEUDONYM: a rare start reads its few cases from that index (behind a
 * fence the planner does not see through), a common one walks the list's order, where matches
 * come soon. Either way the page reads at most about FOUND_BY_PSEUDONYM rows.
 */
async function casesSource(db: Queryable, status: CaseStatus, pseudonym: string | undefined, params: unknown[]): Promise<string> {
  if (!pseudonym) return 'cases';
  const probe: unknown[] = [status];
  const [{ found } = { found: 0 }] = await db.query<{ found: number }>(
    `select count(*)::int as found from (select 1 from cases c where c.status = $1 and ${pseudonymStarts(pseudonym, probe)} limit ${FOUND_BY_PSEUDONYM}) as counted`,
    probe,
  );
  if (found >= FOUND_BY_PSEUDONYM) return 'cases';
  return `(select * from cases c where c.status = $${params.push(status)} and ${pseudonymStarts(pseudonym, params)} offset 0)`;
}

/**
 * One page of one status's cases (a member's, or every case), found by plain metadata and paged
 * by keyset: a page reads its own rows, however deep, instead of every row before it.
 */
export async function listCasePage(db: Queryable, scope: CaseScope, status: CaseStatus, find: CaseFind, ask: PageAsk): Promise<Page<CaseSummary>> {
  const params: unknown[] = [];
  const where = caseListConditions(scope, status, find, params);
  const source = await casesSource(db, status, find.pseudonym, params);
  const page = await fetchPage<CaseRow & Keyed>(db, { tiers: TIERS.length, direction: 'desc' }, ask, (tier, bound, backwards, tierParams, limit) => {
    const walk = walkSql('c.updated_at', 'c.id', 'desc', bound, backwards, tierParams);
    return `select ${LISTED_COLUMNS}, ${cursorTime('c.updated_at')} as sort_at from ${source} c
            where ${[...where, TIERS[tier]!, walk.where].join(' and ')} order by ${walk.orderBy} limit ${Number(limit)}`;
  }, params);
  return { ...page, rows: await summariseListed(db, scope, page.rows) };
}
