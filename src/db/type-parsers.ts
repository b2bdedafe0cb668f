import pg from 'pg';

/**
 * One set of JS types for both drivers, so no code has to know which database it runs on:
 *
 *   int8 (bigint, count(*))      → bigint      (exact; PGlite gave a number or a BigInt, pg a string)
 *   numeric                      → string      (the exact decimal text, e.g. '12.30')
 *   int2, int4, oid              → number      (both drivers already)
 *   date                         → 'YYYY-MM-DD' (a calendar day, never a midnight in some zone)
 *   timestamptz                  → Date
 *   timestamp (without zone)     → Date, read as UTC (pg would use the process's zone)
 *   interval                     → PostgreSQL's text form
 *   bytea                        → Uint8Array (pg gives a Buffer, which is one)
 *   arrays of any of these       → arrays of the same
 *
 * Parameters: a Date is sent as its ISO text on both drivers (pg would send local time), so a
 * Date bound to a date column means the same UTC day on both. Prefer 'YYYY-MM-DD' for dates.
 *
 * Text forms are read as PostgreSQL writes them by default (DateStyle ISO), as pg itself assumes.
 */
export const OID = {
  bytea: 17,
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  textArray: 1009,
} as const;

type Parse = (text: string) => unknown;

/** pg's global default parser for a type (read, never changed). Its types only list scalar oids. */
const pgParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => Parse;

const pgTimestamptz = pgParser(OID.timestamptz) as (text: string) => Date | number;
const unchanged: Parse = (text) => text;

/** A timestamp without a zone names UTC wall time here, whatever TZ the process runs in. */
function utcTimestamp(text: string): unknown {
  return text.endsWith('infinity') ? pgTimestamptz(text) : pgTimestamptz(`${text}+00`);
}

/** Scalar parsers by type oid: PGlite's array types look their element up here too. */
export const SCALAR_PARSERS: Readonly<Record<number, Parse>> = {
  [OID.int8]: (text) => BigInt(text),
  [OID.numeric]: unchanged,
  [OID.date]: unchanged,
  [OID.timestamp]: utcTimestamp,
  [OID.timestamptz]: pgTimestamptz,
  [OID.interval]: unchanged,
};

/**
 * bytea for PGlite, which otherwise writes and reads it a byte at a time in JavaScript (a 64 KiB
 * file chunk took 80 ms to insert): the hex form through Buffer. pg reads bytea natively already.
 */
export const PGLITE_BYTEA = {
  serialize: (bytes: Uint8Array) => `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`,
  parse: (text: string): Uint8Array => {
    if (!text.startsWith('\\x')) throw new Error('bytea is expected in hex form (bytea_output = hex)');
    return Buffer.from(text.slice(2), 'hex');
  },
};

/** Array type oid → element type oid, for the element types above. */
const ARRAYS: Readonly<Record<number, number>> = {
  1016: OID.int8,
  1231: OID.numeric,
  1182: OID.date,
  1115: OID.timestamp,
  1185: OID.timestamptz,
  1187: OID.interval,
};

type Nested = unknown | Nested[];

function mapNested(value: Nested, parse: Parse): Nested {
  if (Array.isArray(value)) return value.map((item: Nested) => mapNested(item, parse));
  return value === null ? null : parse(value as string);
}

const pgTextArray = pgParser(OID.textArray) as (text: string) => Nested[];

/** Per-pool type parsers for pg (the global pg.types stay untouched). */
export const pgTypeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      const scalar = SCALAR_PARSERS[oid];
      if (scalar) return scalar;
      const element = ARRAYS[oid];
      if (element !== undefined) {
        const parse = SCALAR_PARSERS[element]!;
        return (text: string) => mapNested(pgTextArray(text), parse);
      }
    }
    return pgParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Parameters as both drivers should see them: see the note at the top. */
export function toParams(params: readonly unknown[] = []): unknown[] {
  return params.map(toParam);
}

function toParam(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? value : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(toParam);
  return value;
}
