import { z } from 'zod';
import { DEFAULT_KDF_LIMITS, type KeyDerivationLimits } from './crypto/kdf-queue.ts';
import { parseOnionAddress } from './web/onion-address.ts';
import { isSepaIban, normaliseBic, normaliseIban } from './funding/iban.ts';
import { paymentEnv, paymentProblems, readOnlineGiving, type OnlineGiving } from './funding/payment-config.ts';

/**
 * Configuration is read once at start from the environment. A wrong value stops the process
 * with a readable list of every problem, so an operator fixes them in one go.
 */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** The address people use to reach Beside (default: http://HOST:PORT); https:// turns on HSTS and Secure cookies. */
  PUBLIC_URL: optionalText.pipe(z.url().optional()),
  /** Where the embedded database and the file store live. */
  DATA_DIR: z.string().default('./data'),
  /** A PostgreSQL server; without it Beside runs on the embedded database in DATA_DIR. */
  DATABASE_URL: optionalText,
  /** Where the quick-exit button leaves to: a neutral site. */
  QUICK_EXIT_URL: z.url().default('https://www.wikipedia.org/'),
  ORG_NAME: z.string().trim().min(1).default('Beside'),
  /** The association's postal address, one line, printed on donors' yearly statements (src/funding/statement-pdf.ts). */
  ORG_ADDRESS: optionalText.pipe(z.string().max(200).optional()),
  /** The association's RSIN (fiscal number, 9 digits), printed on donors' yearly statements for the giftenaftrek. */
  ORG_RSIN: optionalText.pipe(z.string().optional().refine((value) => value === undefined || isRsin(value), 'expected an RSIN: 9 digits that pass the eleven test')),
  /** Other ways to reach the association when this site is blocked. */
  CONTACT_SIGNAL: optionalText,
  CONTACT_EMAIL: optionalText,
  CONTACT_ONION: optionalText,
  /** How soon the association usually answers, in hours, as told to people asking for help. */
  REPLY_WITHIN_HOURS: z.coerce.number().int().min(1).max(24 * 14).default(24),
  /** the largest document a case accepts, in megabytes (photos to clean are decoded whole, in memory) */
  DOCUMENT_MAX_MB: z.coerce.number().int().min(1).max(200).default(20),
  /** Trust X-Forwarded-For from a reverse proxy, for rate limits only (never stored). */
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Key derivations (argon2id) running at once; one per core by default (docs/onion.md). */
  KDF_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(DEFAULT_KDF_LIMITS.concurrency),
  /** Key derivations that may wait for a slot; past that, answers are 503 with Retry-After. */
  KDF_QUEUE_LENGTH: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_KDF_LIMITS.waiting),
  /**
   * The onion service (docs/onion.md): its address, sent as Onion-Location on the ordinary
   * listener, and a second listener only Tor connects to, which requires a PROXY header naming
   * the circuit (HiddenServiceExportCircuitID haproxy), so each circuit has its own rate limits.
   */
  ONION_ADDRESS: optionalText.pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || parseOnionAddress(value) !== null, 'expected a v3 onion address: 56 letters a–z and digits 2–7, then .onion (copy it from the hostname file in HiddenServiceDir)'),
  ),
  ONION_PORT: optionalText.transform((value) => (value === undefined ? undefined : Number(value))).pipe(z.number().int().min(1).max(65535).optional()),
  /** Where the onion listener listens: Tor on the same machine connects over loopback. */
  ONION_HOST: optionalText.transform((value) => value ?? '127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The SMTP server alerts go through (smtp:// or smtps://, user and password in the URL); without it no e-mail is sent. */
  SMTP_URL: optionalText.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  /** The sender of Beside's e-mails; required with SMTP_URL. */
  SMTP_FROM: optionalText.pipe(z.email().optional()),
  /** Minutes an urgent alert waits for "I'm on it" before the next coordinator is alerted. */
  ALERT_ESCALATE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Minutes a coordinator's "I'm on it" claim on a request holds before it lapses. */
  CLAIM_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  /** Minutes a break-glass request waits for a colleague's approval before it lapses (src/cases/break-glass-lapse.ts). */
  BREAK_GLASS_PENDING_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  /** Months after closing that a closed case is erased (crypto-shredded), src/cases/retention.ts. */
  RETENTION_CLOSED_MONTHS: z.coerce.number().int().min(1).max(120).default(18),
  /** The association's bank account for gifts by transfer (src/funding/); without it the Give page says giving is not open yet. */
  BANK_IBAN: optionalText.pipe(z.string().optional().refine((value) => value === undefined || isSepaIban(value), 'not a valid IBAN of a SEPA country (length, check digits)')),
  /** The account holder's name as the bank knows it (at most 70 characters: what an EPC QR code carries); required with BANK_IBAN. */
  BANK_ACCOUNT_NAME: optionalText.pipe(z.string().max(70).optional()),
  /** The bank's BIC, optional (SEPA transfers need none); shown on the pledge and put in the QR code. */
  BANK_BIC: optionalText.pipe(z.string().optional().refine((value) => value === undefined || normaliseBic(value) !== null, 'expected a BIC: 8 or 11 letters and digits')),
  /** Days a bank-transfer pledge's reference stays open (money that arrives later is still booked). */
  PLEDGE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** The smallest and largest gift the Give page takes, in whole euros. */
  GIFT_MIN_EUROS: z.coerce.number().int().min(1).max(1_000_000).default(5),
  GIFT_MAX_EUROS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Gifts paid online: MOLLIE_API_KEY, STRIPE_SECRET_KEY + STRIPE_WEBHOOK_SECRET, PAYMENT_PROVIDER (src/funding/payment-config.ts). */
  ...paymentEnv,
});

