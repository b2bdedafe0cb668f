import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Content compressed once, ahead of the requests that ask for it: our static files and the
 * pre-rendered public pages. Compressing on every request costs more than serving the page.
 */
export type Encoding = 'br' | 'gzip' | 'identity';
export type EncodedForm = { body: Uint8Array; etag: string; encoding: Encoding };
export type EncodedForms = Record<Encoding, EncodedForm>;

/** Every form of the content, each compressed as small as it goes (this runs once per content, not per request). */
export function encodeOnce(content: string): EncodedForms {
  const body = Buffer.from(content);
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  // One tag per form: a cache must not answer a gzip request with the brotli bytes.
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return {
    identity: { body, etag: `"${tag}"`, encoding: 'identity' },
    gzip: { body: gzipSync(body, { level: 9 }), etag: `"${tag}-gzip"`, encoding: 'gzip' },
    br: { body: br, etag: `"${tag}-br"`, encoding: 'br' },
  };
}

/** Browsers send a handful of distinct, short Accept-Encoding values: the choice for each is remembered (at most 100). */
const chosen = new Map<string, Encoding>();

/** The form to send for an Accept-Encoding header. */
export function encodingFor(header: string | undefined): Encoding {
  const key = header ?? '';
  let choice = chosen.get(key);
  if (choice === undefined) {
    choice = chooseEncoding(key);
    if (chosen.size >= 100) chosen.clear();
    if (key.length <= 100) chosen.set(key, choice);
  }
  return choice;
}

/** The client's preferred encoding among brotli and gzip (brotli on a tie), by their q-values; identity when it accepts neither. */
function chooseEncoding(header: string): Encoding {
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = weight('gzip');
  if (br > 0 && br >= gz) return 'br';
  return gz > 0 ? 'gzip' : 'identity';
}
