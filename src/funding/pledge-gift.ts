import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { createVault } from '../crypto/vaults.ts';
import type { Giving } from '../config.ts';
import type { Lang } from '../i18n/lang.ts';
import { addDays, todayIn } from '../i18n/days.ts';
import { newRfReference } from './rf-reference.ts';
import { giftCodeHash, newGiftCode } from './gift-code.ts';
import { donorField, giftMessageField, type Donor, type GiftMessageContent } from './gift-content.ts';
import type { GiveRequest } from './give-form.ts';
import { claimPledgePost, earlierPledge, forgetExpiredPledgePosts, linkPledgePost, pledgeKeys } from './pledge-posts.ts';
import { findPledge, type PledgeFacts } from './gift-queries.ts';
import { keepDonorContact } from './donor-mail.ts';
import { readersOf } from './vault-readers.ts';

/** A pledge to show the donor: its facts, and the gift code, which nothing stores. */
export type Pledge = PledgeFacts & { code: string; repeated: boolean };

/** How often a new reference is drawn when one is taken (66 random bits: in practice never). */
const REFERENCE_TRIES = 5;

/**
 * Records a pledge of a gift by bank transfer: a unique RF reference, an expiry day, the hash of
 * the donor's gift code. Who gave is sealed in a 'donor' vault to every active treasurer and the
 * recovery key; a public message also in a 'gift_message' vault to every editor and the recovery
 * key; a fully anonymous gift makes no vault. The same form posted again shows the same pledge.
 */
export async function pledgeGift(db: Db, giving: Giving, request: GiveRequest, lang: Lang): Promise<Pledge> {
  if (!giving.bank) throw new Error('pledgeGift: no bank account is configured.');
  const keys = pledgeKeys(request);
  await forgetExpiredPledgePosts(db);
  const shown = async (earlier: { giftId: string; code: string } | null): Promise<Pledge | null> => {
    const facts = earlier && (await findPledge(db, earlier.giftId));
    return facts && earlier ? { ...facts, code: earlier.code, repeated: true } : null;
  };
  const before = await shown(await earlierPledge(db, keys));
  if (before) return before;

  const code = newGiftCode();
  const id = randomUUID();
  const pledgedOn = todayIn();
  const made = await db.transaction(async (tx) => {
    if (!(await claimPledgePost(tx, keys, code))) return false;
    const donor = request.display === 'private' ? null : await sealDonor(tx, id, request, pledgedOn, lang);
    const gift = { id, amountCents: request.amountCents, purpose: request.purpose, pledgedOn, expiresOn: addDays(pledgedOn, giving.pledgeDays) };
    await insertPledge(tx, gift, code, donor);
    await keepDonorContact(tx, id, request, lang, null);
    if (request.message && request.display !== 'private') {
      await submitGiftMessage(tx, id, pledgedOn, { name: request.display === 'public' ? request.name : null, message: request.message });
    }
    await linkPledgePost(tx, keys, id);
    await appendAudit(tx, null, { kind: 'gift.pledged', giftId: id, method: 'transfer' });
    return true;
  });
  if (made) {
    const facts = await findPledge(db, id);
    if (!facts) throw new Error('pledgeGift: the new pledge cannot be read back.');
    return { ...facts, code, repeated: false };
  }
  // The same form was claimed by a post that ran alongside this one: show its pledge.
  const first = await shown(await earlierPledge(db, keys));
  if (!first) throw new Error('pledgeGift: a repeated pledge was claimed but cannot be shown.');
  return first;
}

export type SealedDonor = { vaultId: string; box: Uint8Array };

/** Seals who gave in a new 'donor' vault (also for gifts paid online, src/funding/start-online-gift.ts). */
export async function sealDonor(tx: Queryable, giftId: string, request: GiveRequest, pledgedOn: string, lang: Lang): Promise<SealedDonor> {
  const vault = await createVault(tx, 'donor', { table: 'gifts', id: giftId }, await readersOf(tx, 'donor'), null);
  const donor: Donor = {
    display: request.display === 'public' ? 'public' : 'anonymous',
    name: request.name,
    email: request.email,
    receipt: request.receipt,
    message: request.message,
    language: lang,
  };
  const place = { id: giftId, amount_cents: request.amountCents, purpose: request.purpose, pledged_on: pledgedOn };
  return { vaultId: vault.id, box: vault.seal(donorField, place, donor) };
}

type NewPledge = { id: string; amountCents: bigint; purpose: string; pledgedOn: string; expiresOn: string };

/** Inserts the pledge under a fresh reference; a reference already taken is drawn again. */
async function insertPledge(tx: Queryable, gift: NewPledge, code: string, donor: SealedDonor | null): Promise<void> {
  for (let attempt = 0; attempt < REFERENCE_TRIES; attempt++) {
    const rows = await tx.query(
      `insert into gifts (id, method, frequency, state, amount_cents, purpose, pledged_on, expires_on, rf_reference, gift_code_hash, donor_vault_id, donor)
       values ($1, 'transfer', 'once', 'pledged', $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (rf_reference) do nothing returning id`,
      [gift.id, gift.amountCents, gift.purpose, gift.pledgedOn, gift.expiresOn, newRfReference(), giftCodeHash(code), donor?.vaultId ?? null, donor?.box ?? null],
    );
    if (rows.length === 1) return;
  }
  throw new Error('pledgeGift: no free RF reference after several draws.');
}

/** Puts a public message in its own vault to wait for an editor (also for gifts paid online). */
export async function submitGiftMessage(tx: Queryable, giftId: string, submittedOn: string, content: GiftMessageContent): Promise<void> {
  const id = randomUUID();
  const vault = await createVault(tx, 'gift_message', { table: 'gift_messages', id }, await readersOf(tx, 'gift_message'), null);
  await tx.query('insert into gift_messages (id, gift_id, vault_id, content, submitted_on) values ($1, $2, $3, $4, $5)', [
    id,
    giftId,
    vault.id,
    vault.seal(giftMessageField, { id, gift_id: giftId, submitted_on: submittedOn }, content),
    submittedOn,
  ]);
}
