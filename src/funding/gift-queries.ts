import type { Queryable } from '../db/client.ts';
import { todayIn } from '../i18n/days.ts';
import type { Purpose } from './purposes.ts';
import { giftCodeHash, normaliseGiftCode } from './gift-code.ts';

/**
 * What a gift's plain row says, as pages show it. A pledge past its expiry day is "expired" only
 * in what it shows: it stays open in the database, so money that arrives late still finds it.
 */
export type GiftState = 'pledged' | 'received' | 'expired';

export type PledgeFacts = {
  giftId: string;
  amountCents: bigint;
  purpose: Purpose;
  rfReference: string;
  pledgedOn: string;
  expiresOn: string;
  receivedOn: string | null;
  state: GiftState;
};

/** A gift paid online, as the treasurer's list shows it: what the provider said last, and what was given back. */
export type OnlineState = 'started' | 'paid' | 'failed' | 'refunded' | 'charged_back';

/**
 * A gift's plain row, as every page reads it (one shape, one column list). A transfer has its RF
 * reference and last day; a gift paid online has neither, and its provider's state instead.
 */
export type GiftRow = {
  id: string;
  method: 'transfer' | 'mollie' | 'stripe';
  frequency: 'once' | 'monthly';
  amount_cents: bigint;
  purpose: Purpose;
  rf_reference: string | null;
  pledged_on: string;
  expires_on: string | null;
  received_on: string | null;
  state: 'pledged' | 'received';
  provider_state: 'open' | 'paid' | 'failed' | null;
  /** a refund or chargeback still standing (the provider did not undo it), a chargeback first */
  given_back: 'refund' | 'chargeback' | null;
  has_donor: boolean;
};

export const GIFT_COLUMNS = `gifts.id, gifts.method, gifts.frequency, gifts.amount_cents, gifts.purpose, gifts.rf_reference, gifts.pledged_on, gifts.expires_on,
  gifts.received_on, gifts.state, gifts.provider_state, gifts.donor_vault_id is not null as has_donor,
  (select r.kind from gift_reversals r where r.gift_id = gifts.id and r.undone_seq is null order by r.kind limit 1) as given_back`;

/** What an online gift's row says, in the treasurer's words. */
export function onlineState(row: Pick<GiftRow, 'state' | 'provider_state' | 'given_back'>): OnlineState {
  if (row.given_back === 'chargeback') return 'charged_back';
  if (row.given_back === 'refund') return 'refunded';
  if (row.state === 'received') return 'paid';
  return row.provider_state === 'failed' ? 'failed' : 'started';
}

export function shownState(state: 'pledged' | 'received', expiresOn: string | null, today = todayIn()): GiftState {
  return state === 'pledged' && expiresOn !== null && expiresOn < today ? 'expired' : state;
}

/** A transfer's facts (a transfer always has its reference and last day: the table's CHECK holds it to them). */
export function toFacts(row: GiftRow): PledgeFacts {
  return {
    giftId: row.id,
    amountCents: row.amount_cents,
    purpose: row.purpose,
    rfReference: row.rf_reference ?? '',
    pledgedOn: row.pledged_on,
    expiresOn: row.expires_on ?? '',
    receivedOn: row.received_on,
    state: shownState(row.state, row.expires_on),
  };
}

export async function findPledge(db: Queryable, giftId: string): Promise<PledgeFacts | null> {
  const [row] = await db.query<GiftRow>(`select ${GIFT_COLUMNS} from gifts where id = $1 and method = 'transfer'`, [giftId]);
  return row ? toFacts(row) : null;
}

/** What the donor's gift code shows: amount, purpose, state and days. Never who gave. */
export type GiftByCode = Pick<PledgeFacts, 'amountCents' | 'purpose' | 'state' | 'receivedOn'> & { expiresOn: string | null };

export async function findGiftByCode(db: Queryable, typed: string): Promise<GiftByCode | null> {
  const code = normaliseGiftCode(typed);
  if (!code) return null;
  const [row] = await db.query<GiftRow>(`select ${GIFT_COLUMNS} from gifts where gift_code_hash = $1`, [giftCodeHash(code)]);
  if (!row) return null;
  // A gift paid online has no last day: it shows as waiting for the provider until it is paid.
  return { amountCents: row.amount_cents, purpose: row.purpose, state: shownState(row.state, row.expires_on), expiresOn: row.expires_on, receivedOn: row.received_on };
}

/** A gift in the treasurer's lists and on its page: plain columns only, nothing decrypted. */
export type ListedGift = { giftId: string; amountCents: bigint; purpose: Purpose; pledgedOn: string; receivedOn: string | null; hasDonor: boolean } & (
  | { method: 'transfer'; rfReference: string; expiresOn: string; state: GiftState }
  | { method: 'mollie' | 'stripe'; monthly: boolean; state: OnlineState }
);

export function presentGift(row: GiftRow): ListedGift {
  const common = { giftId: row.id, amountCents: row.amount_cents, purpose: row.purpose, pledgedOn: row.pledged_on, receivedOn: row.received_on, hasDonor: row.has_donor };
  if (row.method === 'transfer') {
    const { rfReference, expiresOn, state } = toFacts(row);
    return { ...common, method: 'transfer', rfReference, expiresOn, state };
  }
  return { ...common, method: row.method, monthly: row.frequency === 'monthly', state: onlineState(row) };
}
