import type { Queryable } from '../db/client.ts';

/**
 * When the person last wrote in any conversation of each case: what a check-in on a case counts
 * (cases/checkins.ts). Times only, from plain columns; nothing is decrypted. One query on the
 * request-by-case and message-by-request indexes.
 */
export async function lastPersonMessages(tx: Queryable, caseIds: string[]): Promise<Map<string, Date>> {
  if (caseIds.length === 0) return new Map();
  const rows = await tx.query<{ case_id: string; at: Date }>(
    `select r.case_id, max(m.created_at) as at from help_requests r
     join messages m on m.request_id = r.id and m.author = 'person'
     where r.case_id = any($1::uuid[]) group by r.case_id`,
    [caseIds],
  );
  return new Map(rows.map((row) => [row.case_id, row.at]));
}
