import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The stand-ins' TLS: a self-signed certificate for 127.0.0.1 (test/support/fixtures, made for
 * the tests and valid for a century; its key protects nothing), for SDKs that speak only https.
 */
export const STANDIN_TLS = {
  key: readFileSync(fileURLToPath(new URL('./fixtures/standin-key.pem', import.meta.url))),
  cert: readFileSync(fileURLToPath(new URL('./fixtures/standin-cert.pem', import.meta.url))),
};

/**
 * Lets this test process accept the stand-in's self-signed certificate until the returned
 * function restores the setting (call it in after()): Mollie's SDK pins its own CA bundle and has
 * no option to add one. Every address the process reaches in a test is on loopback.
 */
export function acceptStandinCertificate(): () => void {
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  const emit = process.emitWarning;
  // Node warns once that this setting is insecure; here it is meant, for loopback only.
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('NODE_TLS_REJECT_UNAUTHORIZED')) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  return () => {
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    process.emitWarning = emit;
  };
}
