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
  const ids = rows.map((row) => row.id);
  const mine = new Set((await teamsOf(db, ids)).filter((member) => member.userId === userId).map((member) => member.caseId));
  return [...(await casesWithNews(db, ids.filter((id) => mine.has(id))))].length;
}

/** Opening a case page reads its conversations: each is marked read up to what was shown. */
export async function markCaseRead(db: Queryable, userId: string, conversations: readonly OpenedRequest[]): Promise<void> {
  for (const conversation of conversations) await markConversationRead(db, userId, conversation);
}
