import type { Queryable } from '../db/client.ts';
import { keyPairOf, openForSession, sealForSession } from '../crypto/session-box.ts';
import { hashToken, randomBytes, randomToken } from '../crypto/tokens.ts';
import type { KeyPair } from '../crypto/vaults.ts';

/**
 * Sessions (DESIGN.md): the row holds the user's private key encrypted with a secret that lives
 * only in the cookie, so neither a stolen database nor a stolen cookie alone opens anything, and
 * any server process can serve any session.
 */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

export type Stage = 'totp' | 'enrol' | 'active';

export type Session = {
  idHash: Uint8Array;
  userId: string;
  stage: Stage;
  keys: KeyPair;
  csrfToken: string;
  secret: Uint8Array;
  pendingTotpBox: Uint8Array | null;
};

/** Starts a session; the answer is the cookie's value, "id.secret", and is never stored. */
export async function startSession(tx: Queryable, userId: string, keys: KeyPair, stage: Stage): Promise<string> {
  const id = randomBytes(32);
  const secret = randomBytes(32);
  const idHash = hashToken(id);
  const keyBox = sealForSession(secret, idHash, 'key', keys.privateKey);
  await tx.query('insert into sessions (id_hash, user_id, key_box, stage, csrf_token) values ($1, $2, $3, $4, $5)', [
    idHash,
    userId,
    keyBox,
    stage,
    randomToken(),
  ]);
  return `${Buffer.from(id).toString('base64url')}.${Buffer.from(secret).toString('base64url')}`;
}

/** Reads an "id.secret" cookie value (a session's, or the kept recovery shares'); null if malformed. */
export function parseCookie(value: string): { idHash: Uint8Array; secret: Uint8Array } | null {
  const [id, secret, extra] = value.split('.');
  if (!id || !secret || extra !== undefined) return null;
  const idBytes = Buffer.from(id, 'base64url');
  const secretBytes = Buffer.from(secret, 'base64url');
  if (idBytes.length !== 32 || secretBytes.length !== 32) return null;
  return { idHash: hashToken(idBytes), secret: new Uint8Array(secretBytes) };
}

/**
 * Finds the session a cookie names and opens its key. An expired, unknown or tampered cookie
 * answers null (and an expired session is deleted).
 */
export async function resumeSession(tx: Queryable, cookie: string, now = new Date()): Promise<Session | null> {
  const parsed = parseCookie(cookie);
  if (!parsed) return null;
  const [row] = await tx.query<{
    user_id: string;
    key_box: Uint8Array;
    stage: Stage;
    csrf_token: string;
    pending_totp_box: Uint8Array | null;
    created_at: Date;
    last_seen_at: Date;
    active: boolean;
  }>(
    `select s.user_id, s.key_box, s.stage, s.csrf_token, s.pending_totp_box, s.created_at, s.last_seen_at, u.active
     from sessions s join users u on u.id = s.user_id where s.id_hash = $1`,
    [parsed.idHash],
  );
  if (!row) return null;
  const expired =
    now.getTime() - row.last_seen_at.getTime() > IDLE_TIMEOUT_MS || now.getTime() - row.created_at.getTime() > ABSOLUTE_TIMEOUT_MS;
  if (expired || !row.active) {
    await endSession(tx, parsed.idHash);
    return null;
  }
  let privateKey: Uint8Array;
  try {
    privateKey = openForSession(parsed.secret, parsed.idHash, 'key', row.key_box);
  } catch {
    return null; // the right id with a wrong secret: a forged cookie
  }
  if (now.getTime() - row.last_seen_at.getTime() > 30_000) {
    await tx.query('update sessions set last_seen_at = $2 where id_hash = $1', [parsed.idHash, now]);
  }
  return {
    idHash: parsed.idHash,
    userId: row.user_id,
    stage: row.stage,
    keys: keyPairOf(privateKey),
    csrfToken: row.csrf_token,
    secret: parsed.secret,
    pendingTotpBox: row.pending_totp_box,
  };
}

export async function setStage(tx: Queryable, session: Session, stage: Stage): Promise<void> {
  await tx.query('update sessions set stage = $2, pending_totp_box = null where id_hash = $1', [session.idHash, stage]);
}

/** Keeps a TOTP secret being enrolled between showing the QR code and checking the first code. */
export async function keepPendingTotp(tx: Queryable, session: Session, secret: string): Promise<void> {
  const box = sealForSession(session.secret, session.idHash, 'totp', new TextEncoder().encode(secret));
  await tx.query('update sessions set pending_totp_box = $2 where id_hash = $1', [session.idHash, box]);
}

export function pendingTotp(session: Session): string | null {
  if (!session.pendingTotpBox) return null;
  const bytes = openForSession(session.secret, session.idHash, 'totp', session.pendingTotpBox);
  return new TextDecoder().decode(bytes);
}

export async function endSession(tx: Queryable, idHash: Uint8Array): Promise<void> {
  await tx.query('delete from sessions where id_hash = $1', [idHash]);
}

export async function endUserSessions(tx: Queryable, userId: string): Promise<void> {
  await tx.query('delete from sessions where user_id = $1', [userId]);
}
