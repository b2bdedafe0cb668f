import type { Context } from 'hono';
import type Stripe from 'stripe';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { formBody, machine, route, staff, PUBLIC, type MachineVerifier } from '../web/route.ts';
import { AppError, notFound } from '../web/errors.ts';
import { clientAddress } from '../web/client-address.ts';
import { page, requireLang } from './give-routes.tsx';
import { MOLLIE_PAYMENT_ID } from './receive-mollie-payment.ts';
import { DeliveriesFull, recordDelivery, retryGivenUp, type Delivery } from './payment-deliveries.ts';
import { appendAudit } from '../audit/log.ts';
import { staffOf } from '../auth/access.ts';
import { kickPaymentBooker } from './payment-booker.ts';
import { storedStripeEvent } from './stripe-delivery.ts';
import { stripeClient } from './provider-clients.ts';
import { readReturn } from './online-gift-return.ts';
import { findMonthlyByToken } from './monthly-gifts.ts';
import { cancelMonthlyGift } from './cancel-monthly-gift.ts';
import { isCancelFormToken, TOKEN } from './online-gift-tokens.ts';
import { MonthlyPage, providerName, ReturnPage } from './payment-views.tsx';

/** Stripe's events can carry an invoice with its lines: more than a form. */
const STRIPE_BODY_BYTES = 512 * 1024;
/** Looks at the way back and the manage page allowed per address in 10 minutes (tokens have 256 bits: this stops floods, not guessing). */
const LOOKS = 120;

/** Events the verifier checked, for the handler of the same request. */
const verifiedEvents = new WeakMap<Request, Stripe.Event>();

/**
 * Stripe signs each delivery (header Stripe-Signature: a timestamp and an HMAC of "timestamp.body"
 * under the endpoint's secret). The SDK checks it over the raw bytes, as they came, and refuses a
 * timestamp more than five minutes off (a replay). A refused delivery is answered 400, as Stripe
 * asks, before anything is read or written.
 */
const verifyStripe: MachineVerifier = async (c) => {
  const settings = c.get('deps').config.giving.online?.stripe;
  const signature = c.req.header('stripe-signature');
  if (!settings || !signature) throw new AppError('bad_request');
  const raw = new Uint8Array(await c.req.arrayBuffer());
  try {
    verifiedEvents.set(c.req.raw, stripeClient(settings).webhooks.constructEvent(raw, signature, settings.webhookSecret));
  } catch {
    throw new AppError('bad_request');
  }
  return true;
};

const cancelForm = z.object({ token: z.string().regex(TOKEN), check: z.string().max(100) });

/** Mollie deliveries a day per client address: Mollie sends one per change of a payment; this stops a flood of made-up ids. */
const MOLLIE_DELIVERIES = 20_000;

/** Keeps a delivery (committed before the provider is answered) and wakes the booker; 503 when too many wait. */
async function keep(c: Context<AppEnv>, delivery: Delivery): Promise<void> {
  try {
    await recordDelivery(dbOf(c), delivery);
  } catch (error) {
    if (error instanceof DeliveriesFull) throw new AppError('busy');
    throw error;
  }
  kickPaymentBooker(dbOf(c), c.get('deps').config);
}

function lookLimit(c: Context<AppEnv>): void {
  if (!c.get('deps').limits.attempt(`give-token:${clientAddress(c)}`, LOOKS, 10 * 60_000)) throw new AppError('rate_limited');
}

