import type { Queryable } from '../db/client.ts';
import { casesWithNews, markConversationRead } from '../help/read-marks.ts';
import type { OpenedRequest } from '../help/triage.ts';
import { teamsOf } from './case-members.ts';

/**
 * How many of a user's open cases have news from the person (a message nobody on the team has
 * read): the count on "My cases" and "My work". One query over a user's cases, which are few; a
 * case counts only through a team row Beside made (its tag verifies), as on the lists.
 */
export async function countMyCasesWithNews(db: Queryable, userId: string): Promise<number> {
  const rows = await db.query<{ id: string }>(
    "select c.id from case_members m join cases c on c.id = m.case_id and c.status = 'open' where m.user_id = $1",
    [userId],
  );
  if (rows.length === 0) return 0;
  // News first (plain columns, 0021), then the team rows of only those cases: the tags checked are
  // those of the few cases with news, not of every case the user is on.
  const news = [...(await casesWithNews(db, rows.map((row) => row.id)))];
  if (news.length === 0) return 0;
  return new Set((await teamsOf(db, news)).filter((member) => member.userId === userId).map((member) => member.caseId)).size;
}

/** Opening a case page reads its conversations: each is marked read up to what was shown. */
export async function markCaseRead(db: Queryable, userId: string, conversations: readonly OpenedRequest[]): Promise<void> {
  for (const conversation of conversations) await markConversationRead(db, userId, conversation);
}