export type Config = {
  port: number;
  host: string;
  publicUrl: URL;
  /** True when people reach Beside over TLS (PUBLIC_URL starts with https://). */
  tls: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  quickExitUrl: string;
  orgName: string;
  /** What a donor's yearly statement names besides the name, when configured. */
  orgAddress: string | undefined;
  orgRsin: string | undefined;
  contacts: { signal?: string; email?: string; onion?: string };
  replyWithinHours: number;
  /** the largest document a case accepts, in bytes */
  documentMaxBytes: number;
  trustProxy: boolean;
  /** Bounds on argon2id work, so floods get 503 instead of taking the server down. */
  kdf: KeyDerivationLimits;
  /** The onion service, when there is one: its address (lower case, with .onion) and listener. */
  onion: { address: string; port: number; host: string } | undefined;
  production: boolean;
  /** The SMTP server for alerts, when one is set (src/notify/mailer.ts). */
  smtp: { url: string; from: string } | undefined;
  alertEscalateMinutes: number;
  claimMinutes: number;
  breakGlassPendingMinutes: number;
  retentionClosedMonths: number;
  /** Giving (src/funding/): the bank account pledges name, when one is set, and the bounds of a gift. */
  giving: Giving;
};

export type Giving = {
  /** The account gifts by transfer go to (IBAN compact, upper case), or undefined: giving is not open yet. */
  bank: { iban: string; name: string; bic?: string } | undefined;
  pledgeDays: number;
  minCents: bigint;
  maxCents: bigint;
  /** Gifts paid online through Mollie or Stripe, when a provider is configured (src/funding/payment-config.ts). */
  online: OnlineGiving | undefined;
  /** Whether a donor can get a receipt by e-mail: only when SMTP is configured (src/funding/donor-mail.ts). */
  receipts: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Beside cannot start, the configuration has problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const raw = parsed.data;
  const problems = [...onionProblems(raw), ...smtpProblems(raw), ...givingProblems(raw), ...paymentProblems(raw)];
  if (problems.length > 0) throw new ConfigError(problems);
  const onionAddress = raw.ONION_ADDRESS ? parseOnionAddress(raw.ONION_ADDRESS)! : undefined;
  const publicUrl = new URL(raw.PUBLIC_URL ?? `http://${raw.HOST === '0.0.0.0' ? '127.0.0.1' : raw.HOST}:${raw.PORT}`);
  return {
    port: raw.PORT,
    host: raw.HOST,
    publicUrl,
    tls: publicUrl.protocol === 'https:',
    dataDir: raw.DATA_DIR,
    databaseUrl: raw.DATABASE_URL,
    quickExitUrl: raw.QUICK_EXIT_URL,
    orgName: raw.ORG_NAME,
    orgAddress: raw.ORG_ADDRESS,
    orgRsin: raw.ORG_RSIN?.replace(/\D/g, ''),
    // The onion service is a way to reach the association too; CONTACT_ONION may name another.
    contacts: { signal: raw.CONTACT_SIGNAL, email: raw.CONTACT_EMAIL, onion: raw.CONTACT_ONION ?? (onionAddress && `http://${onionAddress}`) },
    replyWithinHours: raw.REPLY_WITHIN_HOURS,
    documentMaxBytes: raw.DOCUMENT_MAX_MB * 1024 * 1024,
    trustProxy: raw.TRUST_PROXY,
    kdf: { concurrency: raw.KDF_CONCURRENCY, waiting: raw.KDF_QUEUE_LENGTH },
    onion: onionAddress && raw.ONION_PORT ? { address: onionAddress, port: raw.ONION_PORT, host: raw.ONION_HOST } : undefined,
    production: raw.NODE_ENV === 'production',
    smtp: raw.SMTP_URL && raw.SMTP_FROM ? { url: raw.SMTP_URL, from: raw.SMTP_FROM } : undefined,
    alertEscalateMinutes: raw.ALERT_ESCALATE_MINUTES,
    claimMinutes: raw.CLAIM_MINUTES,
    breakGlassPendingMinutes: raw.BREAK_GLASS_PENDING_MINUTES,
    retentionClosedMonths: raw.RETENTION_CLOSED_MONTHS,
    giving: {
      bank: raw.BANK_IBAN && raw.BANK_ACCOUNT_NAME ? { iban: normaliseIban(raw.BANK_IBAN)!, name: raw.BANK_ACCOUNT_NAME, bic: raw.BANK_BIC ? normaliseBic(raw.BANK_BIC)! : undefined } : undefined,
      pledgeDays: raw.PLEDGE_DAYS,
      minCents: BigInt(raw.GIFT_MIN_EUROS) * 100n,
      maxCents: BigInt(raw.GIFT_MAX_EUROS) * 100n,
      online: readOnlineGiving(raw),
      receipts: Boolean(raw.SMTP_URL && raw.SMTP_FROM),
    },
  };
}

