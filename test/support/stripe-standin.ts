import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A stand-in for Stripe's API v1 on loopback, for the official `stripe` package to talk to
 * unmodified (host, port and protocol are its documented options): the endpoints Beside uses
 * (Checkout sessions, payment intents with their charge's balance transaction, invoices with their
 * payments, refunds, subscriptions), with Stripe's status codes, error shape and objects. The test
 * plays the donor and Stripe: it completes sessions, renews subscriptions, refunds and disputes,
 * and gets back the events Stripe would send, to be signed as Stripe signs them (`signed`).
 */
type Obj = Record<string, unknown> & { id: string };
export type StripeEvent = { id: string; object: 'event'; api_version: string; created: number; data: { object: Obj }; livemode: false; pending_webhooks: number; request: { id: null; idempotency_key: null }; type: string };

const sid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const seconds = () => Math.floor(Date.now() / 1000);
/** Stripe's fee in the Netherlands for European cards, in cents: 1.5 % + €0.25, rounded. */
export const stripeFee = (cents: number) => Math.round(cents * 0.015) + 25;

const signer = new Stripe('sk_test_standin_signer');

export class StripeStandin {
  readonly secretKey = `sk_test_${randomBytes(16).toString('hex')}`;
  readonly webhookSecret = `whsec_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
  readonly sessions = new Map<string, Obj>();
  readonly intents = new Map<string, Obj>();
  readonly charges = new Map<string, Obj>();
  readonly balances = new Map<string, Obj>();
  readonly invoices = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly refunds = new Map<string, Obj>();
  readonly requests: string[] = [];
  /** While true, every connection is dropped (Stripe unreachable). */
  down = false;
  /** Who paid, as Checkout tells it on a completed session: what Beside must never keep. */
  customerDetails: Record<string, unknown> = {
    email: 'zelimkhan.donor@example.org',
    name: 'Зелимхан Дононов',
    phone: '+31612345678',
    address: { city: 'Utrecht', country: 'NL', line1: 'Oudegracht 1', line2: null, postal_code: '3511AA', state: null },
    tax_exempt: 'none',
    tax_ids: [],
  };
  private server: Server | undefined;
  url = '';

  static async start(): Promise<StripeStandin> {
    const standin = new StripeStandin();
    const server = createServer((req, res) => void standin.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standin.server = server;
    standin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return standin;
  }

  env(): Record<string, string> {
    return { STRIPE_SECRET_KEY: this.secretKey, STRIPE_WEBHOOK_SECRET: this.webhookSecret, STRIPE_API_URL: this.url };
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** An event as Stripe sends it. */
  event(type: string, object: Obj): StripeEvent {
    return { id: sid('evt'), object: 'event', api_version: Stripe.API_VERSION, created: seconds(), data: { object: structuredClone(object) }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type };
  }

  /** The body and the Stripe-Signature header of a delivery, signed with the endpoint's secret (or another, or at another time). */
  signed(event: StripeEvent, options: { secret?: string; timestamp?: number } = {}): { body: string; signature: string } {
    const body = JSON.stringify(event, null, 2);
    const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? this.webhookSecret, timestamp: options.timestamp ?? seconds() });
    return { body, signature };
  }

  /** The donor paid on Checkout: the events Stripe sends (a subscription also bills its first invoice). */
  complete(sessionId: string, amountPaid?: number): StripeEvent[] {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    const amount = amountPaid ?? (session.amount_total as number);
    if (session.mode === 'payment') {
      const intent = this.payIntent(amount, (session.payment_intent_data as { metadata?: unknown } | undefined)?.metadata ?? {});
      Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: intent.id, amount_total: amount, customer_details: this.customerDetails });
      return [this.event('checkout.session.completed', session)];
    }
    const customer = sid('cus');
    const subscription: Obj = {
      id: sid('sub'), object: 'subscription', status: 'active', customer, currency: 'eur', created: seconds(), livemode: false,
      metadata: (session.subscription_data as { metadata?: unknown } | undefined)?.metadata ?? {}, items: { object: 'list', data: [], has_more: false, url: '/v1/subscription_items' },
      amount: session.amount_total,
    };
    this.subscriptions.set(subscription.id, subscription);
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: subscription.id, customer, customer_details: this.customerDetails });
    const invoice = this.payInvoice(subscription, 'subscription_create', amount);
    Object.assign(session, { invoice: invoice.id });
    return [this.event('checkout.session.completed', session), this.event('invoice.paid', invoice)];
  }

  /** The donor left Checkout and the session expired. */
  expire(sessionId: string): StripeEvent {
    const session = this.sessions.get(sessionId)!;
    Object.assign(session, { status: 'expired' });
    return this.event('checkout.session.expired', session);
  }

  /** Next month: Stripe bills the subscription and the card pays. */
  renew(subscriptionId: string, amountPaid?: number): StripeEvent {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription || subscription.status !== 'active') throw new Error(`no active subscription ${subscriptionId}`);
    return this.event('invoice.paid', this.payInvoice(subscription, 'subscription_cycle', amountPaid ?? (subscription.amount as number)));
  }

  /** A refund made in Stripe's dashboard: the charge.refunded event. */
  refund(paymentIntentId: string, amount: number): { event: StripeEvent; refundId: string } {
    const charge = this.chargeOf(paymentIntentId);
    const refund: Obj = {
      id: sid('re'), object: 'refund', amount, charge: charge.id, currency: 'eur', created: seconds(), metadata: {}, payment_intent: paymentIntentId,
      reason: null, status: 'succeeded', balance_transaction: null, receipt_number: null, source_transfer_reversal: null, transfer_reversal: null, destination_details: null,
    };
    this.refunds.set(refund.id, refund);
    Object.assign(charge, { amount_refunded: (charge.amount_refunded as number) + amount, refunded: (charge.amount_refunded as number) + amount === charge.amount });
    return { event: this.event('charge.refunded', charge), refundId: refund.id };
  }

  /** The cardholder disputes the charge. */
  dispute(paymentIntentId: string, amount: number): StripeEvent {
    const charge = this.chargeOf(paymentIntentId);
    const dispute: Obj = {
      id: sid('dp'), object: 'dispute', amount, charge: charge.id, currency: 'eur', created: seconds(), payment_intent: paymentIntentId, reason: 'fraudulent',
      status: 'needs_response', is_charge_refundable: false, livemode: false, metadata: {}, balance_transactions: [], evidence: {}, evidence_details: {},
    };
    Object.assign(charge, { disputed: true });
    return this.event('charge.dispute.created', dispute);
  }

  closeDispute(created: StripeEvent, status: 'won' | 'lost'): StripeEvent {
    return this.event('charge.dispute.closed', { ...created.data.object, status });
  }

  private chargeOf(paymentIntentId: string): Obj {
    const intent = this.intents.get(paymentIntentId);
    const charge = intent && this.charges.get(intent.latest_charge as string);
    if (!charge) throw new Error(`no charge for ${paymentIntentId}`);
    return charge;
  }

  private payIntent(amount: number, metadata: unknown): Obj {
    const balance: Obj = { id: sid('txn'), object: 'balance_transaction', amount, currency: 'eur', fee: stripeFee(amount), net: amount - stripeFee(amount), created: seconds(), status: 'pending', type: 'charge', reporting_category: 'charge' };
    const intent: Obj = { id: sid('pi'), object: 'payment_intent', amount, amount_received: amount, currency: 'eur', status: 'succeeded', metadata, created: seconds(), livemode: false, latest_charge: '' };
    const charge: Obj = {
      id: sid('ch'), object: 'charge', amount, amount_captured: amount, amount_refunded: 0, balance_transaction: balance.id, captured: true, created: seconds(), currency: 'eur',
      disputed: false, livemode: false, metadata: {}, paid: true, payment_intent: intent.id, refunded: false, status: 'succeeded',
    };
    intent.latest_charge = charge.id;
    this.balances.set(balance.id, balance);
    this.charges.set(charge.id, charge);
    this.intents.set(intent.id, intent);
    return intent;
  }

  private payInvoice(subscription: Obj, reason: string, amount: number): Obj {
    const intent = this.payIntent(amount, {});
    const invoice: Obj = {
      id: sid('in'), object: 'invoice', amount_due: subscription.amount, amount_paid: amount, amount_remaining: 0, billing_reason: reason, currency: 'eur', customer: subscription.customer,
      created: seconds(), livemode: false, metadata: {}, status: 'paid', status_transitions: { paid_at: seconds(), finalized_at: seconds(), marked_uncollectible_at: null, voided_at: null },
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: subscription.id, metadata: subscription.metadata } },
      lines: { object: 'list', data: [], has_more: false, url: '/v1/invoices/lines' },
    };
    this.invoices.set(invoice.id, invoice);
    invoice._payment = {
      id: sid('inpay'), object: 'invoice_payment', amount_paid: amount, amount_requested: amount, created: seconds(), currency: 'eur', invoice: invoice.id, is_default: true, livemode: false,
      payment: { type: 'payment_intent', payment_intent: intent.id }, status: 'paid', status_transitions: { canceled_at: null, paid_at: seconds() },
    };
    return invoice;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': sid('req') });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, type: string, message: string, code?: string) => send(status, { error: { type, message, ...(code ? { code } : {}) } });
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) return error(401, 'invalid_request_error', 'Invalid API Key provided.');
    const raw = await new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => resolve(body));
    });
    const params = parseForm(req.method === 'GET' || req.method === 'DELETE' ? url.search.slice(1) : raw);
    const expand = Array.isArray(params.expand) ? (params.expand as string[]) : [];
    const [, version, ...path] = url.pathname.split('/');
    if (version !== 'v1') return error(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
    const route = `${req.method} ${path.map((part, i) => (i > 0 && /_/.test(part) ? ':id' : part)).join('/')}`;

    if (route === 'POST checkout/sessions') {
      const item = (params.line_items as Obj[] | undefined)?.[0] as { price_data?: { unit_amount?: string; currency?: string; recurring?: unknown }; quantity?: string } | undefined;
      const amount = Number(item?.price_data?.unit_amount);
      if (!item?.price_data || !Number.isSafeInteger(amount) || amount < 50) return error(400, 'invalid_request_error', 'Invalid integer: unit_amount', 'parameter_invalid_integer');
      if (params.mode === 'subscription' && !item.price_data.recurring) return error(400, 'invalid_request_error', 'You must provide at least one recurring price in `subscription` mode.');
      const session: Obj = {
        id: sid('cs_test'), object: 'checkout.session', mode: params.mode, status: 'open', payment_status: 'unpaid', amount_total: amount * Number(item.quantity ?? 1), amount_subtotal: amount,
        currency: item.price_data.currency, client_reference_id: params.client_reference_id ?? null, customer: null, customer_email: null, metadata: params.metadata ?? {},
        payment_intent: null, subscription: null, invoice: null, success_url: params.success_url, cancel_url: params.cancel_url ?? null, locale: params.locale ?? null,
        livemode: false, created: seconds(), expires_at: seconds() + 24 * 3600, payment_intent_data: params.payment_intent_data, subscription_data: params.subscription_data,
      };
      session.url = `${this.url}/c/pay/${session.id}`;
      this.sessions.set(session.id, session);
      const { payment_intent_data: _p, subscription_data: _s, ...shown } = session;
      return send(200, shown);
    }
    if (route === 'GET payment_intents/:id') {
      const intent = this.intents.get(path[1]!);
      if (!intent) return error(404, 'invalid_request_error', `No such payment_intent: '${path[1]}'`, 'resource_missing');
      const shown: Obj = { ...intent };
      if (expand.some((e) => e.startsWith('latest_charge'))) {
        const charge: Obj = { ...this.charges.get(intent.latest_charge as string)! };
        if (expand.includes('latest_charge.balance_transaction')) charge.balance_transaction = this.balances.get(charge.balance_transaction as string) ?? null;
        shown.latest_charge = charge;
      }
      return send(200, shown);
    }
    if (route === 'GET invoices/:id') {
      const invoice = this.invoices.get(path[1]!);
      if (!invoice) return error(404, 'invalid_request_error', `No such invoice: '${path[1]}'`, 'resource_missing');
      const { _payment, ...shown } = invoice;
      return send(200, expand.includes('payments') ? { ...shown, payments: { object: 'list', data: [_payment], has_more: false, url: `/v1/invoices/${invoice.id}/payments` } } : shown);
    }
    if (route === 'GET refunds') {
      const data = [...this.refunds.values()].filter((refund) => !params.charge || refund.charge === params.charge);
      return send(200, { object: 'list', data, has_more: false, url: '/v1/refunds' });
    }
    if (route === 'DELETE subscriptions/:id') {
      const subscription = this.subscriptions.get(path[1]!);
      if (!subscription || subscription.status === 'canceled') return error(404, 'invalid_request_error', `No such subscription: '${path[1]}'`, 'resource_missing');
      Object.assign(subscription, { status: 'canceled', canceled_at: seconds(), ended_at: seconds() });
      return send(200, subscription);
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
  }
}

/** Stripe's form encoding ("line_items[0][price_data][currency]=eur") back into objects and arrays. */
function parseForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const next = parts[i + 1];
      if (Array.isArray(node) && part === '') part = String((node as unknown[]).length);
      if (last) node[part] = value;
      else node = (node[part] ??= next === '' || /^\d+$/.test(next ?? '') ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}
