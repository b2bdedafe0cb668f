import { deriveKey, keyPairFromSeed, randomBytes, type KeyPair } from './primitives.ts';

/** The argon2id hash that finds a request by its receipt, with the instance's salt. */
export function receiptLookup(receipt: string, instanceSalt: Uint8Array): Promise<Uint8Array> {
  return deriveKey(`lookup|${receipt}`, instanceSalt);
}

/** The receipt holder's key pair, derived from the receipt with the request's own salt. */
export async function receiptKeyPair(receipt: string, requestSalt: Uint8Array): Promise<KeyPair> {
  return keyPairFromSeed(await deriveKey(`key|${receipt}`, requestSalt));
}

export function newReceiptKeySalt(): Uint8Array {
  return randomBytes(16);
}
