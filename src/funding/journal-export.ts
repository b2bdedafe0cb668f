import { decimalEuros } from './money.ts';

/**
 * The books for the accountant, in two plain formats they can check with standard tools: a
 * journal that hledger and ledger read, and a CSV for spreadsheets. Pure formatting: the ledger
 * gives the transactions; nothing here reads the database.
 */
export type ExportTransaction = {
  seq: bigint;
  /** 'YYYY-MM-DD' */
  occurredOn: string;
  kind: string;
  description: string;
  /** The transaction's link in the ledger's hash chain, when the caller has it. */
  hash?: string;
  entries: { account: string; amountCents: bigint }[];
};

/**
 * One hledger/ledger transaction per ledger transaction:
 *
 *   2026-03-01 Gift · shelter  ; seq:12, kind:gift, hash:ab12…
 *       assets:bank             EUR 25.00
 *       income:gifts:shelter   EUR -25.00
 *
 * The tags after ";" let `hledger reg tag:seq=12` find a transaction again. A transaction whose
 * entries do not sum to zero is refused rather than written: the journal must balance.
 */
export function toHledger(transactions: ExportTransaction[]): string {
  return transactions.map(journalTransaction).join('\n');
}

function journalTransaction(tx: ExportTransaction): string {
  checkTransaction(tx);
  const tags = [`seq:${tx.seq}`, `kind:${tagValue(tx.kind)}`, ...(tx.hash ? [`hash:${tagValue(tx.hash)}`] : [])];
  const accounts = tx.entries.map((entry) => accountName(entry.account));
  const amounts = tx.entries.map((entry) => `EUR ${decimalEuros(entry.amountCents)}`);
  const accountWidth = Math.max(...accounts.map((name) => name.length));
  const amountWidth = Math.max(...amounts.map((amount) => amount.length));
  const postings = accounts.map((name, i) => `    ${name.padEnd(accountWidth)}  ${(amounts[i] ?? '').padStart(amountWidth)}`);
  return [`${tx.occurredOn} ${journalText(tx.description)}  ; ${tags.join(', ')}`, ...postings, ''].join('\n');
}

/** Every entry as a CSV row (RFC 4180, CRLF line ends) under a header: seq,date,kind,description,account,amount. */
export function toCsv(transactions: ExportTransaction[]): string {
  const rows = [['seq', 'date', 'kind', 'description', 'account', 'amount'].join(',')];
  for (const tx of transactions) {
    checkTransaction(tx);
    for (const entry of tx.entries) {
      const text = [String(tx.seq), tx.occurredOn, tx.kind, tx.description, entry.account].map((cell) => csvCell(neutralise(cell)));
      rows.push([...text, decimalEuros(entry.amountCents)].join(','));
    }
  }
  return rows.map((row) => `${row}\r\n`).join('');
}

export class ExportError extends Error {
  constructor(readonly seq: bigint) {
    super(`transaction ${seq} cannot be exported: it is not a dated, balanced set of entries`);
    this.name = 'ExportError';
  }
}

function checkTransaction(tx: ExportTransaction): void {
  const sum = tx.entries.reduce((total, entry) => total + entry.amountCents, 0n);
  if (tx.entries.length < 2 || sum !== 0n || !/^\d{4}-\d{2}-\d{2}$/.test(tx.occurredOn)) throw new ExportError(tx.seq);
}

/**
 * A description on the transaction's line: one line, and no ";", which starts a comment in both
 * tools and would let a description forge tags.
 */
function journalText(text: string): string {
  return text.replace(/[\p{Cc};]+/gu, ' ').replace(/\s+/g, ' ').trim() || '-';
}

/** An account name ends at two spaces or a tab; "(" or "[" at its start would make it virtual. */
function accountName(account: string): string {
  return account.replace(/[\p{Cc};]+/gu, ' ').replace(/\s+/g, ' ').trim().replace(/^[([]+/, '') || 'unknown';
}

/** A tag's value ends at a comma. */
function tagValue(value: string): string {
  return value.replace(/[\p{Cc}\s,;]+/gu, '_');
}

/**
 * A spreadsheet runs a cell that starts with = + - @, a tab or a carriage return as a formula
 * ("=HYPERLINK(…)" in a description a donor wrote). A leading apostrophe makes it text. The
 * amount column is our own number and is left as one.
 */
function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
