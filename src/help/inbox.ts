import type { Queryable } from '../db/client.ts';
import { cursorTime, fetchPage, walkSql, type Keyed, type Page, type PageAsk } from '../db/keyset.ts';
import type { Lang } from '../i18n/lang.ts';
import { ASSOCIATION_ZONE } from '../i18n/days.ts';
import type { Need, RequestStatus } from './needs.ts';
import { HAS_NEWS } from './read-marks.ts';
import { COUNT_CAP, OPEN_FOR_TRIAGE, SUMMARY, toSummary, type RequestSummary, type SummaryRow } from './triage.ts';

/** Requests that became cases belong to their case's team: the inbox leaves them out unless asked. */
export const CASE_FILTERS = ['without', 'only', 'all'] as const;
export type CaseFilter = (typeof CASE_FILTERS)[number];

export type InboxFilter = {
  status?: RequestStatus | 'open';
  need?: Need;
  language?: Lang;
  country?: string;
  cases?: CaseFilter;
  /** the start of the request's id: the short reference the inbox shows, without its "#" */
  ref?: string;
  /** whose live claim holds the request: claimed by the user after the given time (claims lapse) */
  claimedBy?: { userId: string; after: Date };
  /** received on or after / on or before these days, in the association's time zone (YYYY-MM-DD) */
  from?: string;
  to?: string;
};

/** How long a request has waited: the inbox's order after urgency (help_requests_inbox, 0018). */
const WAITED = 'coalesce(waiting_since, created_at)';

function inboxConditions(filter: InboxFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const status = filter.status ?? 'open';
  if (status === 'open') where.push("status in ('new', 'triage', 'accepted')");
  else where.push(`status = $${params.push(status)}`);
  const cases = filter.cases ?? 'without';
  if (cases === 'without') where.push('case_id is null');
  if (cases === 'only') where.push('case_id is not null');
  if (filter.need) where.push(`$${params.push(filter.need)} = any(needs)`);
  if (filter.language) where.push(`language = $${params.push(filter.language)}`);
  if (filter.country) where.push(`country = $${params.push(filter.country)}`);
  // Plain metadata only, on indexes: nothing is decrypted to find a request.
  if (filter.ref) where.push(`id::text like $${params.push(filter.ref)} || '%'`);
  if (filter.claimedBy) where.push(`claimed_by = $${params.push(filter.claimedBy.userId)} and claimed_at > $${params.push(filter.claimedBy.after)}`);
  if (filter.from) where.push(`created_at >= ($${params.push(filter.from)}::date)::timestamp at time zone '${ASSOCIATION_ZONE}'`);
  if (filter.to) where.push(`created_at < ($${params.push(filter.to)}::date + 1)::timestamp at time zone '${ASSOCIATION_ZONE}'`);
  return where;
}

/**
 * The triage queue: urgent first, then whoever has waited longest. "open" (the default) means
 * every request not yet closed or referred; requests that became cases are left out by default.
 * Paged by keyset: the urgent requests and the others are two tiers, each walked along its index.
 */
export async function listInbox(db: Queryable, filter: InboxFilter, ask: PageAsk = { size: 200 }): Promise<Page<RequestSummary>> {
  const params: unknown[] = [];
  const where = inboxConditions(filter, params);
  // Urgency is never null on a request the inbox can list (only an erased one loses it).
  const tiers = ['urgent', 'not urgent'];
  const page = await fetchPage<SummaryRow & Keyed>(db, { tiers: tiers.length, direction: 'asc' }, ask, (tier, bound, backwards, tierParams, limit) => {
    const walk = walkSql(WAITED, 'id', 'asc', bound, backwards, tierParams);
    return `select ${SUMMARY}, ${cursorTime(WAITED)} as sort_at from help_requests
            where ${[...where, tiers[tier]!, walk.where].join(' and ')} order by ${walk.orderBy} limit ${Number(limit)}`;
  }, params);
  return { ...page, rows: page.rows.map(toSummary) };
}

/** `news`: requests with a message from the person that nobody on the team has read yet. Each at most COUNT_CAP. */
export type QueueCounts = { new: number; waiting: number; urgent: number; news: number };

/**
 * The counts above the inbox, over the same requests as its default view. Each reads at most
 * COUNT_CAP entries of an index that holds only what it counts (0021): its cost is bounded,
 * whatever the number of requests.
 */
export async function queueCounts(db: Queryable): Promise<QueueCounts> {
  const capped = (kind: string) => `(select count(*)::int from (select 1 from help_requests where ${OPEN_FOR_TRIAGE} and ${kind} limit ${COUNT_CAP}) as counted)`;
  const [row] = await db.query<QueueCounts>(
    `select ${capped("status = 'new'")} as new, ${capped('waiting_since is not null')} as waiting,
            ${capped('urgent')} as urgent, ${capped(HAS_NEWS('help_requests'))} as news`,
  );
  return row ?? { new: 0, waiting: 0, urgent: 0, news: 0 };
}
