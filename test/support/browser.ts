import { AssertionError } from 'node:assert/strict';
import { SESSION_COOKIE } from '../../src/auth/cookie.ts';
import type { TestApp } from './app.ts';

/** What a test looks at in an answer; the body is read once, as text. */
export type Page = {
  status: number;
  headers: Headers;
  html: string;
  /** The Location header of a redirect, if any. */
  location: string | null;
  /** Every Set-Cookie header of the answer. */
  setCookies: string[];
};

export type Fields = Record<string, string | readonly string[] | undefined> | URLSearchParams;

/** Form fields as a browser encodes them: application/x-www-form-urlencoded, a checkbox's key repeated. */
export function formBody(fields: Fields): URLSearchParams {
  if (fields instanceof URLSearchParams) return fields;
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of typeof value === 'string' ? [value] : value) body.append(key, item);
  }
  return body;
}

let visitors = 0;

/**
 * A documentation address (RFC 5737 / RFC 3849), different for every visitor; past the IPv4 ones
 * each visitor gets a /64 of its own, since rate limits count an IPv6 caller by its /64.
 */
function nextAddress(): string {
  visitors += 1;
  return visitors < 250 ? `192.0.2.${visitors}` : `2001:db8:${visitors.toString(16)}::1`;
}

type StoredCookie = { value: string; path: string };

/**
 * A tiny browser: keeps cookies (respecting their Path), follows no redirect, and marks its own
 * form posts `Sec-Fetch-Site: same-origin` as a real browser does for our own forms.
 */
export class Browser {
  readonly address: string;
  /** The staff session's CSRF token, read from a page after logging in. */
  csrfToken: string | undefined;
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(
    readonly target: TestApp,
    options: { address?: string } = {},
  ) {
    this.address = options.address ?? nextAddress();
  }

  cookie(name = SESSION_COOKIE): string | undefined {
    return this.cookies.get(name)?.value;
  }

  setCookie(value: string, name = SESSION_COOKIE, path = '/staff'): void {
    this.cookies.set(name, { value, path });
  }

  forgetCookies(): void {
    this.cookies.clear();
    this.csrfToken = undefined;
  }

  /** Sends a request; `cookies: 'everywhere'` sends the stored cookies whatever their Path. */
  async request(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: BodyInit; cookies?: 'by-path' | 'everywhere' | 'none' } = {},
  ): Promise<Page> {
    const url = new URL(path, this.target.config.publicUrl);
    const headers = new Headers({ 'X-Forwarded-For': this.address });
    const cookieHeader = this.cookieHeader(url.pathname, init.cookies ?? 'by-path');
    if (cookieHeader) headers.set('Cookie', cookieHeader);
    // An empty value removes a header, e.g. the Sec-Fetch-Site an older browser does not send.
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      if (value === '') headers.delete(name);
      else headers.set(name, value);
    }
    const response = await this.target.app.request(url.href, { method: init.method ?? 'GET', headers, body: init.body });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.remember(header);
    return {
      status: response.status,
      headers: response.headers,
      html: await response.text(),
      location: response.headers.get('location'),
      setCookies,
    };
  }

  get(path: string, headers: Record<string, string> = {}, cookies?: 'by-path' | 'everywhere' | 'none'): Promise<Page> {
    return this.request(path, { headers, cookies });
  }

  /** A form post from one of our own pages. */
  post(path: string, fields: Fields, headers: Record<string, string> = {}, cookies?: 'by-path' | 'everywhere' | 'none'): Promise<Page> {
    return this.request(path, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: formBody(fields).toString(),
      cookies,
    });
  }

  /** A staff form post: carries the session's CSRF token as our staff forms do. */
  staffPost(path: string, fields: Fields = {}, headers: Record<string, string> = {}): Promise<Page> {
    if (!this.csrfToken) throw new Error('staffPost needs a logged-in browser (use logInAs first).');
    const body = formBody(fields);
    body.set('_csrf', this.csrfToken);
    return this.post(path, body, headers);
  }

  private cookieHeader(pathname: string, mode: 'by-path' | 'everywhere' | 'none'): string {
    if (mode === 'none') return '';
    return [...this.cookies]
      .filter(([, cookie]) => mode === 'everywhere' || pathMatches(pathname, cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  private remember(header: string): void {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const attribute = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const maxAge = attribute('max-age');
    const expires = attribute('expires');
    const gone = (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now());
    if (gone) this.cookies.delete(name);
    else this.cookies.set(name, { value: decodeURIComponent(value), path: attribute('path') ?? '/' });
  }
}

function pathMatches(pathname: string, cookiePath: string): boolean {
  return pathname === cookiePath || pathname.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`);
}

/** The hidden `_csrf` value of a staff page's forms. */
export function csrfOf(html: string): string | undefined {
  for (const input of html.match(/<input\b[^>]*>/g) ?? []) {
    if (/\bname="_csrf"/.test(input)) return /\bvalue="([^"]*)"/.exec(input)?.[1];
  }
  return undefined;
}

/** Page text with hono's escapes undone, for checking what a reader sees. */
export function textOf(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, '&');
}

/**
 * Asserts that a reader sees the text on the page. Every assertion in these tests carries a
 * message: without one, node's assert re-reads the test's source to describe the failure, which
 * through tsx's transform can take minutes.
 */
export function assertShows(page: Page | string, text: string, what = 'the page'): void {
  const html = typeof page === 'string' ? page : page.html;
  if (!textOf(html).includes(text)) throw new AssertionError({ message: `${what} does not show ${JSON.stringify(text)}`, actual: textOf(html).slice(0, 2000), expected: text, operator: 'includes' });
}

export function assertNotShows(page: Page | string, text: string, what = 'the page'): void {
  const html = typeof page === 'string' ? page : page.html;
  if (textOf(html).includes(text)) throw new AssertionError({ message: `${what} shows ${JSON.stringify(text)}`, actual: text, expected: '(absent)', operator: 'excludes' });
}
