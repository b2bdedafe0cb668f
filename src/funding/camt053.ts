import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readEntry, type CamtLine } from './camt053-entry.ts';
import { Camt053Error } from './camt053-fields.ts';
import { attributes, child, children, text } from './camt053-xml.ts';

export { Camt053Error, type Camt053ErrorCode } from './camt053-fields.ts';

/**
 * ISO 20022 camt.053 bank-to-customer statements, versions 001.02 to 001.08: what ING, ABN AMRO,
 * Rabobank and bunq export. Pure: text in, statements out, or a Camt053Error with a code.
 *
 * The file comes from a person's upload, so it is treated as hostile: its size is limited before
 * anything reads it; a document type declaration is refused outright (a bank statement never has
 * one, and it is where "billion laughs" and external entities live); the parser runs with entity
 * processing off; the file must be well-formed before it is parsed, so a truncated download is
 * refused rather than read in part.
 */
export type CamtEntry = CamtLine & {
  /**
   * Stable across imports of the same file, so importing it twice books nothing twice: the bank's
   * AcctSvcrRef; else the statement's id with the entry's NtryRef (unique only within a
   * statement); else "sha256:" and a hash of the entry's own fields with the account (not of
   * the raw XML, so a re-export with other spacing keeps it). A batch's lines add "/1", "/2", …
   * in the bank's order. Entries that would share a reference (identical fields, or a bank that
   * repeats one) are told apart by their order in the file ("~2"), as every import of the same
   * file repeats it.
   */
  entryRef: string;
};

export type CamtStatement = {
  /** The statement's account; null when the bank names it otherwise than by IBAN. */
  accountIban: string | null;
  statementId: string;
  entries: CamtEntry[];
};

export type Camt053Limits = { maxBytes?: number; maxEntries?: number };

export const CAMT053_DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const CAMT053_DEFAULT_MAX_ENTRIES = 50_000;

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8]$/;
const REPEATED = new Set(['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd']);

export function parseCamt053(xml: string | Uint8Array, limits: Camt053Limits = {}): { statements: CamtStatement[] } {
  const maxBytes = limits.maxBytes ?? CAMT053_DEFAULT_MAX_BYTES;
  const maxEntries = limits.maxEntries ?? CAMT053_DEFAULT_MAX_ENTRIES;
  const size = typeof xml === 'string' ? Buffer.byteLength(xml, 'utf8') : xml.byteLength;
  if (size > maxBytes) throw new Camt053Error('too_large');

  const document = child(parseXml(typeof xml === 'string' ? xml : decodeUtf8(xml)), 'Document');
  const namespaces = [...attributes(document)].filter(([name]) => name === 'xmlns' || name.startsWith('xmlns:'));
  const report = child(document, 'BkToCstmrStmt');
  if (!namespaces.some(([, uri]) => NAMESPACE.test(uri)) || report === undefined) throw new Camt053Error('not_camt053');

  const seen = new Map<string, number>();
  let count = 0;
  const statements = children(report, 'Stmt').map((stmt, s): CamtStatement => {
    const statementId = text(child(stmt, 'Id'));
    if (!statementId) throw new Camt053Error('bad_entry', `statement ${s + 1}`);
    const accountIban = text(child(stmt, 'Acct', 'Id', 'IBAN'))?.replace(/\s/g, '').toUpperCase() ?? null;
    const entries: CamtEntry[] = [];
    children(stmt, 'Ntry').forEach((ntry, n) => {
      const read = readEntry(ntry, `statement ${s + 1}, entry ${n + 1}`);
      if (!read) return;
      count += read.lines.length;
      if (count > maxEntries) throw new Camt053Error('too_many_entries');
      const own = read.acctSvcrRef ?? (read.ntryRef ? `${statementId}:${read.ntryRef}` : null);
      const base = occurrence(own ?? `sha256:${hashOf(accountIban, read.lines)}`, seen);
      read.lines.forEach((line, i) => entries.push({ entryRef: read.lines.length > 1 ? `${base}/${i + 1}` : base, ...line }));
    });
    return { accountIban, statementId, entries };
  });
  return { statements };
}

function parseXml(raw: string): unknown {
  const body = raw.replace(/^\uFEFF/, '');
  if (/<!(DOCTYPE|ENTITY)/i.test(body)) throw new Camt053Error('doctype_refused');
  if (XMLValidator.validate(body) !== true) throw new Camt053Error('not_xml');
  const parser = new XMLParser({
    processEntities: false,
    htmlEntities: false,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Namespaces are checked on <Document>; below it a prefix ("ns2:Ntry") says nothing more.
    transformTagName: (name) => name.slice(name.indexOf(':') + 1),
    isArray: (name) => REPEATED.has(name),
  });
  try {
    return parser.parse(body);
  } catch {
    throw new Camt053Error('not_xml');
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Camt053Error('not_xml');
  }
}

function hashOf(accountIban: string | null, lines: CamtLine[]): string {
  const fields = lines.map((line) => ({ ...line, amountCents: String(line.amountCents) }));
  return createHash('sha256').update(JSON.stringify([accountIban, fields])).digest('hex').slice(0, 32);
}

/** The reference, with "~2", "~3", … when it occurred before in this file: a bank's repeated reference must not merge two entries. */
function occurrence(ref: string, seen: Map<string, number>): string {
  const count = (seen.get(ref) ?? 0) + 1;
  seen.set(ref, count);
  return count === 1 ? ref : `${ref}~${count}`;
}
