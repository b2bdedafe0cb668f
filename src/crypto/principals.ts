import { appendAudit } from '../audit/log.ts';
import type { Queryable } from '../db/client.ts';
import { keyTag } from './instance-secret.ts';
import { sameBytes } from './primitives.ts';

/**
 * A principal is whoever a vault's key may be sealed to. Kinds are open: staff users, the
 * recovery key and receipt holders today; hosts (through a placement), testimony identity holders
 * and others later, without a schema change. A principal's public key is only usable with its
 * tag: an HMAC under the instance secret, which lives outside the database. Someone who can
 * write to the database but not read that secret cannot make Beside seal to a key of theirs.
 */
export type PrincipalKind = 'user' | 'recovery' | 'receipt' | (string & { readonly __principalKind?: never });

export type Principal = {
  kind: PrincipalKind;
  /** the user id, the request id, 'organisation' for the recovery key, … */
  ref: string;
  publicKey: Uint8Array;
  tag: Uint8Array;
};

export const RECOVERY_REF = 'organisation';

/** Tags a key Beside just made or received itself (a new user, a receipt, the recovery key). */
export function trustNewKey(kind: PrincipalKind, ref: string, publicKey: Uint8Array): Principal {
  return { kind, ref, publicKey, tag: keyTag(kind, ref, publicKey) };
}

export function keyIsAuthentic(principal: Principal): boolean {
  return principal.tag.length === 32 && sameBytes(principal.tag, keyTag(principal.kind, principal.ref, principal.publicKey));
}

/**
 * Checks a principal read from the database before anything is sealed to it. A failed check is
 * a loud log line and an audit entry, and the caller gets false: nothing is sealed to that key.
 */
export async function checkPrincipal(tx: Queryable, principal: Principal, actorUserId: string | null): Promise<boolean> {
  if (keyIsAuthentic(principal)) return true;
  console.error(
    `[beside] SECURITY: refused to seal to a ${principal.kind} key that fails the instance secret's check (${principal.kind} ${principal.ref}). Someone may have changed it in the database.`,
  );
  await appendAudit(tx, actorUserId, { kind: 'key.rejected', principalKind: principal.kind, principalRef: principal.ref });
  return false;
}
