import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { App } from './context.ts';
import { route, PUBLIC } from './route.ts';

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml' };
const FILES = ['app.css', 'app.js', 'icon.svg'];

type Asset = { body: string; gzipped: Uint8Array; type: string; version: string };

/** Our own few static files, read once; their addresses carry a content hash so they cache forever. */
const assets = new Map<string, Asset>(
  FILES.map((name) => {
    const body = readFileSync(fileURLToPath(new URL(`./static/${name}`, import.meta.url)), 'utf8');
    const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
    return [name, { body, gzipped: new Uint8Array(gzipSync(body, { level: 9 })), type: TYPES[name.split('.').pop()!]!, version }];
  }),
);

export function assetUrl(name: 'app.css' | 'app.js' | 'icon.svg'): string {
  return `/static/${assets.get(name)!.version}/${name}`;
}

export function registerStatic(app: App): void {
  route(app, 'GET', '/static/:version/:name', PUBLIC, (c) => {
    const asset = assets.get((c.req.param('name') ?? ''));
    if (!asset) return c.notFound();
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Vary', 'Accept-Encoding');
    // Compressed once at start; the compress middleware leaves an encoded answer alone.
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(asset.gzipped as Uint8Array<ArrayBuffer>);
    }
    return c.body(asset.body);
  });
}
