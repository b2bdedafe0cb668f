import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { STANDIN_TLS } from './standin-tls.ts';

export { acceptStandinCertificate } from './standin-tls.ts';

/**
 * A stand-in for Mollie's API v2 on loopback, for the official @mollie/api-client to talk to
 * unmodified: the endpoints Beside uses (payments, customers, subscriptions), answering with the
 * status codes and HAL+JSON shapes of Mollie's API reference, and checking the Bearer key. The
 * test moves payments along (pay, fail, refund, charge back, a subscription's next month) as the
 * donor, the bank and Mollie would, then delivers the webhook as Mollie does: a form with id=tr_….
 *
 * Mollie's SDK speaks only https and trusts only its own bundled CAs, so the stand-in serves a
 * self-signed certificate (test/support/fixtures) and the test process accepts it while it runs
 * (`acceptStandinCertificate`): the one thing the test changes around the SDK.
 */
export type MollieAmount = { currency: string; value: string };

type Refund = { resource: 'refund'; id: string; mode: 'test'; amount: MollieAmount; status: string; description: string; metadata: null; paymentId: string; createdAt: string; _links: Links };
type Chargeback = { resource: 'chargeback'; id: string; amount: MollieAmount; settlementAmount: MollieAmount; createdAt: string; reason: null; reversedAt: string | null; paymentId: string; _links: Links };
type Links = Record<string, { href: string; type: string }>;

export type MolliePayment = {
  resource: 'payment';
  id: string;
  mode: 'test';
  createdAt: string;
  amount: MollieAmount;
  description: string;
  method: string | null;
  metadata: unknown;
  status: string;
  isCancelable: boolean;
  paidAt?: string;
  canceledAt?: string;
  expiresAt: string;
  profileId: string;
  sequenceType: 'oneoff' | 'first' | 'recurring';
  redirectUrl: string | null;
  cancelUrl?: string;
  webhookUrl: string | null;
  locale?: string;
  customerId?: string;
  subscriptionId?: string;
  mandateId?: string;
  amountRefunded?: MollieAmount;
  amountChargedBack?: MollieAmount;
  refunds: Refund[];
  chargebacks: Chargeback[];
};

export type MollieSubscription = {
  resource: 'subscription';
  id: string;
  mode: 'test';
  createdAt: string;
  status: 'active' | 'canceled';
  amount: MollieAmount;
  times: null;
  timesRemaining: null;
  interval: string;
  startDate: string;
  nextPaymentDate: string | null;
  description: string;
  method: null;
  mandateId: string;
  canceledAt?: string;
  webhookUrl: string;
  metadata: unknown;
  customerId: string;
};

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');

export class MollieStandin {
  readonly apiKey = `test_${randomBytes(15).toString('hex')}`;
  readonly payments = new Map<string, MolliePayment>();
  readonly customers = new Map<string, { id: string; metadata: unknown }>();
  readonly subscriptions = new Map<string, MollieSubscription>();
  /** Every request: "GET /v2/payments/tr_…" */
  readonly requests: string[] = [];
  /** While true, every connection is dropped (Mollie unreachable). */
  down = false;
  private readonly idempotent = new Map<string, unknown>();
  private server: Server | undefined;
  url = '';

