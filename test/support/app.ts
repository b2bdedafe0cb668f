import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Db } from '../../src/db/client.ts';
import { createApp } from '../../src/web/app.tsx';
import type { App } from '../../src/web/context.ts';
import { RateLimiter } from '../../src/web/rate-limit.ts';
import { limitKeyDerivations } from '../../src/crypto/kdf-queue.ts';
import { initialise } from '../../src/auth/initialise.ts';
import type { Role } from '../../src/auth/roles.ts';
import { currentTotp, newTotpSecret, saveTotpSecret } from '../../src/auth/totp.ts';
import { insertUser } from '../../src/auth/users.ts';
import { markCoordinatorConfirmed } from '../../src/auth/coordinator-queries.ts';
import type { Need } from '../../src/help/needs.ts';
import type { Lang } from '../../src/i18n/lang.ts';
import { openTestDb } from './db.ts';
import { Browser, csrfOf, type Page } from './browser.ts';

export * from './browser.ts';

/**
 * The harness for tests that go through the interfaces people and attackers use: HTTP against
 * the real app (no server socket, `app.request`), with a fresh database per app.
 */
export type TestApp = { app: App; db: Db; config: Config; limits: RateLimiter; heldBack: number[]; close(): Promise<void> };

/**
 * Each simulated visitor arrives from its own address through a trusted reverse proxy, as in a
 * real deployment. Without it every request of a file would share one rate-limit bucket
 * ("unknown": app.request has no socket) and unrelated tests would throttle each other.
 */
const BASE_ENV = {
  NODE_ENV: 'test',
  PUBLIC_URL: 'http://beside.test',
  TRUST_PROXY: 'true',
  // Tests that fire many requests at once test concurrency, not load shedding: the queue of key
  // derivations lets them all wait (test/web/kdf-queue.test.ts tests the bound).
  KDF_QUEUE_LENGTH: '10000',
};

export async function startTestApp(overrides: Record<string, string> = {}, options: { db?: Db } = {}): Promise<TestApp> {
  const db = options.db ?? (await openTestDb());
  const config = loadConfig({ ...BASE_ENV, ...overrides });
  limitKeyDerivations(config.kdf); // as src/main.ts does at start
  // A slowed-down login is recorded in heldBack instead of slept, so guessing tests do not wait
  // out the slow-down they provoke (test/auth/login-throttle.test.ts checks what it would be).
  const heldBack: number[] = [];
  const limits = new RateLimiter(Date.now, async (ms) => void heldBack.push(ms));
  return { app: createApp({ config, db, limits }), db, config, limits, heldBack, close: () => db.close() };
}

export type StaffUser = {
  id: string;
  login: string;
  displayName: string;
  password: string;
  roles: Role[];
  publicKey: Uint8Array;
  totpSecret: string;
};

/**
 * A staff member with a password and an enrolled authenticator, as after a finished invitation.
 * A coordinator is also confirmed (as a colleague would confirm them), so that new help requests
 * reach them; `confirmed: false` leaves them waiting, as a new coordinator account is.
 */
export async function createStaff(
  db: Db,
  input: { login: string; roles: Role[]; password?: string; displayName?: string; language?: Lang; confirmed?: boolean },
): Promise<StaffUser> {
  const password = input.password ?? `pw-${input.login}-${randomBytes(6).toString('hex')}`;
  const displayName = input.displayName ?? `Staff ${input.login}`;
  const user = await insertUser(db, { login: input.login, displayName, roles: input.roles, language: input.language ?? 'en', password });
  const totpSecret = newTotpSecret();
  await saveTotpSecret(db, user.id, user.publicKey, totpSecret, 0);
  if (input.confirmed !== false && user.roles.includes('coordinator')) await markCoordinatorConfirmed(db, user.id, null);
  return { id: user.id, login: user.login, displayName, password, roles: user.roles, publicKey: user.publicKey, totpSecret };
}

/**
 * Logs in through /staff/login and /staff/login/code, then reads the CSRF token from a page.
 * A TOTP step is accepted once per user, so the helper first forgets the last step used: a test
 * may log the same person in twice within 30 seconds. (The replay test does not use this helper.)
 */
