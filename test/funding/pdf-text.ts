import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF as pdfkit writes it, without a PDF library: its streams inflated, each font's
 * ToUnicode map read, and the glyph ids of every text run (Tj/TJ, Identity-H) mapped back to
 * characters. One line per text block (BT … ET). Enough to read what a statement says, Cyrillic too.
 */
export function pdfText(pdf: Uint8Array): string {
  const objects = readObjects(Buffer.from(pdf));
  const cmaps = new Map<string, Map<number, string>>();
  const fontsOf = (dict: string) => {
    for (const [, name, ref] of dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(Number(ref))?.dict ?? '')?.[1];
      const cmap = toUnicode ? objects.get(Number(toUnicode))?.stream : undefined;
      if (cmap && !cmaps.has(name!)) cmaps.set(name!, parseCmap(cmap));
    }
  };
  for (const { dict } of objects.values()) fontsOf(dict);
  const lines: string[] = [];
  for (const { stream } of objects.values()) {
    if (!stream || !/\bBT\b/.test(stream)) continue;
    let font = new Map<number, string>();
    for (const block of stream.split(/\bBT\b/).slice(1)) {
      let line = '';
      for (const token of block.matchAll(/\/(F\d+) [\d.]+ Tf|<([0-9a-fA-F]+)>/g)) {
        if (token[1]) font = cmaps.get(token[1]) ?? new Map();
        else for (let at = 0; at < token[2]!.length; at += 4) line += font.get(parseInt(token[2]!.slice(at, at + 4), 16)) ?? '�';
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}

function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  // A ligature maps to several UTF-16 units, written with spaces between them: <0066 0066> is "ff".
  const char = (hex: string) => String.fromCodePoint(...(hex.replace(/\s/g, '').match(/.{4}/g) ?? []).map((unit) => parseInt(unit, 16)));
  for (const [, from, , list] of cmap.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
    [...list!.matchAll(/<([0-9a-fA-F\s]+)>/g)].forEach((entry, index) => map.set(parseInt(from!, 16) + index, char(entry[1]!)));
  }
  for (const [, code, unicode] of cmap.matchAll(/^<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>$/gm)) map.set(parseInt(code!, 16), char(unicode!));
  return map;
}

/**
 * Every object of the PDF, found through its cross-reference table (as pdfkit writes it) and each
 * stream cut by its /Length: a compressed font's bytes may hold anything, "endobj" included.
 */
function readObjects(pdf: Buffer): Map<number, { dict: string; stream: string | null }> {
  const source = pdf.toString('latin1');
  const xrefAt = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(source)?.[1]);
  const table = /^xref\s+(\d+) (\d+)\s+/.exec(source.slice(xrefAt));
  if (!table) throw new Error('pdfText: no cross-reference table');
  const objects = new Map<number, { dict: string; stream: string | null }>();
  const first = Number(table[1]);
  const entries = source.slice(xrefAt + table[0].length).split(/\r?\n/).slice(0, Number(table[2]));
  entries.forEach((entry, index) => {
    const [offset, , kind] = entry.trim().split(' ');
    if (kind !== 'n') return;
    const at = Number(offset);
    const header = new RegExp(`^${first + index} 0 obj`).exec(source.slice(at, at + 32));
    if (!header) throw new Error(`pdfText: object ${first + index} is not at ${at}`);
    const body = at + header[0].length;
    const streamAt = source.indexOf('stream', body);
    const endAt = source.indexOf('endobj', body);
    if (streamAt < 0 || streamAt > endAt) {
      objects.set(first + index, { dict: source.slice(body, endAt), stream: null });
      return;
    }
    const dict = source.slice(body, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    const dataAt = streamAt + 'stream'.length + (source[streamAt + 6] === '\r' ? 2 : 1);
    const bytes = pdf.subarray(dataAt, dataAt + length);
    objects.set(first + index, { dict, stream: /\/FlateDecode/.test(dict) ? inflateSync(bytes).toString('latin1') : bytes.toString('latin1') });
  });
  return objects;
}
