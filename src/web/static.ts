import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { App } from './context.ts';
import { encodeOnce, encodingFor, type EncodedForms } from './encoding.ts';
import { route, PUBLIC } from './route.ts';

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml' };
const FILES = ['app.css', 'app.js', 'icon.svg'];

type Asset = { forms: EncodedForms; type: string; version: string };

/** Our own few static files, read and compressed once; their addresses carry a content hash so they cache forever. */
const assets = new Map<string, Asset>(
  FILES.map((name) => {
    const body = readFileSync(fileURLToPath(new URL(`./static/${name}`, import.meta.url)), 'utf8');
    const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
    return [name, { forms: encodeOnce(body), type: TYPES[name.split('.').pop()!]!, version }];
  }),
);

export function assetUrl(name: 'app.css' | 'app.js' | 'icon.svg'): string {
  return `/static/${assets.get(name)!.version}/${name}`;
}

export function registerStatic(app: App): void {
  route(app, 'GET', '/static/:version/:name', PUBLIC, (c) => {
    const asset = assets.get((c.req.param('name') ?? ''));
    if (!asset) return c.notFound();
    const form = asset.forms[encodingFor(c.req.header('accept-encoding'))];
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Vary', 'Accept-Encoding');
    // The compress middleware leaves an encoded answer alone.
    if (form.encoding !== 'identity') c.header('Content-Encoding', form.encoding);
    return c.body(form.body as Uint8Array<ArrayBuffer>);
  });
}
