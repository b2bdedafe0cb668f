import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { donorTag, openForMail, sealForMail } from '../crypto/donor-mail-box.ts';
import { LANGUAGES, type Lang } from '../i18n/lang.ts';
import { enqueueJob } from '../notify/jobs.ts';
import type { GiveRequest } from './give-form.ts';

/**
 * What the server keeps to e-mail a donor, beside the donor vault it cannot open: the gift's
 * donor tag (to find a donor's gifts for a yearly statement) and, when a receipt was asked for,
 * the thank-you's address, language and a monthly gift's manage token (otherwise shown once),
 * encrypted under the instance's key (src/crypto/donor-mail-box.ts) until the e-mail has gone.
 * A fully anonymous gift keeps neither.
 */
const thanksContent = z.object({ email: z.string(), lang: z.enum(LANGUAGES), manage: z.string().nullable() });
export type ThanksContent = z.infer<typeof thanksContent>;

const place = (giftId: string) => ({ table: 'gift_thanks', row: giftId }) as const;

/** Days a never-paid gift keeps its server-readable address: long past any late transfer worth thanking. */
export const UNPAID_KEEP_DAYS = 120;

/** Called in the transaction that inserts the gift, after its row. */
export async function keepDonorContact(tx: Queryable, giftId: string, request: GiveRequest, lang: Lang, manageToken: string | null): Promise<void> {
  // Gifts never paid (an abandoned checkout, a transfer that never came) must not keep an address for ever.
  await tx.query(
    `delete from gift_thanks t using gifts g where g.id = t.gift_id and g.state = 'pledged' and g.pledged_on < current_date - $1::int`,
    [UNPAID_KEEP_DAYS],
  );
  if (request.display === 'private' || !request.email) return;
  await tx.query('update gifts set donor_tag = $2 where id = $1', [giftId, donorTag(request.email)]);
  if (!request.receipt) return;
  const content: ThanksContent = { email: request.email, lang, manage: manageToken };
  await tx.query('insert into gift_thanks (gift_id, box) values ($1, $2)', [giftId, sealForMail(place(giftId), JSON.stringify(content))]);
}

/**
 * Queues the thank-you of a gift just marked received, in the same transaction: booked means
 * thanked, and a booking rolled back thanks nobody. Only gifts that asked for a receipt have one.
 */
export async function queueThanks(tx: Queryable, giftId: string, now = new Date()): Promise<void> {
  const [kept] = await tx.query('select 1 from gift_thanks where gift_id = $1', [giftId]);
  if (kept) await enqueueJob(tx, 'gift.thanks', { giftId }, now);
}

/** The thank-you's address, language and link, or null when none is kept (sent already, or never asked). */
export async function thanksFor(db: Queryable, giftId: string): Promise<ThanksContent | null> {
  const [row] = await db.query<{ box: Uint8Array }>('select box from gift_thanks where gift_id = $1', [giftId]);
  const text = row ? openForMail(place(giftId), row.box) : null;
  if (text === null) return null;
  const parsed = thanksContent.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/** Forgets the server-readable copy once the thank-you is sent or given up. */
export async function forgetThanks(tx: Queryable, giftId: string): Promise<void> {
  await tx.query('delete from gift_thanks where gift_id = $1', [giftId]);
}
