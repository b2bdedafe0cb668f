import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Config } from '../config.ts';
import { isLang, translator, type Lang, type Translate } from '../i18n/index.ts';
import type { App, AppEnv, Deps } from './context.ts';
import { encodeOnce, encodingFor, type EncodedForms } from './encoding.ts';
import { notFound } from './errors.ts';
import { documentHtml } from './layout.tsx';
import { PUBLIC, route } from './route.ts';

/**
 * Public pages that are the same for everyone (home, help form, status form) are rendered once
 * per language and kept with their gzip and brotli forms: rendering on every request was most of
 * their cost. They still pass through the whole middleware chain, so they get exactly the headers
 * a rendered page gets (security headers, Cache-Control: no-store).
 *
 * Everything a kept page may be made of: its language and the installation's settings. The
 * renderer is given no request, and is declared where the route is, outside any handler, so it
 * cannot close over one: a cookie, a session, a person's input or address cannot end up in a
 * page that is then served to everyone.
 */
export type PageInputs = { readonly lang: Lang; readonly t: Translate; readonly config: Config };
export type PageRenderer = (page: PageInputs) => Child;

export type PrerenderedPath = `/:lang/${string}`;

/** Kept pages per app (its Deps): route path → language → page. Two apps never share a page. */
const kept = new WeakMap<Deps, Map<string, Map<Lang, EncodedForms>>>();

/** The pre-rendered pages of one app, for the test that compares them with a rendering per request. */
const declared = new WeakMap<App, { path: PrerenderedPath; render: PageRenderer }[]>();

export function prerenderedPagesOf(app: App): readonly { path: PrerenderedPath; render: PageRenderer }[] {
  return declared.get(app) ?? [];
}

/** Declares a public GET page under /:lang/ whose bytes depend only on the language and the configuration. */
export function prerenderedRoute(app: App, path: PrerenderedPath, render: PageRenderer): void {
  declared.set(app, [...prerenderedPagesOf(app), { path, render }]);
  route(app, 'GET', path, PUBLIC, (c) => {
    const lang = c.req.param('lang') ?? '';
    if (!isLang(lang)) throw notFound();
    const deps = c.get('deps');
    const pages = keptFor(deps, path);
    let page = pages.get(lang);
    if (!page) {
      // Rendered and compressed once, synchronously (a few milliseconds), so what is kept is what
      // the inputs were at this moment; a renderer that throws leaves nothing behind.
      page = encodeOnce(documentHtml(render({ lang, t: translator(lang), config: deps.config })));
      pages.set(lang, page);
    }
    return serve(c, page);
  });
}

/**
 * Forgets a kept page in every language, so its next request renders it again: for a page whose
 * content becomes editable (the fundraising story), called by the operation that saves the edit.
 * Kept pages live in this process; several processes behind one database would each need telling.
 */
export function invalidatePrerendered(deps: Deps, path: PrerenderedPath): void {
  kept.get(deps)?.delete(path);
}

function keptFor(deps: Deps, path: string): Map<Lang, EncodedForms> {
  let paths = kept.get(deps);
  if (!paths) kept.set(deps, (paths = new Map()));
  let pages = paths.get(path);
  if (!pages) paths.set(path, (pages = new Map()));
  return pages;
}

function serve(c: Context<AppEnv>, page: EncodedForms): Response {
  const form = page[encodingFor(c.req.header('accept-encoding'))];
  // The headers c.html() gives a rendered page, and what a kept one adds. An encoded answer is
  // left alone by the compress middleware; the security headers are added after this returns.
  c.header('Content-Type', 'text/html; charset=UTF-8');
  c.header('Vary', 'Accept-Encoding');
  c.header('ETag', form.etag);
  if (form.encoding !== 'identity') c.header('Content-Encoding', form.encoding);
  if (matches(c.req.header('if-none-match'), form.etag)) return c.body(null, 304);
  c.header('Content-Length', String(form.body.length));
  return c.body(form.body as Uint8Array<ArrayBuffer>, 200);
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}
