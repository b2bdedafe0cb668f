import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { centsOfDecimal, monthAfter } from '../../src/funding/online-payment-state.ts';

describe('test/funding/payment-config.test.ts', () => {
  /** The providers' configuration, checked at start; and the small rules of reading their amounts and days. */
  const MOLLIE = 'test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM';
  const STRIPE = { STRIPE_SECRET_KEY: 'sk_test_51HxYzAbCdEfGhIjKl', STRIPE_WEBHOOK_SECRET: 'whsec_abcdefghijklmnopqrstuvwx' };
  const BASE = { PUBLIC_URL: 'https://beside.example' };

  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError, 'a ConfigError');
      return error.problems;
    }
  };

  test('a provider is offered when configured; both need PAYMENT_PROVIDER; none leaves bank transfer alone', () => {
    assert.equal(loadConfig(BASE).giving.online, undefined);
    assert.equal(loadConfig({ ...BASE, MOLLIE_API_KEY: MOLLIE }).giving.online?.offered, 'mollie');
    assert.equal(loadConfig({ ...BASE, ...STRIPE }).giving.online?.offered, 'stripe');
    assert.match(problems({ ...BASE, MOLLIE_API_KEY: MOLLIE, ...STRIPE }).join('\n'), /PAYMENT_PROVIDER: both/);
    const both = loadConfig({ ...BASE, MOLLIE_API_KEY: MOLLIE, ...STRIPE, PAYMENT_PROVIDER: 'stripe' }).giving.online!;
    assert.equal(both.offered, 'stripe');
    assert.ok(both.mollie && both.stripe, 'the other provider still answers its webhooks and cancels its monthly gifts');
    assert.match(problems({ ...BASE, PAYMENT_PROVIDER: 'mollie' }).join('\n'), /mollie is not configured/);
  });

  test('keys are checked for their prefixes; Stripe needs its webhook secret; PUBLIC_URL is required', () => {
    assert.match(problems({ ...BASE, MOLLIE_API_KEY: 'sk_test_51HxYzAbCdEfGhIjKl' }).join('\n'), /MOLLIE_API_KEY/);
    assert.match(problems({ ...BASE, STRIPE_SECRET_KEY: 'pk_test_51HxYzAbCdEfGhIjKl', STRIPE_WEBHOOK_SECRET: STRIPE.STRIPE_WEBHOOK_SECRET }).join('\n'), /STRIPE_SECRET_KEY/);
    assert.match(problems({ ...BASE, STRIPE_SECRET_KEY: STRIPE.STRIPE_SECRET_KEY }).join('\n'), /STRIPE_WEBHOOK_SECRET: required/);
    assert.match(problems({ ...BASE, STRIPE_WEBHOOK_SECRET: STRIPE.STRIPE_WEBHOOK_SECRET }).join('\n'), /STRIPE_SECRET_KEY: required/);
    assert.match(problems({ MOLLIE_API_KEY: MOLLIE }).join('\n'), /PUBLIC_URL: required/);
  });

  test('a stand-in API address only in tests and only on loopback', () => {
    const mollieAt = (url: string, env: Record<string, string> = {}) => problems({ ...BASE, MOLLIE_API_KEY: MOLLIE, MOLLIE_API_URL: url, ...env });
    assert.deepEqual(mollieAt('https://127.0.0.1:9999/v2/', { NODE_ENV: 'test' }), []);
    assert.equal(loadConfig({ ...BASE, MOLLIE_API_KEY: MOLLIE, MOLLIE_API_URL: 'https://127.0.0.1:9999/v2/', NODE_ENV: 'test' }).giving.online?.mollie?.apiUrl?.port, '9999');
    assert.match(mollieAt('https://127.0.0.1:9999/v2/', { NODE_ENV: 'production' }).join('\n'), /MOLLIE_API_URL: only for tests/);
    assert.match(mollieAt('https://127.0.0.1:9999/v2/').join('\n'), /only for tests/, 'not in development either');
    assert.match(mollieAt('https://api.evil.example/v2/', { NODE_ENV: 'test' }).join('\n'), /only for tests/);
    assert.match(mollieAt('http://127.0.0.1:9999/v2/', { NODE_ENV: 'test' }).join('\n'), /only for tests/, "Mollie's SDK speaks https only");
    const stripeAt = (url: string, env: Record<string, string>) => problems({ ...BASE, ...STRIPE, STRIPE_API_URL: url, ...env });
    assert.deepEqual(stripeAt('http://127.0.0.1:8111', { NODE_ENV: 'test' }), []);
    assert.deepEqual(stripeAt('http://[::1]:8111', { NODE_ENV: 'test' }), []);
    assert.match(stripeAt('http://127.0.0.1:8111', { NODE_ENV: 'production' }).join('\n'), /STRIPE_API_URL: only for tests/);
    assert.match(stripeAt('http://10.0.0.5:8111', { NODE_ENV: 'test' }).join('\n'), /only for tests/);
  });

  test("Mollie's amounts are read as cents, nothing else is guessed; a month later keeps the day or the month's last", () => {
    assert.equal(centsOfDecimal('25.50'), 2550n);
    assert.equal(centsOfDecimal('0.01'), 1n);
    assert.equal(centsOfDecimal('1000000000.00'), 100000000000n);
    for (const bad of ['25', '25.5', '25,50', '-1.00', '1e3', ' 1.00', '1.001']) assert.equal(centsOfDecimal(bad), null, bad);
    assert.equal(monthAfter('2026-01-15'), '2026-02-15');
    assert.equal(monthAfter('2026-01-31'), '2026-02-28');
    assert.equal(monthAfter('2028-01-31'), '2028-02-29');
    assert.equal(monthAfter('2026-12-31'), '2027-01-31');
  });
});
