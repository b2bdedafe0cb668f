import assert from 'node:assert/strict';
import type { Db } from '../../src/db/client.ts';
import { accountBalances } from '../../src/funding/ledger.ts';
import { paymentDeliveriesSettled } from '../../src/funding/payment-booker.ts';
import type { Lang } from '../../src/i18n/lang.ts';
import { Browser, textOf, type Page, type TestApp } from '../support/app.ts';
import { StripeStandin, type StripeEvent } from '../support/stripe-standin.ts';
import { acceptStandinCertificate, MollieStandin } from '../support/mollie-standin.ts';
import { formKeyOf } from './give-support.ts';

/**
 * Helpers for tests of gifts paid online: the donor's Give form and the step to the provider, the
 * way back, the webhooks as each provider delivers them, and a snapshot of the books to prove
 * that a delivery changed nothing.
 */

/** Both providers' stand-ins on loopback, with Mollie's self-signed certificate accepted until close(). */
export async function startStandins(): Promise<{ mollie: MollieStandin; stripe: StripeStandin; close(): Promise<void> }> {
  const restoreTls = acceptStandinCertificate();
  const mollie = await MollieStandin.start();
  const stripe = await StripeStandin.start();
  return {
    mollie,
    stripe,
    async close() {
      await mollie.close();
      await stripe.close();
      restoreTls();
    },
  };
}

/** Posts the Give form to pay online; answers the page and the provider's checkout address it links to. */
export async function giveOnline(t: TestApp, lang: Lang, fields: Record<string, string>): Promise<{ page: Page; checkoutUrl: string; browser: Browser }> {
  const browser = new Browser(t);
  const form = await browser.get(`/${lang}/give`);
  const key = formKeyOf(form.html);
  assert.ok(key, 'the Give page carries a form key');
  const page = await browser.post(`/${lang}/give`, { key, purpose: 'general', display: 'anonymous', way: 'online', frequency: 'once', ...fields });
  assert.equal(page.status, 200, textOf(page.html).slice(0, 400));
  const checkoutUrl = /<a class="button" href="([^"]+)" data-checkout/.exec(page.html)?.[1]?.replace(/&amp;/g, '&');
  assert.ok(checkoutUrl, `no link to the provider: ${textOf(page.html).slice(0, 400)}`);
  return { page, checkoutUrl, browser };
}

/**
 * Mollie's webhook: a form post naming the payment, as Mollie sends it. Answers once the payment
 * booker has handled what the delivery kept (the webhook itself answers before that).
 */
export async function deliverMollie(t: TestApp, paymentId: string): Promise<Response> {
  const answer = await t.app.request('/api/mollie/webhook', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Mollie HTTP Client/1.0' },
    body: MollieStandin.webhookBody(paymentId),
  });
  await paymentDeliveriesSettled(t.db);
  return answer;
}

/** Stripe's webhook: the event's JSON with its Stripe-Signature header; answers once the booker has handled it. */
export async function deliverStripe(t: TestApp, delivery: { body: string; signature?: string }): Promise<Response> {
  const answer = await t.app.request('/api/stripe/webhook', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', ...(delivery.signature ? { 'Stripe-Signature': delivery.signature } : {}) },
    body: delivery.body,
  });
  await paymentDeliveriesSettled(t.db);
  return answer;
}

export function deliverStripeEvent(t: TestApp, stripe: StripeStandin, event: StripeEvent): Promise<Response> {
  return deliverStripe(t, stripe.signed(event));
}

/** What the books hold: every transaction (seq, kind, source) and every balance. Equal snapshots: nothing changed. */
export async function books(db: Db): Promise<{ transactions: string[]; balances: Record<string, string>; gifts: string[] }> {
  const rows = await db.query<{ seq: bigint; kind: string; source_ref: string | null }>('select seq, kind, source_ref from ledger_transactions order by seq');
  const balances = Object.fromEntries([...(await accountBalances(db)).entries()].map(([account, cents]) => [account, cents.toString()]));
  const gifts = await db.query<{ id: string; state: string; provider_state: string | null }>('select id, state, provider_state from gifts order by id');
  return { transactions: rows.map((row) => `${row.seq} ${row.kind} ${row.source_ref}`), balances, gifts: gifts.map((g) => `${g.id} ${g.state} ${g.provider_state}`) };
}

export async function balance(db: Db, account: string): Promise<bigint> {
  return (await accountBalances(db, [account])).get(account) ?? 0n;
}

export async function countBySource(db: Db, sourceRef: string): Promise<number> {
  return (await db.query('select 1 from ledger_transactions where source_ref = $1', [sourceRef])).length;
}

/** The code on the way back (compact), or null when the page shows none. */
export function shownCode(html: string): string | null {
  const code = /data-gift-code[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1];
  return code ? code.replace(/<[^>]*>/g, '').replace(/\s/g, '') : null;
}

export function manageLinkOf(html: string): string | null {
  return /<a href="([^"]+)" data-manage-link[^>]*>/.exec(html)?.[1] ?? null;
}

/** The state the way back shows: waiting, failed or received. */
export function returnState(html: string): string | undefined {
  return /data-return-state="([^"]+)"/.exec(html)?.[1];
}

/** The local path of an absolute address (the provider sends the donor to PUBLIC_URL's host). */
export const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};
