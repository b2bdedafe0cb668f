import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { Queryable } from '../db/client.ts';
import { openOwnSealed, sealToOwnKey } from '../crypto/user-keys.ts';
import type { KeyPair } from '../crypto/vaults.ts';

const PERIOD = 30;

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totpFor(secret: string, label = 'Beside', issuer = 'Beside') {
  return new OTPAuth.TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** The QR code an authenticator app scans, drawn by our server as inline SVG. */
export async function totpQrSvg(secret: string, label: string, issuer: string): Promise<string> {
  return QRCode.toString(totpFor(secret, label, issuer).toString(), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** Whether the text is a code at all: six digits, spaces allowed (apps show "123 456"). */
export function isCodeShaped(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''));
}

/** The time step a code is valid for (±1 step for clock drift), or null. */
export function matchTotp(secret: string, code: string, now = Date.now()): number | null {
  if (!isCodeShaped(code)) return null;
  const token = code.replace(/\s/g, '');
  const delta = totpFor(secret).validate({ token, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

/** Stores the secret sealed to the user's own public key: only their password opens it again. */
export async function saveTotpSecret(tx: Queryable, userId: string, publicKey: Uint8Array, secret: string, step: number) {
  await tx.query('update users set totp_secret_sealed = $2, totp_last_step = $3 where id = $1', [
    userId,
    sealToOwnKey(publicKey, secret),
    step,
  ]);
}

/**
 * Checks a code at login. A code is accepted once: its step must be later than the last one
 * used, so a code read over someone's shoulder cannot be replayed.
 */
export async function verifyTotp(tx: Queryable, userId: string, keys: KeyPair, code: string, now = Date.now()): Promise<boolean> {
  const [row] = await tx.query<{ totp_secret_sealed: Uint8Array | null; totp_last_step: bigint }>(
    'select totp_secret_sealed, totp_last_step from users where id = $1 for update',
    [userId],
  );
  if (!row?.totp_secret_sealed) return false;
  const secret = openOwnSealed(keys, row.totp_secret_sealed);
  const step = matchTotp(secret, code, now);
  if (step === null || step <= Number(row.totp_last_step)) return false;
  await tx.query('update users set totp_last_step = $2 where id = $1', [userId, step]);
  return true;
}

/** For tests and the demo: the code an authenticator would show now. */
export function currentTotp(secret: string, now = Date.now()): string {
  return totpFor(secret).generate({ timestamp: now });
}