/** Paying online: the providers' webhooks, the donor's way back, and the monthly gift's page. */
export function registerPayments(app: App): void {
  route(
    app,
    'POST',
    '/api/mollie/webhook',
    machine({ verify: 'open', why: "Mollie's webhook only names a payment (id=tr_…); Beside fetches that payment from Mollie's API with its own key and acts on what Mollie says" }),
    async (c) => {
      // A body that is not a form is nobody's webhook: 400, and Mollie is never asked.
      const form = await formBody(c);
      const id = typeof form.id === 'string' ? form.id : '';
      const { config } = c.get('deps');
      // Kept, then answered; the booker asks Mollie about it (payment-booker.ts). 200 for a
      // payment we do not know as for one we keep: Mollie retries anything else for hours, an id
      // that is not ours never becomes ours, and the one answer tells a prober nothing. Only a
      // failure to keep it (500) asks Mollie to come back.
      if (config.giving.online?.mollie && MOLLIE_PAYMENT_ID.test(id)) {
        if (!c.get('deps').limits.attempt(`mollie-webhook:${clientAddress(c)}`, MOLLIE_DELIVERIES, 24 * 3600_000)) throw new AppError('rate_limited');
        await keep(c, { provider: 'mollie', ref: id, event: null });
      }
      return c.text('ok');
    },
  );

  route(
    app,
    'POST',
    '/api/stripe/webhook',
    machine({ verify: verifyStripe }),
    async (c) => {
      const event = verifiedEvents.get(c.req.raw);
      if (!event) throw new AppError('bad_request');
      // Kept (only what booking reads: no donor's name or address), then answered 200 as Stripe
      // asks; events Beside does not act on are acknowledged and not kept.
      const stored = storedStripeEvent(event);
      if (stored) await keep(c, { provider: 'stripe', ref: event.id, event: stored });
      return c.json({ received: true });
    },
    { maxBodyBytes: STRIPE_BODY_BYTES },
  );

  route(app, 'POST', '/staff/funding/deliveries/retry', staff('treasurer'), async (c) => {
    const db = dbOf(c);
    await db.transaction(async (tx) => {
      const count = await retryGivenUp(tx, new Date());
      if (count > 0) await appendAudit(tx, staffOf(c).userId, { kind: 'payment.deliveries_retried', count });
    });
    kickPaymentBooker(db, c.get('deps').config);
    return c.redirect('/staff/funding', 303);
  });

  route(app, 'GET', '/:lang/give/return/:token', PUBLIC, async (c) => {
    requireLang(c);
    lookLimit(c);
    const token = c.req.param('token') ?? '';
    const view = await readReturn(dbOf(c), token);
    if (!view) throw notFound();
    const lang = c.get('lang');
    const base = c.get('deps').config.publicUrl;
    return page(
      c,
      `/give/return/${token}`,
      <ReturnPage t={c.get('t')} lang={lang} view={view} here={`/${lang}/give/return/${token}`} manageUrl={(manage) => new URL(`/${lang}/give/monthly/${manage}`, base).href} />,
    );
  });

  route(app, 'GET', '/:lang/give/monthly/:token', PUBLIC, async (c) => {
    requireLang(c);
    lookLimit(c);
    const token = c.req.param('token') ?? '';
    const gift = await findMonthlyByToken(dbOf(c), token);
    if (!gift) throw notFound();
    return page(c, `/give/monthly/${token}`, <MonthlyPage t={c.get('t')} lang={c.get('lang')} gift={gift} token={token} />);
  });

  route(app, 'POST', '/:lang/give/monthly/cancel', PUBLIC, async (c) => {
    requireLang(c);
    lookLimit(c);
    const form = cancelForm.safeParse(await c.req.parseBody());
    // A forged or stale form and an unknown token get the same answer.
    if (!form.success || !isCancelFormToken(form.data.token, form.data.check)) throw notFound();
    const { token } = form.data;
    const lang = c.get('lang');
    const outcome = await cancelMonthlyGift(dbOf(c), c.get('deps').config, token);
    if (outcome === 'unknown') throw notFound();
    if (outcome === 'unreachable') {
      const gift = await findMonthlyByToken(dbOf(c), token);
      if (!gift) throw notFound();
      const t = c.get('t');
      return page(c, `/give/monthly/${token}`, <MonthlyPage t={t} lang={lang} gift={gift} token={token} problem={t('pay.monthly.unreachable', { provider: providerName(gift.provider) })} />, 503);
    }
    return c.redirect(`/${lang}/give/monthly/${token}`, 303);
  });
}
