import { combine, split } from 'shamir-secret-sharing';
import { generateKeyPair, publicKeyOf, sameBytes, type KeyPair } from './primitives.ts';

/**
 * The organisation's recovery key: its private half is split into shares (Shamir's secret
 * sharing) at initialisation and never stored. A share is printed as groups of hex digits.
 */
export type RecoveryKey = { publicKey: Uint8Array; shares: string[] };

export async function createRecoveryKey(shareCount: number, threshold: number): Promise<RecoveryKey> {
  const pair = generateKeyPair();
  const parts = await split(pair.privateKey, shareCount, threshold);
  pair.privateKey.fill(0);
  return { publicKey: pair.publicKey, shares: parts.map(formatShare) };
}

function formatShare(share: Uint8Array): string {
  return (Buffer.from(share).toString('hex').match(/.{1,4}/g) ?? []).join('-');
}

export function parseShare(text: string): Uint8Array {
  const hex = text.replace(/[^0-9a-f]/gi, '');
  if (hex.length !== 66) throw new Error('A recovery share has 66 hexadecimal digits.');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Rebuilds the recovery key pair from enough shares, and checks it against the known public half. */
export async function combineShares(shares: string[], expectedPublicKey: Uint8Array): Promise<KeyPair> {
  const privateKey = await combine(shares.map(parseShare));
  const publicKey = publicKeyOf(privateKey);
  if (!sameBytes(publicKey, expectedPublicKey)) {
    privateKey.fill(0);
    throw new Error('These shares do not rebuild the recovery key.');
  }
  return { publicKey, privateKey };
}
