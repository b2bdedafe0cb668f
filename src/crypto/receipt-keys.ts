import { deriveKey, keyPairFromSeed, openSealed, randomBytes, seal, type KeyPair } from './primitives.ts';
import { inKeyDerivationQueue } from './kdf-queue.ts';

// Anyone can make the server derive these (a receipt typed on the status page), so they wait in
// the bounded queue: a flood of guesses gets "busy" instead of starving everyone else.

/** The argon2id hash that finds a request by its receipt, with the instance's salt. */
export function receiptLookup(receipt: string, instanceSalt: Uint8Array): Promise<Uint8Array> {
  return inKeyDerivationQueue(() => deriveKey(`lookup|${receipt}`, instanceSalt));
}

/** The receipt holder's key pair, derived from the receipt with the request's own salt. */
export async function receiptKeyPair(receipt: string, requestSalt: Uint8Array): Promise<KeyPair> {
  return keyPairFromSeed(await inKeyDerivationQueue(() => deriveKey(`key|${receipt}`, requestSalt)));
}

export function newReceiptKeySalt(): Uint8Array {
  return randomBytes(16);
}

/**
 * What a lookup row is: the receipt, or the duress code (src/help/receipt-lookups.ts). The kind is
 * sealed to the code's own key pair, so only someone who types the code learns it; both kinds are
 * one byte, so every box has the same length.
 */
export type LookupKind = 'receipt' | 'duress';
const KIND_BYTE: Record<LookupKind, number> = { receipt: 1, duress: 2 };
/** A sealed box of one byte: what a filler row's random box must measure too. */
export const LOOKUP_KIND_BOX_BYTES = 49;

export function sealLookupKind(kind: LookupKind, keys: KeyPair): Uint8Array {
  return seal(Uint8Array.of(KIND_BYTE[kind]), keys.publicKey);
}

/**
 * The kind of a row, or null when its box does not open with these keys (changed in the
 * database). An empty box is a receipt moved from before duress codes existed (migration 0012).
 */
export function openLookupKind(box: Uint8Array, keys: KeyPair): LookupKind | null {
  if (box.length === 0) return 'receipt';
  try {
    const [byte] = openSealed(box, keys);
    return byte === KIND_BYTE.duress ? 'duress' : byte === KIND_BYTE.receipt ? 'receipt' : null;
  } catch {
    return null;
  }
}

/** A row no code finds: random hash, salt and box, shaped like a real row. */
export function fillerLookup(): { lookup: Uint8Array; keySalt: Uint8Array; kindBox: Uint8Array } {
  return { lookup: randomBytes(32), keySalt: newReceiptKeySalt(), kindBox: randomBytes(LOOKUP_KIND_BOX_BYTES) };
}
