import type { Db } from '../db/client.ts';
import { openVaultAsUser, type KeyHolder } from '../crypto/vaults.ts';
import { todayIn } from '../i18n/days.ts';
import { donorField, donorSchema, type Donor } from './gift-content.ts';
import { GIFT_COLUMNS, presentGift, type GiftRow, type ListedGift } from './gift-queries.ts';

/** The treasurer's lists: transfers pledged (open, received, expired), and every gift paid online. */
export const PLEDGE_LISTS = ['open', 'received', 'expired', 'online'] as const;
export type PledgeList = (typeof PLEDGE_LISTS)[number];
export const PLEDGES_PER_PAGE = 50;

/** A gift in the treasurer's list: plain columns only, nothing decrypted. */
export type PledgeRow = ListedGift;

const WHERE: Record<PledgeList, string> = {
  open: "method = 'transfer' and state = 'pledged' and expires_on >= $1::date",
  expired: "method = 'transfer' and state = 'pledged' and expires_on < $1::date",
  received: "method = 'transfer' and state = 'received' and $1::date is not null",
  online: "method <> 'transfer' and $1::date is not null",
};

/** One page of a list (newest first) and whether another follows. */
export async function listPledges(db: Db, list: PledgeList, page: number): Promise<{ rows: PledgeRow[]; more: boolean }> {
  const rows = await db.query<GiftRow>(`select ${GIFT_COLUMNS} from gifts where ${WHERE[list]} order by pledged_on desc, id limit $2 offset $3`, [
    todayIn(),
    PLEDGES_PER_PAGE + 1,
    (page - 1) * PLEDGES_PER_PAGE,
  ]);
  return { more: rows.length > PLEDGES_PER_PAGE, rows: rows.slice(0, PLEDGES_PER_PAGE).map(presentGift) };
}

/**
 * One gift with its donor, for a treasurer: the donor's vault is opened with their key (audited).
 * 'anonymous': a fully anonymous gift, nothing to open; 'locked': sealed to other treasurers only;
 * 'unverified': the row was changed in the database. Null: no such gift.
 */
export type GiftForTreasurer = { gift: ListedGift; donor: Donor | 'anonymous' | 'locked' | 'unverified' };

export async function readGiftAsTreasurer(db: Db, holder: KeyHolder, giftId: string): Promise<GiftForTreasurer | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<GiftRow & { donor_vault_id: string | null; donor: Uint8Array | null }>(
      `select ${GIFT_COLUMNS}, gifts.donor_vault_id, gifts.donor from gifts where id = $1`,
      [giftId],
    );
    if (!row) return null;
    const gift = presentGift(row);
    if (!row.donor_vault_id || !row.donor) return { gift, donor: 'anonymous' };
    const vault = await openVaultAsUser(tx, holder, row.donor_vault_id, 'gift.donor');
    if (!vault) return { gift, donor: 'locked' };
    const place = { id: row.id, amount_cents: row.amount_cents, purpose: row.purpose, pledged_on: row.pledged_on };
    const opened = vault.tryOpen(donorField, place, row.donor, donorSchema);
    return { gift, donor: opened.ok ? opened.value : 'unverified' };
  });
}
