import type { Db, Queryable } from '../db/client.ts';
import { instanceKeys } from '../crypto/instance.ts';
import {
  fillerLookup,
  newReceiptKeySalt,
  openLookupKind,
  receiptKeyPair,
  receiptLookup,
  sealLookupKind,
  type LookupKind,
} from '../crypto/receipt-keys.ts';
import type { KeyPair } from '../crypto/vaults.ts';
import { randomBytes } from '../crypto/tokens.ts';
import { duressCode, normaliseReceipt } from './receipt.ts';

/**
 * How a code finds its request (migration 0012). Every request has two rows in receipt_lookups:
 * its receipt, and either the duress code the person chose or a filler nobody can find. A row
 * holds an argon2id hash of its code (instance salt), the salt of the code's key pair, and the
 * row's kind sealed to that key pair. Nothing else tells the rows apart.
 *
 * What a stolen database shows: that a request exists and has two rows, as every request does;
 * not whether a duress code was chosen, nor which row is the receipt, nor a fast test of guesses.
 * What it cannot hide: whoever holds a code and the database can do what the server does (derive,
 * open the box) and so learn that code's kind; and `help_requests.coerced_at`, kept plain so the
 * team's lists show it, tells that the duress code was used and when.
 */
export type CodeHolder = { requestId: string; keys: KeyPair; kind: LookupKind; lookup: Uint8Array };

type NewRow = { lookup: Uint8Array; keySalt: Uint8Array; kindBox: Uint8Array };

async function rowFor(code: string, kind: LookupKind, instanceSalt: Uint8Array, keySalt: Uint8Array, keys?: Promise<KeyPair>): Promise<NewRow> {
  const [lookup, pair] = await Promise.all([receiptLookup(code, instanceSalt), keys ?? receiptKeyPair(code, keySalt)]);
  return { lookup, keySalt, kindBox: sealLookupKind(kind, pair) };
}

/**
 * The receipt's key pair (the request's vault is sealed to it) and the rows of a new request: its
 * receipt, and the duress code or a filler when the person chose none. The derivations run side
 * by side, so a duress code adds no wait when the server has cores free.
 */
export async function newLookups(db: Queryable, receipt: string, duressEnding?: string): Promise<{ receiptKeys: KeyPair; rows: NewRow[] }> {
  const { receiptSalt: instanceSalt } = await instanceKeys(db);
  const receiptSalt = newReceiptKeySalt();
  const receiptKeys = receiptKeyPair(receipt, receiptSalt);
  const real = rowFor(receipt, 'receipt', instanceSalt, receiptSalt, receiptKeys);
  const second = duressEnding ? rowFor(duressCode(receipt, duressEnding), 'duress', instanceSalt, newReceiptKeySalt()) : Promise.resolve(fillerLookup());
  const [keys, rows] = await Promise.all([receiptKeys, Promise.all([real, second])]);
  return { receiptKeys: keys, rows };
}

/** Writes the rows in a random order, so not even their place on disk says which came first. */
export async function insertLookups(tx: Queryable, requestId: string, rows: NewRow[]): Promise<void> {
  const shuffled = randomBytes(1)[0]! & 1 ? [...rows].reverse() : rows;
  for (const row of shuffled) {
    await tx.query('insert into receipt_lookups (lookup_hash, request_id, key_salt, kind_box) values ($1, $2, $3, $4)', [row.lookup, requestId, row.keySalt, row.kindBox]);
  }
}

/**
 * Finds the request a typed code names, derives the code's key pair and reads the row's kind. Two
 * argon2id runs whatever the code is (the receipt, the duress code, or a code that finds nothing:
 * its key pair is derived with a throwaway salt), done outside any transaction so a slow
 * derivation never holds the database. Null for any code that finds nothing.
 */
export async function holderOfCode(db: Db, typed: string): Promise<CodeHolder | null> {
  const code = normaliseReceipt(typed);
  if (!code) return null;
  const lookup = await receiptLookup(code, (await instanceKeys(db)).receiptSalt);
  const [row] = await db.query<{ request_id: string; key_salt: Uint8Array; kind_box: Uint8Array }>(
    'select request_id, key_salt, kind_box from receipt_lookups where lookup_hash = $1',
    [lookup],
  );
  const keys = await receiptKeyPair(code, row?.key_salt ?? newReceiptKeySalt());
  if (!row) return null;
  const kind = openLookupKind(row.kind_box, keys);
  return kind ? { requestId: row.request_id, keys, kind, lookup } : null;
}

/** Forgets every code of a request, when it is erased. */
export async function forgetLookups(tx: Queryable, requestId: string): Promise<void> {
  await tx.query('delete from receipt_lookups where request_id = $1', [requestId]);
}

/** Turns one row into a filler: its code finds nothing any more, and the request keeps two rows. */
export async function retireLookup(tx: Queryable, lookup: Uint8Array): Promise<void> {
  const filler = fillerLookup();
  await tx.query('update receipt_lookups set lookup_hash = $2, key_salt = $3, kind_box = $4 where lookup_hash = $1', [lookup, filler.lookup, filler.keySalt, filler.kindBox]);
}
