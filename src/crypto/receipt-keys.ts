import { deriveKey, keyPairFromSeed, randomBytes, type KeyPair } from './primitives.ts';
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
