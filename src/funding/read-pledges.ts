import type { Db } from '../db/client.ts';
import { openVaultAsUser, type KeyHolder } from '../crypto/vaults.ts';
import { todayIn } from '../cases/procedure-days.ts';
import { donorField, donorSchema, type Donor } from './gift-content.ts';
import { shownState, type GiftState, type PledgeFacts } from './gift-queries.ts';
import type { Purpose } from './purposes.ts';

export const PLEDGE_LISTS = ['open', 'received', 'expired'] as const;
export type PledgeList = (typeof PLEDGE_LISTS)[number];
export const PLEDGES_PER_PAGE = 50;

/** A pledge in the treasurer's list: plain columns only, nothing decrypted. */
export type PledgeRow = { giftId: string; amountCents: bigint; purpose: Purpose; rfReference: string; pledgedOn: string; expiresOn: string; receivedOn: string | null; state: GiftState; hasDonor: boolean };

const WHERE: Record<PledgeList, string> = {
  open: "state = 'pledged' and expires_on >= $1::date",
  expired: "state = 'pledged' and expires_on < $1::date",
  received: "state = 'received' and $1::date is not null",
};

/** One page of pledges (newest first) and whether another follows. */
export async function listPledges(db: Db, list: PledgeList, page: number): Promise<{ rows: PledgeRow[]; more: boolean }> {
  const rows = await db.query<{
    id: string;
    amount_cents: bigint;
    purpose: Purpose;
    rf_reference: string;
    pledged_on: string;
    expires_on: string;
    received_on: string | null;
    state: 'pledged' | 'received';
    has_donor: boolean;
  }>(
    `select id, amount_cents, purpose, rf_reference, pledged_on, expires_on, received_on, state, donor_vault_id is not null as has_donor
       from gifts where method = 'transfer' and ${WHERE[list]}
      order by pledged_on desc, id limit $2 offset $3`,
    [todayIn(), PLEDGES_PER_PAGE + 1, (page - 1) * PLEDGES_PER_PAGE],
  );
  return {
    more: rows.length > PLEDGES_PER_PAGE,
    rows: rows.slice(0, PLEDGES_PER_PAGE).map((row) => ({
      giftId: row.id,
      amountCents: row.amount_cents,
      purpose: row.purpose,
      rfReference: row.rf_reference,
      pledgedOn: row.pledged_on,
      expiresOn: row.expires_on,
      receivedOn: row.received_on,
      state: shownState(row.state, row.expires_on),
      hasDonor: row.has_donor,
    })),
  };
}

/**
 * One gift with its donor, for a treasurer: the donor's vault is opened with their key (audited).
 * 'anonymous': a fully anonymous gift, nothing to open; 'locked': sealed to other treasurers only;
 * 'unverified': the row was changed in the database. Null: no such gift.
 */
export type GiftForTreasurer = { gift: PledgeFacts; donor: Donor | 'anonymous' | 'locked' | 'unverified' };

export async function readGiftAsTreasurer(db: Db, holder: KeyHolder, giftId: string): Promise<GiftForTreasurer | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{
      id: string;
      amount_cents: bigint;
      purpose: Purpose;
      rf_reference: string;
      pledged_on: string;
      expires_on: string;
      received_on: string | null;
      state: 'pledged' | 'received';
      donor_vault_id: string | null;
      donor: Uint8Array | null;
    }>(
      // A transfer's page (reference, days open); a gift paid online has no pledge to show here.
      "select id, amount_cents, purpose, rf_reference, pledged_on, expires_on, received_on, state, donor_vault_id, donor from gifts where id = $1 and method = 'transfer'",
      [giftId],
    );
    if (!row) return null;
    const gift: PledgeFacts = {
      giftId: row.id,
      amountCents: row.amount_cents,
      purpose: row.purpose,
      rfReference: row.rf_reference,
      pledgedOn: row.pledged_on,
      expiresOn: row.expires_on,
      receivedOn: row.received_on,
      state: shownState(row.state, row.expires_on),
    };
    if (!row.donor_vault_id || !row.donor) return { gift, donor: 'anonymous' };
    const vault = await openVaultAsUser(tx, holder, row.donor_vault_id, 'gift.donor');
    if (!vault) return { gift, donor: 'locked' };
    const place = { id: row.id, amount_cents: row.amount_cents, purpose: row.purpose, pledged_on: row.pledged_on };
    const opened = vault.tryOpen(donorField, place, row.donor, donorSchema);
    return { gift, donor: opened.ok ? opened.value : 'unverified' };
  });
}
