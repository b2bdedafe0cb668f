/**
 * Walking the tree fast-xml-parser gives (tags without their namespace prefix, attributes as
 * "@name", text as a string or as "#text" beside attributes). The parser runs with entity
 * processing off, so no document can make it expand or fetch anything; the few fields we read are
 * decoded here, where the five predefined entities and character references can only shorten text.
 */

/** The first node at the end of a path of tag names, or undefined. A repeated tag gives its first. */
export function child(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const name of path) {
    const here = Array.isArray(current) ? current[0] : current;
    if (!isRecord(here)) return undefined;
    current = here[name];
  }
  return Array.isArray(current) ? current[0] : current;
}

/** Every node of one tag under a node, whether the tag occurs once or many times. */
export function children(node: unknown, name: string): unknown[] {
  const here = Array.isArray(node) ? node[0] : node;
  if (!isRecord(here)) return [];
  const value = here[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The decoded, trimmed text of an element, or null when it is absent, empty or not text. */
export function text(node: unknown): string | null {
  const raw = typeof node === 'string' ? node : isRecord(node) && typeof node['#text'] === 'string' ? node['#text'] : null;
  if (raw === null) return null;
  const value = decodeXmlText(raw).trim();
  return value === '' ? null : value;
}

export function attribute(node: unknown, name: string): string | null {
  const value = isRecord(node) ? node[`@${name}`] : undefined;
  return typeof value === 'string' ? decodeXmlText(value).trim() : null;
}

/** The attributes of an element, decoded: for finding namespace declarations. */
export function attributes(node: unknown): Map<string, string> {
  const found = new Map<string, string>();
  if (!isRecord(node)) return found;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') && typeof value === 'string') found.set(key.slice(1), decodeXmlText(value));
  }
  return found;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Replaces the predefined entities and character references, in one pass ("&amp;lt;" stays "&lt;"). */
export function decodeXmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g, (whole, hex?: string, dec?: string, name?: string) => {
    if (name) return PREDEFINED[name] ?? whole;
    const code = Number.parseInt(hex ?? dec ?? '', hex ? 16 : 10);
    const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff));
    return allowed ? String.fromCodePoint(code) : '\uFFFD';
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