export async function logInAs(browser: Browser, user: StaffUser): Promise<void> {
  await browser.target.db.query('update users set totp_last_step = 0 where id = $1', [user.id]);
  const password = await browser.post('/staff/login', { login: user.login, password: user.password });
  if (password.status !== 303 || !password.location?.startsWith('/staff/login/code')) {
    throw new Error(`logInAs(${user.login}): the password step answered ${password.status} ${password.location ?? ''}`);
  }
  const code = await browser.post(password.location, { code: currentTotp(user.totpSecret) });
  if (code.status !== 303) throw new Error(`logInAs(${user.login}): the code step answered ${code.status}`);
  const page = await browser.get('/staff/cases');
  const token = csrfOf(page.html);
  if (page.status !== 200 || !token) throw new Error(`logInAs(${user.login}): no staff page after logging in (${page.status})`);
  browser.csrfToken = token;
}

/** A browser already logged in as the user. */
export async function loggedIn(target: TestApp, user: StaffUser): Promise<Browser> {
  const browser = new Browser(target);
  await logInAs(browser, user);
  return browser;
}

export type Instance = { admin: StaffUser; shares: string[]; threshold: number };

/**
 * Initialises the instance (first administrator, who is also a coordinator, and the recovery
 * key), as `beside init` or the setup link does, and enrols the administrator's authenticator.
 * Do it before help requests arrive: they are sealed to the recovery key and the coordinators
 * that exist at that moment.
 */
export async function initialiseInstance(db: Db, login = 'admin'): Promise<Instance> {
  const password = `pw-${login}-${randomBytes(6).toString('hex')}`;
  const displayName = 'First Administrator';
  const result = await initialise(db, { login, displayName, password, language: 'en' });
  const totpSecret = newTotpSecret();
  const [row] = await db.query<{ public_key: Uint8Array }>('select public_key from users where id = $1', [result.userId]);
  await saveTotpSecret(db, result.userId, row!.public_key, totpSecret, 0);
  return {
    admin: { id: result.userId, login, displayName, password, roles: ['administrator', 'coordinator'], publicKey: row!.public_key, totpSecret },
    shares: result.shares,
    threshold: result.threshold,
  };
}

export type HelpFields = {
  needs: Need[];
  danger?: 'yes' | 'no';
  otherNeed?: string;
  country?: string;
  city?: string;
  language?: Lang;
  story?: string;
  contact?: string;
  contactShared?: 'no' | 'yes' | 'unsure';
  safeTimes?: string;
  codeWord?: string;
};

export type Submitted = { receipt: string; requestId: string; page: Page };

/**
 * Sends the public help form as a person would, and reads the receipt from the answer. The new
 * request's id (which the person never sees) is found by comparing the table before and after.
 */
export async function submitHelp(from: TestApp | Browser, lang: Lang, fields: HelpFields): Promise<Submitted> {
  const browser = from instanceof Browser ? from : new Browser(from);
  const { db } = browser.target;
  const before = new Set((await db.query<{ id: string }>('select id from help_requests')).map((row) => row.id));
  const page = await browser.post(`/${lang}/help`, fields);
  const receipt = receiptOf(page.html);
  if (page.status !== 200 || !receipt) throw new Error(`submitHelp: the form answered ${page.status} without a receipt`);
  const added = (await db.query<{ id: string }>('select id from help_requests')).filter((row) => !before.has(row.id));
  if (added.length !== 1) throw new Error(`submitHelp: expected one new request, found ${added.length}`);
  return { receipt, requestId: added[0]!.id, page };
}

/** The receipt shown in the `data-receipt` element of the answer page. */
export function receiptOf(html: string): string | undefined {
  // The groups sit in elements of their own (so none breaks across lines): read the text.
  const inner = /<[^>]*\bdata-receipt\b[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1];
  return inner?.replace(/<[^>]*>/g, '').trim() || undefined;
}

/** The person's status page: open it, write, hide or erase, with the receipt as typed. */
export function personPost(browser: Browser, lang: Lang, fields: { action: 'open' | 'write' | 'hide' | 'erase'; receipt: string; body?: string; confirm?: 'yes' }) {
  return browser.post(`/${lang}/help/status`, fields);
}

/** Counts rows; the table name is a constant of the calling test, never input. */
export async function countRows(db: Db, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params);
  return row?.n ?? 0;
}

/** A distinct, recognisable string to plant in a field and search for later. */
export function marker(field: string): string {
  return `MARKER-${field}-${randomBytes(4).toString('hex')}`;
}

