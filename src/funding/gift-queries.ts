import type { Queryable } from '../db/client.ts';
import { todayIn } from '../cases/procedure-days.ts';
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

type GiftRow = {
  id: string;
  amount_cents: bigint;
  purpose: Purpose;
  rf_reference: string;
  pledged_on: string;
  expires_on: string;
  received_on: string | null;
  state: 'pledged' | 'received';
};

const COLUMNS = 'id, amount_cents, purpose, rf_reference, pledged_on, expires_on, received_on, state';

export function shownState(state: 'pledged' | 'received', expiresOn: string | null, today = todayIn()): GiftState {
  return state === 'pledged' && expiresOn !== null && expiresOn < today ? 'expired' : state;
}

function toFacts(row: GiftRow): PledgeFacts {
  return {
    giftId: row.id,
    amountCents: row.amount_cents,
    purpose: row.purpose,
    rfReference: row.rf_reference,
    pledgedOn: row.pledged_on,
    expiresOn: row.expires_on,
    receivedOn: row.received_on,
    state: shownState(row.state, row.expires_on),
  };
}

export async function findPledge(db: Queryable, giftId: string): Promise<PledgeFacts | null> {
  const [row] = await db.query<GiftRow>(`select ${COLUMNS} from gifts where id = $1 and method = 'transfer'`, [giftId]);
  return row ? toFacts(row) : null;
}

/** What the donor's gift code shows: amount, purpose, state and days. Never who gave. */
export type GiftByCode = Pick<PledgeFacts, 'amountCents' | 'purpose' | 'state' | 'expiresOn' | 'receivedOn'>;

export async function findGiftByCode(db: Queryable, typed: string): Promise<GiftByCode | null> {
  const code = normaliseGiftCode(typed);
  if (!code) return null;
  const [row] = await db.query<GiftRow>(`select ${COLUMNS} from gifts where gift_code_hash = $1`, [giftCodeHash(code)]);
  if (!row) return null;
  const { amountCents, purpose, state, expiresOn, receivedOn } = toFacts(row);
  return { amountCents, purpose, state, expiresOn, receivedOn };
}
