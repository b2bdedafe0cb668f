import type { Queryable } from '../db/client.ts';
import type { OpenedRequest } from './triage.ts';

/**
 * "New from the person": a request has news while the person wrote (the request itself, or a
 * message since) after the latest read mark any staff member left on it. Marks are per user (who
 * read up to when), but a message counts as read by the team once anyone read it: a mark is only
 * written by someone who just opened the conversation, so it proves that a colleague who can
 * answer has seen it, and the team works one queue. Plain metadata only. Times compare to the
 * millisecond, the precision a mark carries from the page.
 * The database keeps both times on the request (migration 0021: person_wrote_at from the request
 * and its messages, team_read_at from the marks, by triggers), so the rule reads one row and a
 * partial index holds the requests in triage that have news.
 */
export const HAS_NEWS = (alias: string) => `${alias}.person_wrote_at > ${alias}.team_read_at`;

/**
 * Marks a conversation read up to the latest thing the person wrote that the reader was shown —
 * the request, then their messages — not "now": a message arriving while the page renders stays
 * new. Marks only move forward.
 */
export async function markConversationRead(db: Queryable, userId: string, opened: Pick<OpenedRequest, 'summary' | 'messages'>): Promise<void> {
  const latest = opened.messages
    .filter((message) => message.author === 'person')
    .reduce((last, message) => (message.at > last ? message.at : last), opened.summary.createdAt);
  await db.query(
    `insert into request_read_marks (user_id, request_id, last_read_at) values ($1, $2, $3)
     on conflict (request_id, user_id) do update set last_read_at = greatest(request_read_marks.last_read_at, excluded.last_read_at)`,
    [userId, opened.summary.id, latest],
  );
}

/** The requests (of those named) with news from the person. */
export async function requestsWithNews(db: Queryable, requestIds: string[]): Promise<Set<string>> {
  if (requestIds.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(`select r.id from help_requests r where r.id = any($1::uuid[]) and ${HAS_NEWS('r')}`, [requestIds]);
  return new Set(rows.map((row) => row.id));
}

/** The cases (of those named) with news from the person in one of their conversations. */
export async function casesWithNews(db: Queryable, caseIds: string[]): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await db.query<{ case_id: string }>(
    `select distinct r.case_id from help_requests r where r.case_id = any($1::uuid[]) and ${HAS_NEWS('r')}`,
    [caseIds],
  );
  return new Set(rows.map((row) => row.case_id));
}
