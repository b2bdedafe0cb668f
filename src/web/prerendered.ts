import { performance } from 'node:perf_hooks';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
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

/**
 * What a kept page shows beyond its language and the configuration: what the database holds (the
 * campaign's figures and texts). `version` is asked for every request (requests that arrive
 * together share one asking) and must be one cheap query whose answer changes whenever what
 * `load` reads does (and with the day, if the page counts days); `load` runs once per version.
 * Both are given the database and the time, never the request. Because every request asks the
 * database, several processes behind one database each see a change on their next request: no
 * process serves a page older than the last commit.
 */
export type PageSource<D> = {
  version(db: Db, now: Date): Promise<string>;
  load(db: Db, now: Date): Promise<D>;
};

/** A pre-rendered page as declared, with its source when it shows what the database holds. */
export type DeclaredPage = { path: PrerenderedPath; render: (page: PageInputs & { readonly data?: unknown }) => Child; source?: PageSource<unknown> };

/** Kept pages per app (its Deps): route path → language → page. Two apps never share a page. */
const kept = new WeakMap<Deps, Map<string, Map<Lang, EncodedForms>>>();

/** Kept pages of a source per app: route path → the version they were made from, its data, and the pages made so far. */
type Versioned = { version: string; data: Promise<unknown>; pages: Map<Lang, EncodedForms> };
const keptVersions = new WeakMap<Deps, Map<string, Versioned>>();

/** The pre-rendered pages of one app, for the test that compares them with a rendering per request. */
const declared = new WeakMap<App, DeclaredPage[]>();

export function prerenderedPagesOf(app: App): readonly DeclaredPage[] {
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
 * Declares a public GET page under /:lang/ that is kept like the others while its source's
 * version holds: each request asks the version (one query) and gets the kept bytes when it is
 * the one they were made from; otherwise the page is loaded and rendered again. The renderer gets
 * the language, the configuration and what `load` read, never the request.
 */
export function versionedPrerenderedRoute<D>(app: App, path: PrerenderedPath, source: PageSource<D>, render: (page: PageInputs & { readonly data: D }) => Child): void {
  declared.set(app, [...prerenderedPagesOf(app), { path, render: render as DeclaredPage['render'], source }]);
  route(app, 'GET', path, PUBLIC, async (c) => {
    const lang = c.req.param('lang') ?? '';
    if (!isLang(lang)) throw notFound();
    const deps = c.get('deps');
    const { version, now } = await askVersion(deps, path, source);
    const versions = versionsFor(deps);
    let current = versions.get(path);
    if (current?.version !== version) {
      // Loaded once per version for every language. Read after the version, so the data is at
      // least as new as the version it is kept under: a change in between is seen next time.
      current = { version, data: source.load(deps.db, now), pages: new Map() };
      versions.set(path, current);
    }
    let page = current.pages.get(lang);
    if (!page) {
      let data: D;
      try {
        data = (await current.data) as D;
      } catch (error) {
        // A failed load is not kept: the next request loads again.
        if (versions.get(path) === current) versions.delete(path);
        throw error;
      }
      page = encodeOnce(documentHtml(render({ lang, t: translator(lang), config: deps.config, data })));
      current.pages.set(lang, page);
    }
    return serve(c, page);
  });
}

/** The version asked at a moment: the page for it is loaded as of that moment (the day counts). */
type Asked = { version: string; now: Date };
const asking = new WeakMap<Deps, Map<string, () => Promise<Asked>>>();

/**
 * Under load the version of a page is asked at most once per this many milliseconds (in each
 * process), and every request that arrived before the asking starts shares it; a request on a
 * quiet server asks at once. A version query costs a few hundred microseconds on the embedded
 * database, which runs on this thread: asked for every request, it would cost more than serving
 * the page.
 */
const ASK_INTERVAL_MS = 2;

/**
 * The version, from a query that starts after this request arrived: a request never gets an
 * answer older than itself, so a change committed before it arrived is always seen, in every
 * process. Requests join an asking that has not started yet (one at most at a time); it starts on
 * the next turn of the event loop, or once ASK_INTERVAL_MS have passed since the last one started.
 */
function askVersion(deps: Deps, path: string, source: PageSource<unknown>): Promise<Asked> {
  let paths = asking.get(deps);
  if (!paths) asking.set(deps, (paths = new Map()));
  let ask = paths.get(path);
  if (!ask) {
    ask = shareUnstarted(async () => {
      const now = new Date();
      return { version: await source.version(deps.db, now), now };
    });
    paths.set(path, ask);
  }
  return ask();
}

/** Calls share a run that has not started yet; a run starts no sooner than ASK_INTERVAL_MS after the one before. */
function shareUnstarted<T>(run: () => Promise<T>): () => Promise<T> {
  let waiting: Promise<T> | null = null;
  let lastStart = -Infinity;
  return () => {
    if (waiting) return waiting;
    const wait = lastStart + ASK_INTERVAL_MS - performance.now();
    const scheduled = new Promise<void>((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve))).then(() => {
      // From here on the run is under way: whoever comes now waits for the next one.
      waiting = null;
      lastStart = performance.now();
      return run();
    });
    waiting = scheduled;
    return scheduled;
  };
}

function versionsFor(deps: Deps): Map<string, Versioned> {
  let paths = keptVersions.get(deps);
  if (!paths) keptVersions.set(deps, (paths = new Map()));
  return paths;
}

/**
 * Forgets a kept page in every language, so its next request renders it again. Kept pages live in
 * this process; several processes behind one database would each need telling, so a page whose
 * content is edited is declared with versionedPrerenderedRoute instead (the campaign home).
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
