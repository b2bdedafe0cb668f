import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import { openForMail, sealForMail } from '../crypto/donor-mail-box.ts';
import { LANGUAGES } from '../i18n/lang.ts';
import { enqueueJob } from '../notify/jobs.ts';

/**
 * A donor asks for the yearly statement of their gifts. The address, language and year are kept
 * encrypted under the instance's key (never in the job's payload) until the 'gift.statement' job
 * has sent the statement or found nothing to send; either way they are then deleted. Every
 * request does the same work here, whether or not the address gave: the asker hears the same
 * answer at the same speed, so the form tells nobody whether an address gave.
 */
const requestContent = z.object({ email: z.string(), lang: z.enum(LANGUAGES), year: z.number().int() });
export type StatementRequest = z.infer<typeof requestContent>;

const place = (id: string) => ({ table: 'gift_statement_requests', row: id }) as const;

export async function requestStatement(db: Db, request: StatementRequest, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const id = randomUUID();
    await tx.query('insert into gift_statement_requests (id, box) values ($1, $2)', [id, sealForMail(place(id), JSON.stringify(request))]);
    await enqueueJob(tx, 'gift.statement', { requestId: id }, now);
  });
}

/** The request the job is to send, or null when it is gone (sent) or does not open here. */
export async function openStatementRequest(db: Queryable, id: string): Promise<StatementRequest | null> {
  const [row] = await db.query<{ box: Uint8Array }>('select box from gift_statement_requests where id = $1', [id]);
  const text = row ? openForMail(place(id), row.box) : null;
  if (text === null) return null;
  const parsed = requestContent.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

export async function forgetStatementRequest(tx: Queryable, id: string): Promise<void> {
  await tx.query('delete from gift_statement_requests where id = $1', [id]);
}

/** The years a statement may be asked for: this one and the four before (the tax office looks back five). */
export function statementYears(today: string): number[] {
  const year = Number(today.slice(0, 4));
  return [0, 1, 2, 3, 4].map((back) => year - back);
}
