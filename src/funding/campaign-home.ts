import type { Db } from '../db/client.ts';
import { todayIn } from '../i18n/days.ts';
import type { PageSource } from '../web/prerendered.ts';
import { accountBalances, kindCounts } from './ledger.ts';
import { PURPOSES, giftAccount, type Purpose } from './purposes.ts';
import { readCampaign, type CampaignContent } from './read-campaign.ts';
import { recentGiftMessages, type PublishedGiftMessage } from './gift-messages.ts';

/** How many published updates the home page shows, newest first. */
export const UPDATES_SHOWN = 10;
/** How many approved gift messages the home page shows, newest first. */
export const GIFT_MESSAGES_SHOWN = 6;

/** What the campaign home shows: the editors' content, and the figures the ledger keeps. */
export type CampaignHome = Omit<CampaignContent, 'purposes'> & {
  /** today in the association's zone, YYYY-MM-DD: days left are counted from it */
  today: string;
  raisedCents: bigint;
  gifts: number;
  purposes: (CampaignContent['purposes'][number] & { raisedCents: bigint })[];
  giftMessages: PublishedGiftMessage[];
};

/**
 * The home page's version, in one query on two primary keys: the ledger's head (its seq is given
 * under the chain's lock in commit order, so a higher head means every lower one has committed:
 * see src/funding/ledger-post.ts), the version every campaign edit bumps in its own
 * transaction, and the newest approved gift message (approving one inserts it: an identity key);
 * with today's date, as days left change with it. The transparency page is kept under the same
 * version (src/funding/transparency.ts).
 */
export async function campaignVersion(db: Db, now: Date): Promise<string> {
  const [row] = await db.query<{ ledger: bigint | null; content: bigint | null; messages: bigint | null }>(
    `select (select seq from ledger_transactions order by seq desc limit 1) as ledger,
            (select content_version from campaign) as content,
            (select seq from published_gift_messages order by seq desc limit 1) as messages`,
  );
  return `${row?.ledger ?? 0n}.${row?.content ?? 0n}.${row?.messages ?? 0n}.${dayOf(now)}`;
}

/** Today in the association's zone, worked out once a minute: formatting a date in a zone is slow, and the version is asked all the time. */
let lastDay = { minute: NaN, day: '' };
export function dayOf(now: Date): string {
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute !== lastDay.minute) lastDay = { minute, day: todayIn(now) };
  return lastDay.day;
}

/**
 * Raised is what the gift accounts hold (income has a negative balance in hledger's sign, and a
 * refund or chargeback debits it back), so it is the money that stayed. The number of gifts is
 * counted the same way: a gift refunded or charged back is no longer one. (A reversal is a
 * correction of any kind of transaction; kind counts cannot say which ones undid gifts, so they
 * are not subtracted.)
 */
async function loadCampaignHome(db: Db, now: Date): Promise<CampaignHome> {
  const content = await readCampaign(db, { publishedOnly: true, updates: UPDATES_SHOWN });
  const balances = await accountBalances(db, PURPOSES.map(giftAccount));
  const counts = await kindCounts(db);
  const raised = (purpose: Purpose) => -(balances.get(giftAccount(purpose)) ?? 0n);
  const gifts = (counts.get('gift') ?? 0n) - (counts.get('refund') ?? 0n) - (counts.get('chargeback') ?? 0n);
  return {
    ...content,
    today: dayOf(now),
    raisedCents: PURPOSES.reduce((sum, purpose) => sum + raised(purpose), 0n),
    gifts: Number(gifts > 0n ? gifts : 0n),
    purposes: content.purposes.map((item) => ({ ...item, raisedCents: raised(item.purpose) })),
    giftMessages: await recentGiftMessages(db, GIFT_MESSAGES_SHOWN),
  };
}

export const campaignHomeSource: PageSource<CampaignHome> = { version: campaignVersion, load: loadCampaignHome };
