import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import type { SubmissionKeys } from '../crypto/submission-keys.ts';
import type { Lang } from '../i18n/lang.ts';
import type { GiveRequest } from './give-form.ts';
import type { Provider } from './payment-config.ts';
import { pledgeKeys } from './pledge-posts.ts';

/**
 * The Give form paid online, posted twice (a reload of the answer, a double tap): one gift and
 * one payment at the provider. As for a pledge (src/funding/pledge-posts.ts) the post is claimed
 * in gift_submissions; its sealed box holds the way back: the return token, and once the
 * provider has answered, its checkout address. A repeated post goes to that same checkout, or to
 * the gift's return page once the payment has finished.
 */
export function onlinePostKeys(request: GiveRequest, provider: Provider, frequency: string): SubmissionKeys {
  return pledgeKeys(request, ['gift-online', provider, frequency]);
}

const wayBackSchema = z.object({ back: z.string().min(1).max(200), checkout: z.url().max(2000).optional() });
export type WayBack = z.infer<typeof wayBackSchema>;

export const sealWayBack = (keys: SubmissionKeys, way: WayBack): Uint8Array => keys.sealReceipt(JSON.stringify(way));

function openWayBack(keys: SubmissionKeys, box: Uint8Array): WayBack | null {
  const text = keys.openReceipt(box);
  if (text === null) return null;
  try {
    const parsed = wayBackSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Keeps the provider's checkout address with the post, for a repeat of it. */
export async function keepCheckout(tx: Queryable, keys: SubmissionKeys, giftId: string, way: Required<WayBack>): Promise<void> {
  await tx.query('update gift_submissions set code_box = $3 where fingerprint = $1 and gift_id = $2', [keys.fingerprint, giftId, sealWayBack(keys, way)]);
}

export type EarlierStart = { checkoutUrl: string } | { returnPath: string } | 'pending';

/** Where an earlier post of the same form sent the donor, 'pending' while its provider has not answered yet, or null. */
export async function earlierOnlineStart(db: Queryable, keys: SubmissionKeys, lang: Lang): Promise<EarlierStart | null> {
  const [row] = await db.query<{ gift_id: string | null; code_box: Uint8Array; state: string | null; provider_state: string | null }>(
    `select s.gift_id, s.code_box, g.state, g.provider_state
       from gift_submissions s left join gifts g on g.id = s.gift_id
      where s.fingerprint = $1 and s.expires_at > now()`,
    [keys.fingerprint],
  );
  const way = row?.gift_id ? openWayBack(keys, row.code_box) : null;
  if (!row || !way) return null;
  if (row.state === 'received' || row.provider_state !== 'open') return { returnPath: `/${lang}/give/return/${way.back}` };
  return way.checkout ? { checkoutUrl: way.checkout } : 'pending';
}

/** How long a repeated post waits for the first one's provider to answer (the SDKs' own time-outs are shorter). */
const WAIT_STEPS = 60;
const STEP_MS = 250;

/**
 * As earlierOnlineStart, but a post that arrives while the first is still talking to the provider
 * waits for its answer (without holding a connection) rather than start a second payment. Null:
 * no earlier post, or it gave up (the provider could not be reached) or did not answer in time.
 */
export async function awaitEarlierOnlineStart(db: Queryable, keys: SubmissionKeys, lang: Lang): Promise<{ checkoutUrl: string } | { returnPath: string } | null> {
  for (let step = 0; step < WAIT_STEPS; step++) {
    const earlier = await earlierOnlineStart(db, keys, lang);
    if (earlier !== 'pending') return earlier;
    await sleep(STEP_MS);
  }
  return null;
}
