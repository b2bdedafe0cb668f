import { attribute, child, text } from './camt053-xml.ts';

/**
 * The closed set of reasons a statement file is refused. `where` names the place in the file
 * ("statement 1, entry 4") for the treasurer; it never carries the file's content.
 */
export type Camt053ErrorCode =
  | 'too_large'
  | 'not_xml'
  | 'doctype_refused'
  | 'not_camt053'
  | 'too_many_entries'
  | 'bad_amount'
  | 'bad_date'
  | 'bad_entry';

export class Camt053Error extends Error {
  constructor(
    readonly code: Camt053ErrorCode,
    readonly where?: string,
  ) {
    super(where ? `camt.053 refused: ${code} (${where})` : `camt.053 refused: ${code}`);
    this.name = 'Camt053Error';
  }
}

export type Money = { cents: bigint; currency: string };

/**
 * An amount element (<Amt Ccy="EUR">1234.5</Amt>) in exact cents, from its text: never through a
 * float. ISO 20022 allows up to 18 digits and 5 decimals; decimals beyond the cent must be zeros.
 */
export function readAmount(node: unknown, where: string): Money {
  const value = text(node);
  const currency = attribute(node, 'Ccy');
  const match = value === null ? null : /^(\d{1,18})(?:\.(\d{1,5}))?$/.exec(value);
  if (!match || !currency || !/^[A-Z]{3}$/.test(currency)) throw new Camt053Error('bad_amount', where);
  const [whole = '', fraction = ''] = [match[1], match[2]];
  if (whole.length + fraction.length > 18 || /[1-9]/.test(fraction.slice(2))) throw new Camt053Error('bad_amount', where);
  return { cents: BigInt(whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0')), currency };
}

/** The same, or null when the element is absent. */
export function readOptionalAmount(node: unknown, where: string): Money | null {
  return node === undefined ? null : readAmount(node, where);
}

/**
 * A date element holding <Dt> (xs:date, maybe with a zone) or <DtTm>, as 'YYYY-MM-DD'. A time
 * keeps the date the bank wrote, in the bank's own zone: that is the day on the statement.
 */
export function readDate(node: unknown, where: string): string | null {
  if (node === undefined) return null;
  const date = text(child(node, 'Dt'));
  const dateTime = text(child(node, 'DtTm'));
  const match = date !== null
    ? /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$/.exec(date)
    : dateTime !== null
      ? /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}/.exec(dateTime)
      : null;
  const day = match?.[1];
  if (!day || !isCalendarDate(day)) throw new Camt053Error('bad_date', where);
  return day;
}

function isCalendarDate(day: string): boolean {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(year, month - 1, date));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === date;
}

export type Direction = 'credit' | 'debit';

export function readDirection(node: unknown, where: string): Direction | null {
  const code = text(node);
  if (code === null) return null;
  if (code === 'CRDT') return 'credit';
  if (code === 'DBIT') return 'debit';
  throw new Camt053Error('bad_entry', where);
}

/** Signed cents: credits add to the account, debits take from it. */
export function signed(cents: bigint, direction: Direction): bigint {
  return direction === 'credit' ? cents : -cents;
}