  static async start(): Promise<MollieStandin> {
    const standin = new MollieStandin();
    const server = createServer(STANDIN_TLS, (req, res) => void standin.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standin.server = server;
    standin.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`;
    return standin;
  }

  /** The environment that points Beside at this stand-in. */
  env(): Record<string, string> {
    return { MOLLIE_API_KEY: this.apiKey, MOLLIE_API_URL: this.url };
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The donor paid on Mollie's page (a first payment also gives the customer a mandate). */
  pay(paymentId: string): void {
    const payment = this.must(paymentId);
    Object.assign(payment, { status: 'paid', isCancelable: false, paidAt: now(), method: 'ideal' });
    if (payment.sequenceType === 'first') payment.mandateId = id('mdt');
  }

  /** The donor left Mollie's page, or the payment expired or was refused. */
  giveUp(paymentId: string, status: 'canceled' | 'expired' | 'failed' = 'canceled'): void {
    Object.assign(this.must(paymentId), { status, canceledAt: now() });
  }

  /** A refund made in Mollie's dashboard; answers its id. */
  refund(paymentId: string, value: string, status = 'pending'): string {
    const payment = this.must(paymentId);
    const refund: Refund = {
      resource: 'refund', id: id('re'), mode: 'test', amount: { currency: 'EUR', value }, status, description: payment.description, metadata: null,
      paymentId, createdAt: now(), _links: { self: this.link(`payments/${paymentId}/refunds/re`) },
    };
    payment.refunds.push(refund);
    return refund.id;
  }

  setRefundStatus(paymentId: string, refundId: string, status: string): void {
    const refund = this.must(paymentId).refunds.find((r) => r.id === refundId);
    if (!refund) throw new Error(`no refund ${refundId}`);
    refund.status = status;
  }

  /** The donor's bank took the money back; answers the chargeback's id. */
  chargeback(paymentId: string, value: string): string {
    const chargeback: Chargeback = {
      resource: 'chargeback', id: id('chb'), amount: { currency: 'EUR', value }, settlementAmount: { currency: 'EUR', value: `-${value}` }, createdAt: now(),
      reason: null, reversedAt: null, paymentId, _links: { self: this.link(`payments/${paymentId}/chargebacks/chb`) },
    };
    this.must(paymentId).chargebacks.push(chargeback);
    return chargeback.id;
  }

  reverseChargeback(paymentId: string, chargebackId: string): void {
    const chargeback = this.must(paymentId).chargebacks.find((c) => c.id === chargebackId);
    if (!chargeback) throw new Error(`no chargeback ${chargebackId}`);
    chargeback.reversedAt = now();
  }

  /** Next month: Mollie charges the subscription's mandate, a new payment with the subscription's id. */
  chargeSubscription(subscriptionId: string, status: 'paid' | 'failed' = 'paid', amount?: MollieAmount): string {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription || subscription.status !== 'active') throw new Error(`no active subscription ${subscriptionId}`);
    const payment = this.newPayment({
      amount: amount ?? subscription.amount, description: subscription.description, metadata: subscription.metadata, webhookUrl: subscription.webhookUrl,
      redirectUrl: null, sequenceType: 'recurring', customerId: subscription.customerId,
    });
    Object.assign(payment, { subscriptionId, mandateId: subscription.mandateId });
    if (status === 'paid') this.pay(payment.id);
    else this.giveUp(payment.id, 'failed');
    return payment.id;
  }

  /** Someone changed what Mollie holds (the test of a mismatching amount). */
  setAmount(paymentId: string, amount: MollieAmount): void {
    this.must(paymentId).amount = amount;
  }

  /** A payment Mollie knows that Beside never started (someone else's). */
  foreignPayment(): string {
    const payment = this.newPayment({ amount: { currency: 'EUR', value: '10.00' }, description: 'Not ours', metadata: null, redirectUrl: null, webhookUrl: null, sequenceType: 'oneoff' });
    this.pay(payment.id);
    return payment.id;
  }

  /** The body Mollie posts to the webhook. */
  static webhookBody(paymentId: string): string {
    return new URLSearchParams({ id: paymentId }).toString();
  }

  private must(paymentId: string): MolliePayment {
    const payment = this.payments.get(paymentId);
    if (!payment) throw new Error(`the stand-in has no payment ${paymentId}`);
    return payment;
  }

  private link(path: string): { href: string; type: string } {
    return { href: `${this.url}${path}`, type: 'application/hal+json' };
  }

  private newPayment(input: { amount: MollieAmount; description: string; metadata: unknown; redirectUrl: string | null; cancelUrl?: string; webhookUrl: string | null; sequenceType: MolliePayment['sequenceType']; customerId?: string; locale?: string }): MolliePayment {
    const payment: MolliePayment = {
      resource: 'payment', id: id('tr'), mode: 'test', createdAt: now(), method: null, status: 'open', isCancelable: false,
      expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(), profileId: 'pfl_standin', refunds: [], chargebacks: [], ...input,
    };
    this.payments.set(payment.id, payment);
    return payment;
  }

  /** A payment as GET /v2/payments/:id answers it, with refunds and chargebacks embedded when asked. */
  private present(payment: MolliePayment, embed: string[]): unknown {
    const { refunds, chargebacks, ...fields } = payment;
    const refunded = refunds.filter((r) => ['pending', 'processing', 'refunded'].includes(r.status)).reduce((sum, r) => sum + cents(r.amount.value), 0);
    const charged = chargebacks.filter((c) => !c.reversedAt).reduce((sum, c) => sum + cents(c.amount.value), 0);
    const embedded: Record<string, unknown> = {};
    if (embed.includes('refunds')) embedded.refunds = refunds;
    if (embed.includes('chargebacks')) embedded.chargebacks = chargebacks;
    return {
      ...fields,
      ...(refunded ? { amountRefunded: { currency: 'EUR', value: euros(refunded) } } : {}),
      ...(charged ? { amountChargedBack: { currency: 'EUR', value: euros(charged) } } : {}),
      ...(Object.keys(embedded).length ? { _embedded: embedded } : {}),
      _links: {
        self: this.link(`payments/${payment.id}`),
        ...(payment.status === 'open' ? { checkout: { href: `${this.url.replace('/v2/', '')}/checkout/select-method/${payment.id.slice(3)}`, type: 'text/html' } } : {}),
        dashboard: { href: `https://my.mollie.example/dashboard/payments/${payment.id}`, type: 'text/html' },
        documentation: { href: 'https://docs.mollie.com/reference/get-payment', type: 'text/html' },
      },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/hal+json' });
      res.end(JSON.stringify(body));
    };
    const problem = (status: number, title: string, detail: string, field?: string) =>
      send(status, { status, title, detail, ...(field ? { field } : {}), _links: { documentation: { href: 'https://docs.mollie.com/overview/handling-errors', type: 'text/html' } } });
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return problem(401, 'Unauthorized Request', 'Missing authentication, or failed to authenticate');
    const raw = await new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => resolve(body));
    });
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    // Mollie answers a repeated Idempotency-Key with its first answer.
    const key = req.headers['idempotency-key'];
    const remembered = typeof key === 'string' ? this.idempotent.get(`${req.method} ${url.pathname} ${key}`) : undefined;
    if (remembered) return send(201, remembered);
    const remember = (status: number, answer: unknown) => {
      if (typeof key === 'string') this.idempotent.set(`${req.method} ${url.pathname} ${key}`, answer);
      send(status, answer);
    };
    const path = url.pathname.replace(/^\/v2\//, '').split('/');

    if (req.method === 'POST' && path.join('/') === 'payments') {
      const amount = body.amount as MollieAmount | undefined;
      if (!amount || !/^\d+\.\d{2}$/.test(amount.value)) return problem(422, 'Unprocessable Entity', 'The amount is invalid', 'amount');
      if (typeof body.description !== 'string' || !body.description) return problem(422, 'Unprocessable Entity', 'The description is invalid', 'description');
      if (typeof body.redirectUrl !== 'string') return problem(422, 'Unprocessable Entity', 'The redirect URL is invalid', 'redirectUrl');
      if (body.sequenceType === 'first' && !this.customers.has(String(body.customerId))) return problem(422, 'Unprocessable Entity', 'The customer id is invalid', 'customerId');
      const payment = this.newPayment({
        amount, description: body.description, metadata: body.metadata ?? null, redirectUrl: body.redirectUrl, cancelUrl: body.cancelUrl as string | undefined,
        webhookUrl: (body.webhookUrl as string | undefined) ?? null, sequenceType: (body.sequenceType as MolliePayment['sequenceType']) ?? 'oneoff',
        customerId: body.customerId as string | undefined, locale: body.locale as string | undefined,
      });
      return remember(201, this.present(payment, []));
    }
    if (req.method === 'GET' && path[0] === 'payments' && path.length === 2) {
      const payment = this.payments.get(path[1]!);
      if (!payment) return problem(404, 'Not Found', `No payment exists with token ${path[1]}.`);
      return send(200, this.present(payment, (url.searchParams.get('embed') ?? '').split(',')));
    }
    if (req.method === 'POST' && path.join('/') === 'customers') {
      const customer = { id: id('cst'), metadata: body.metadata ?? null };
      this.customers.set(customer.id, customer);
      return remember(201, { resource: 'customer', id: customer.id, mode: 'test', name: body.name ?? null, email: body.email ?? null, locale: body.locale ?? null, metadata: customer.metadata, createdAt: now(), _links: { self: this.link(`customers/${customer.id}`) } });
    }
    if (path[0] === 'customers' && path[2] === 'subscriptions') {
      const customerId = path[1]!;
      if (!this.customers.has(customerId)) return problem(404, 'Not Found', `No customer exists with token ${customerId}.`);
      if (req.method === 'POST' && path.length === 3) {
        const mandate = [...this.payments.values()].find((p) => p.customerId === customerId && p.mandateId)?.mandateId;
        if (!mandate) return problem(422, 'Unprocessable Entity', 'The customer has no valid mandate', 'mandateId');
        const amount = body.amount as MollieAmount;
        const subscription: MollieSubscription = {
          resource: 'subscription', id: id('sub'), mode: 'test', createdAt: now(), status: 'active', amount, times: null, timesRemaining: null,
          interval: String(body.interval), startDate: String(body.startDate ?? now().slice(0, 10)), nextPaymentDate: String(body.startDate ?? now().slice(0, 10)),
          description: String(body.description), method: null, mandateId: mandate, webhookUrl: String(body.webhookUrl ?? ''), metadata: body.metadata ?? null, customerId,
        };
        this.subscriptions.set(subscription.id, subscription);
        return remember(201, { ...subscription, _links: { self: this.link(`customers/${customerId}/subscriptions/${subscription.id}`) } });
      }
      if (req.method === 'DELETE' && path.length === 4) {
        const subscription = this.subscriptions.get(path[3]!);
        if (!subscription || subscription.customerId !== customerId) return problem(404, 'Not Found', `No subscription exists with token ${path[3]}.`);
        if (subscription.status === 'canceled') return problem(422, 'Unprocessable Entity', 'The subscription has been canceled');
        Object.assign(subscription, { status: 'canceled', canceledAt: now(), nextPaymentDate: null });
        return send(200, { ...subscription, _links: { self: this.link(`customers/${customerId}/subscriptions/${subscription.id}`) } });
      }
    }
    return problem(404, 'Not Found', 'The resource does not exist');
  }
}

// Amounts as Mollie writes them ("25.00"), added up in whole cents.
const cents = (value: string) => Number(value.replace('.', ''));
const euros = (value: number) => `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
