import { z } from 'zod';

/**
 * The payment providers' part of the configuration (src/config.ts spreads it into its schema):
 * Mollie or Stripe for gifts paid online, next to bank transfer. With none, bank transfer alone
 * works. Keys are checked for their documented prefixes, so a key pasted into the wrong variable
 * stops the start instead of failing at the first gift.
 */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

export const paymentEnv = {
  /** Mollie's API key: test_… or live_… (Dashboard → Developers → API keys). */
  MOLLIE_API_KEY: optionalText.pipe(z.string().regex(/^(test|live)_[A-Za-z0-9]{20,}$/, 'expected a Mollie API key: test_… or live_… followed by its 30 letters and digits').optional()),
  /** Stripe's secret (or restricted) key: sk_test_…, sk_live_…, rk_test_… or rk_live_…. */
  STRIPE_SECRET_KEY: optionalText.pipe(z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{10,}$/, 'expected a Stripe secret key: sk_live_… or sk_test_… (or a restricted rk_… key)').optional()),
  /** The signing secret of the Stripe webhook endpoint that points at /api/stripe/webhook: whsec_…. */
  STRIPE_WEBHOOK_SECRET: optionalText.pipe(z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, "expected the endpoint's signing secret: whsec_…").optional()),
  /** Which provider takes gifts online when both are configured. */
  PAYMENT_PROVIDER: optionalText.pipe(z.enum(['mollie', 'stripe']).optional()),
  /** Tests only: where the Mollie and Stripe SDKs send their requests (a stand-in on loopback). */
  MOLLIE_API_URL: optionalText.pipe(z.url().optional()),
  STRIPE_API_URL: optionalText.pipe(z.url().optional()),
};

type PaymentEnv = { [K in keyof typeof paymentEnv]?: z.infer<(typeof paymentEnv)[K]> } & { NODE_ENV: string; PUBLIC_URL?: string | undefined };

export type MollieSettings = { apiKey: string; apiUrl: URL | undefined };
export type StripeSettings = { secretKey: string; webhookSecret: string; apiUrl: URL | undefined };

/**
 * The providers configured, and the one the Give page offers. Both may be configured at once (say
 * while moving from one to the other): each keeps answering its webhooks and cancelling its
 * monthly gifts, while new gifts go to the one offered.
 */
export type OnlineGiving = { offered: 'mollie' | 'stripe'; mollie: MollieSettings | undefined; stripe: StripeSettings | undefined };

export type Provider = OnlineGiving['offered'];

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * What does not fit together. The test-only API addresses are refused unless NODE_ENV=test AND
 * they name a loopback host: NODE_ENV=test alone could be left on a server by mistake, and a
 * loopback address alone would still let a leftover variable send a live key to whatever listens
 * on that port. Both at once cannot happen in production by accident. (Mollie's SDK speaks only
 * https, even to a stand-in; Stripe's takes http too.)
 */
export function paymentProblems(raw: PaymentEnv): string[] {
  const problems: string[] = [];
  if (raw.STRIPE_SECRET_KEY && !raw.STRIPE_WEBHOOK_SECRET) problems.push('STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (the signing secret of the webhook endpoint)');
  if (raw.STRIPE_WEBHOOK_SECRET && !raw.STRIPE_SECRET_KEY) problems.push('STRIPE_SECRET_KEY: required with STRIPE_WEBHOOK_SECRET');
  const configured = [raw.MOLLIE_API_KEY && 'mollie', raw.STRIPE_SECRET_KEY && 'stripe'].filter(Boolean);
  if (configured.length === 2 && !raw.PAYMENT_PROVIDER) problems.push('PAYMENT_PROVIDER: both Mollie and Stripe are configured; say which one takes gifts (mollie or stripe)');
  if (raw.PAYMENT_PROVIDER && !configured.includes(raw.PAYMENT_PROVIDER)) problems.push(`PAYMENT_PROVIDER: ${raw.PAYMENT_PROVIDER} is not configured (its key is missing)`);
  // Providers call the webhook and send the donor back to addresses built from PUBLIC_URL.
  if (configured.length > 0 && !raw.PUBLIC_URL) problems.push('PUBLIC_URL: required with a payment provider (its webhooks and the way back from its page are built from it)');
  for (const [name, url, protocols] of [
    ['MOLLIE_API_URL', raw.MOLLIE_API_URL, ['https:']],
    ['STRIPE_API_URL', raw.STRIPE_API_URL, ['http:', 'https:']],
  ] as const) {
    if (!url) continue;
    const parsed = new URL(url);
    if (raw.NODE_ENV !== 'test' || !LOOPBACK.has(parsed.hostname) || !(protocols as readonly string[]).includes(parsed.protocol)) {
      problems.push(`${name}: only for tests (NODE_ENV=test, a ${protocols.join(' or ')} address on loopback); remove it to reach the real API`);
    }
  }
  return problems;
}

/** The providers configured, or undefined: gifts online are not offered. Call after paymentProblems found none. */
export function readOnlineGiving(raw: PaymentEnv): OnlineGiving | undefined {
  const mollie = raw.MOLLIE_API_KEY ? { apiKey: raw.MOLLIE_API_KEY, apiUrl: raw.MOLLIE_API_URL ? new URL(raw.MOLLIE_API_URL) : undefined } : undefined;
  const stripe =
    raw.STRIPE_SECRET_KEY && raw.STRIPE_WEBHOOK_SECRET
      ? { secretKey: raw.STRIPE_SECRET_KEY, webhookSecret: raw.STRIPE_WEBHOOK_SECRET, apiUrl: raw.STRIPE_API_URL ? new URL(raw.STRIPE_API_URL) : undefined }
      : undefined;
  const offered = raw.PAYMENT_PROVIDER ?? (mollie ? 'mollie' : stripe ? 'stripe' : undefined);
  return offered ? { offered, mollie, stripe } : undefined;
}