/**
 * The address and the listener go together: an onion address without its own listener would
 * bring every Tor user in through one local address, sharing one budget of every rate limit.
 */
function onionProblems(raw: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (raw.ONION_ADDRESS && !raw.ONION_PORT) problems.push('ONION_PORT: required with ONION_ADDRESS (the port HiddenServicePort forwards to)');
  if (raw.ONION_PORT && !raw.ONION_ADDRESS) problems.push('ONION_ADDRESS: required with ONION_PORT (the address in HiddenServiceDir/hostname)');
  if (raw.ONION_PORT && raw.ONION_PORT === raw.PORT) problems.push(`ONION_PORT: must differ from PORT (${raw.PORT}); only Tor may connect to the onion listener`);
  return problems;
}

/** A server without a sender would refuse every message, silently, at the first alert. */
function smtpProblems(raw: z.infer<typeof schema>): string[] {
  return raw.SMTP_URL && !raw.SMTP_FROM ? ['SMTP_FROM: required with SMTP_URL (the address Beside sends from)'] : [];
}

/** A bank account is named and numbered together, and a gift's bounds must leave room for a gift. */
function givingProblems(raw: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (raw.BANK_IBAN && !raw.BANK_ACCOUNT_NAME) problems.push('BANK_ACCOUNT_NAME: required with BANK_IBAN (the account holder, as the bank knows it)');
  if (raw.BANK_ACCOUNT_NAME && !raw.BANK_IBAN) problems.push('BANK_IBAN: required with BANK_ACCOUNT_NAME');
  if (raw.BANK_BIC && !raw.BANK_IBAN) problems.push('BANK_IBAN: required with BANK_BIC');
  if (raw.GIFT_MIN_EUROS >= raw.GIFT_MAX_EUROS) problems.push(`GIFT_MAX_EUROS: must be more than GIFT_MIN_EUROS (${raw.GIFT_MIN_EUROS})`);
  return problems;
}

/** An RSIN (like a BSN): 9 digits (dots and spaces allowed), 9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11. */
export function isRsin(value: string): boolean {
  const digits = value.replace(/[\s.]/g, '');
  if (!/^\d{9}$/.test(digits)) return false;
  const sum = [...digits].reduce((total, digit, index) => total + Number(digit) * (index === 8 ? -1 : 9 - index), 0);
  return sum % 11 === 0 && sum !== 0;
}
