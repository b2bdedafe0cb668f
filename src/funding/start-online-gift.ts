import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/log.ts';
import { randomToken } from '../crypto/tokens.ts';
import { todayIn } from '../i18n/days.ts';
import { translator, type Lang } from '../i18n/index.ts';
import type { GiveRequest } from './give-form.ts';
import { giftCodeHash, newGiftCode } from './gift-code.ts';
import { sealDonor, submitGiftMessage } from './pledge-gift.ts';
import { keepDonorContact } from './donor-mail.ts';
import { manageTokenHash, returnKeys, sealReturn } from './online-gift-tokens.ts';
import { startMollieCheckout, type CheckoutRequest, type StartedCheckout } from './mollie-checkout.ts';
import { startStripeCheckout } from './stripe-checkout.ts';
import type { Provider } from './payment-config.ts';
import { claimPledgePost, forgetExpiredPledgePosts, linkPledgePost, releasePledgePost } from './pledge-posts.ts';
import { awaitEarlierOnlineStart, keepCheckout, onlinePostKeys } from './online-gift-posts.ts';

export type Frequency = 'once' | 'monthly';

/**
 * Where to send the donor: the provider's checkout, or (the same form posted again after its
 * payment finished) the gift's return page; ok: false when the provider could not be reached
 * (nothing is left open).
 */
export type OnlineStart =
  | { ok: true; provider: Provider; checkoutUrl: string }
  | { ok: true; provider: Provider; returnPath: string }
  | { ok: false; provider: Provider };

/**
 * Starts a gift paid online. The gift (and a monthly gift's arrangement) is written first and
 * committed, with who gave sealed as for a pledge, so that whatever the provider later says finds
 * it; then the provider's checkout is made, outside any transaction (nothing waits on the network
 * while holding a connection), and its id kept. The donor gets back the address of the provider's
 * page; the gift code and a monthly gift's manage link are sealed for the way back, shown once the
 * provider has confirmed the payment (src/funding/online-gift-return.ts). The same form posted
 * again starts no second payment: it goes where the first went (src/funding/online-gift-posts.ts).
 */
export async function startOnlineGift(db: Db, config: Config, request: GiveRequest, frequency: Frequency, lang: Lang): Promise<OnlineStart> {
  const online = config.giving.online;
  if (!online) throw new Error('startOnlineGift: no payment provider is configured.');
  const provider = online.offered;
  const post = onlinePostKeys(request, provider, frequency);
  await forgetExpiredPledgePosts(db);
  const earlier = await awaitEarlierOnlineStart(db, post, lang);
  if (earlier) return { ok: true, provider, ...earlier };
  const giftId = randomUUID();
  const monthlyGiftId = frequency === 'monthly' ? randomUUID() : null;
  const returnToken = randomToken();
  const manageToken = monthlyGiftId ? randomToken() : null;
  const code = newGiftCode();
  const today = todayIn();
  const keys = returnKeys(returnToken);

  const claimed = await db.transaction(async (tx) => {
    // On PostgreSQL a concurrent post of the same form waits here until this one commits, then finds it.
    if (!(await claimPledgePost(tx, post, JSON.stringify({ back: returnToken })))) return false;
    if (monthlyGiftId) await insertMonthlyGift(tx, { id: monthlyGiftId, provider, request, today, manageToken: manageToken! });
    const donor = request.display === 'private' ? null : await sealDonor(tx, giftId, request, today, lang);
    await tx.query(
      `insert into gifts (id, method, frequency, state, amount_cents, purpose, pledged_on, gift_code_hash, donor_vault_id, donor,
                          monthly_gift_id, provider_state, return_fingerprint, return_box)
       values ($1, $2, $3, 'pledged', $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12)`,
      [
        giftId, provider, frequency, request.amountCents, request.purpose, today, giftCodeHash(code), donor?.vaultId ?? null, donor?.box ?? null,
        monthlyGiftId, keys.fingerprint, sealReturn(keys, { code, manage: manageToken }),
      ],
    );
    await keepDonorContact(tx, giftId, request, lang, manageToken);
    if (request.message && request.display !== 'private') {
      await submitGiftMessage(tx, giftId, today, { name: request.display === 'public' ? request.name : null, message: request.message });
    }
    await linkPledgePost(tx, post, giftId);
    await appendAudit(tx, null, { kind: 'gift.pledged', giftId, method: provider });
    return true;
  });
  if (!claimed) {
    const first = await awaitEarlierOnlineStart(db, post, lang);
    return first ? { ok: true, provider, ...first } : { ok: false, provider };
  }

  const t = translator(lang);
  const base = config.publicUrl;
  const checkout: CheckoutRequest = {
    giftId,
    monthlyGiftId,
    amountCents: request.amountCents,
    description: t(monthlyGiftId ? 'pay.description.monthly' : 'pay.description', { org: config.orgName }),
    lang,
    returnUrl: new URL(`/${lang}/give/return/${returnToken}`, base).href,
    cancelUrl: new URL(`/${lang}/give`, base).href,
    webhookUrl: new URL(`/api/${provider}/webhook`, base).href,
  };
  let started: StartedCheckout;
  try {
    started = provider === 'mollie' ? await startMollieCheckout(online.mollie!, checkout) : await startStripeCheckout(online.stripe!, checkout);
  } catch (error) {
    // The provider's answer may quote what we sent: its kind only.
    console.error(`[beside] ${provider}: starting a checkout failed (${(error as Error).name})`);
    await db.transaction(async (tx) => {
      await tx.query("update gifts set provider_state = 'failed' where id = $1 and state = 'pledged'", [giftId]);
      // A reload may try again: it makes a new gift, as nothing was left open with the provider.
      await releasePledgePost(tx, post);
    });
    return { ok: false, provider };
  }
  await db.transaction(async (tx) => {
    if (monthlyGiftId && started.customerRef) await tx.query('update monthly_gifts set customer_ref = $2 where id = $1', [monthlyGiftId, started.customerRef]);
    await tx.query('update gifts set provider_payment_id = $2 where id = $1 and provider_payment_id is null', [giftId, started.paymentId]);
    await keepCheckout(tx, post, giftId, { back: returnToken, checkout: started.checkoutUrl });
  });
  return { ok: true, provider, checkoutUrl: started.checkoutUrl };
}

type NewMonthlyGift = { id: string; provider: Provider; request: GiveRequest; today: string; manageToken: string };

async function insertMonthlyGift(tx: Queryable, gift: NewMonthlyGift): Promise<void> {
  await tx.query(
    'insert into monthly_gifts (id, provider, amount_cents, purpose, started_on, manage_token_hash) values ($1, $2, $3, $4, $5, $6)',
    [gift.id, gift.provider, gift.request.amountCents, gift.request.purpose, gift.today, manageTokenHash(gift.manageToken)],
  );
}
