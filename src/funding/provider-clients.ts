import { createMollieClient, type MollieClient } from '@mollie/api-client';
import Stripe from 'stripe';
import type { MollieSettings, StripeSettings } from './payment-config.ts';

/**
 * The official SDKs, one client per configured provider (kept per settings object, so each
 * process and each test app has its own). Only the address of the API can change, and only in
 * tests (src/funding/payment-config.ts): the SDKs themselves run unmodified.
 */
const mollieClients = new WeakMap<MollieSettings, MollieClient>();
const stripeClients = new WeakMap<StripeSettings, Stripe>();

export function mollieClient(settings: MollieSettings): MollieClient {
  let client = mollieClients.get(settings);
  if (!client) {
    client = createMollieClient({ apiKey: settings.apiKey, ...(settings.apiUrl ? { apiEndpoint: settings.apiUrl.href } : {}) });
    mollieClients.set(settings, client);
  }
  return client;
}

export function stripeClient(settings: StripeSettings): Stripe {
  let client = stripeClients.get(settings);
  if (!client) {
    const url = settings.apiUrl;
    client = new Stripe(settings.secretKey, {
      // Nothing about our use of the API goes to Stripe beyond the calls themselves.
      telemetry: false,
      ...(url ? { host: url.hostname, port: url.port || (url.protocol === 'http:' ? 80 : 443), protocol: url.protocol === 'http:' ? 'http' : 'https' } : {}),
    });
    stripeClients.set(settings, client);
  }
  return client;
}
