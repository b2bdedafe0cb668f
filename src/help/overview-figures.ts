import type { Queryable } from '../db/client.ts';

/**
 * Figures over the help requests' plain metadata for the coordinators' overview: counts and
 * durations only, computed by PostgreSQL over indexed columns; nothing is decrypted.
 */

/** Requests received in each of the last `weeks` weeks (Monday to Sunday, Amsterdam time), oldest first. */
export async function requestsPerWeek(db: Queryable, now: Date, weeks = 12): Promise<{ weekStart: string; startsAt: Date; count: number }[]> {
  return db.query<{ weekStart: string; startsAt: Date; count: number }>(
    `select to_char(w, 'YYYY-MM-DD') as "weekStart", (w at time zone 'Europe/Amsterdam') as "startsAt",
            (select count(*) from help_requests h
              where h.created_at >= (w at time zone 'Europe/Amsterdam') and h.created_at < ((w + interval '1 week') at time zone 'Europe/Amsterdam'))::int as count
     from generate_series(date_trunc('week', $1::timestamptz at time zone 'Europe/Amsterdam') - make_interval(weeks => $2::int - 1),
                          date_trunc('week', $1::timestamptz at time zone 'Europe/Amsterdam'), interval '1 week') as w
     order by w`,
    [now, weeks],
  );
}

export type FirstResponse = { answered: number; medianSeconds: number | null; worstSeconds: number | null; unanswered: number; longestUnansweredSeconds: number | null };

/**
 * Time from a request's arrival to the first reply from staff, over the requests received since
 * `since`: the median and the worst of those answered, and those still waiting for a first reply.
 */
export async function firstResponseTimes(db: Queryable, since: Date, now: Date): Promise<FirstResponse> {
  const [row] = await db.query<{ answered: number; median: number | null; worst: number | null; unanswered: number; longest: number | null }>(
    // The first reply is kept on the request (migration 0021), and help_requests_created_cover
    // holds it: the figures read the weeks' requests from the index alone, looking nothing up.
    `select count(first_reply_at)::int as answered,
            (percentile_cont(0.5) within group (order by extract(epoch from first_reply_at - created_at)) filter (where first_reply_at is not null))::float8 as median,
            max(extract(epoch from first_reply_at - created_at))::float8 as worst,
            (count(*) - count(first_reply_at))::int as unanswered,
            max(extract(epoch from $2::timestamptz - created_at)) filter (where first_reply_at is null)::float8 as longest
     from help_requests where created_at >= $1 and status <> 'erased'`,
    [since, now],
  );
  return {
    answered: row?.answered ?? 0,
    medianSeconds: row?.median ?? null,
    worstSeconds: row?.worst ?? null,
    unanswered: row?.unanswered ?? 0,
    longestUnansweredSeconds: row?.longest ?? null,
  };
}

export const WAITING_BUCKETS = ['under_1', 'days_1_2', 'days_3_6', 'days_7_13', 'days_14_plus'] as const;
export type WaitingBucket = (typeof WAITING_BUCKETS)[number];

/** People whose last word is still unanswered, by how many days they have waited. */
export async function peopleWaiting(db: Queryable, now: Date): Promise<Record<WaitingBucket, number>> {
  const [row] = await db.query<Record<WaitingBucket, number>>(
    `select count(*) filter (where waiting_since > $1::timestamptz - interval '1 day')::int as under_1,
            count(*) filter (where waiting_since <= $1::timestamptz - interval '1 day' and waiting_since > $1::timestamptz - interval '3 days')::int as days_1_2,
            count(*) filter (where waiting_since <= $1::timestamptz - interval '3 days' and waiting_since > $1::timestamptz - interval '7 days')::int as days_3_6,
            count(*) filter (where waiting_since <= $1::timestamptz - interval '7 days' and waiting_since > $1::timestamptz - interval '14 days')::int as days_7_13,
            count(*) filter (where waiting_since <= $1::timestamptz - interval '14 days')::int as days_14_plus
     from help_requests where waiting_since is not null and status not in ('closed', 'erased')`,
    [now],
  );
  return row ?? { under_1: 0, days_1_2: 0, days_3_6: 0, days_7_13: 0, days_14_plus: 0 };
}

/** Urgent requests ("in danger right now") not yet taken on: new or in triage. */
export async function urgentRequestsOpen(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>("select count(*)::int as n from help_requests where urgent and status in ('new', 'triage')");
  return row?.n ?? 0;
}
