import { z } from 'zod';

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
  /** Other ways to reach the association when this site is blocked. */
  CONTACT_SIGNAL: optionalText,
  CONTACT_EMAIL: optionalText,
  CONTACT_ONION: optionalText,
  /** How soon the association usually answers, in hours, as told to people asking for help. */
  REPLY_WITHIN_HOURS: z.coerce.number().int().min(1).max(24 * 14).default(24),
  /** Trust X-Forwarded-For from a reverse proxy, for rate limits only (never stored). */
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
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
  contacts: { signal?: string; email?: string; onion?: string };
  replyWithinHours: number;
  trustProxy: boolean;
  production: boolean;
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
    contacts: { signal: raw.CONTACT_SIGNAL, email: raw.CONTACT_EMAIL, onion: raw.CONTACT_ONION },
    replyWithinHours: raw.REPLY_WITHIN_HOURS,
    trustProxy: raw.TRUST_PROXY,
    production: raw.NODE_ENV === 'production',
  };
}
