import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Queryable } from '../db/client.ts';
import {
  decryptBytes,
  deriveKey,
  encryptBytes,
  generateKeyPair,
  randomBytes,
  type KeyPair,
} from '../crypto/primitives.ts';
import type { Lang } from '../i18n/lang.ts';
import { appendAudit } from '../audit/log.ts';
import { dropGrantsOnKeyReset } from '../crypto/vaults.ts';
import { isRole, type Role } from './roles.ts';

export type User = {
  id: string;
  login: string;
  displayName: string;
  roles: Role[];
  language: Lang;
  active: boolean;
  publicKey: Uint8Array;
  totpEnrolled: boolean;
};

type UserRow = {
  id: string;
  login: string;
  display_name: string;
  roles: string[];
  language: Lang;
  active: boolean;
  public_key: Uint8Array;
  totp_secret_sealed: Uint8Array | null;
};

const COLUMNS = 'id, login, display_name, roles, language, active, public_key, totp_secret_sealed';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    roles: row.roles.filter(isRole),
    language: row.language,
    active: row.active,
    publicKey: row.public_key,
    totpEnrolled: row.totp_secret_sealed !== null,
  };
}

const privateKeyPlace = (userId: string) => ({ table: 'users', row: userId, field: 'private_key' });

export type NewUser = { login: string; displayName: string; roles: Role[]; language: Lang; password: string };

/** Creates a staff account with a fresh key pair whose private half only the password opens. */
export async function insertUser(tx: Queryable, input: NewUser): Promise<User> {
  const id = randomUUID();
  const keys = generateKeyPair();
  const keySalt = randomBytes(16);
  const privateKeyBox = encryptBytes(await deriveKey(input.password, keySalt), keys.privateKey, privateKeyPlace(id));
  const [row] = await tx.query<UserRow>(
    `insert into users (id, login, display_name, roles, language, password_hash, public_key, private_key_box, key_salt)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
    [id, input.login, input.displayName, input.roles, input.language, await hash(input.password), keys.publicKey, privateKeyBox, keySalt],
  );
  return toUser(row!);
}

/**
 * Replaces a user's password and key pair (a forgotten password). Their old grants can no longer
 * be opened, so they are removed (and remembered as lost); a colleague or the recovery shares
 * grant the vaults again. Answers how many grants were lost.
 */
export async function resetUserKeys(tx: Queryable, actorUserId: string | null, userId: string, password: string): Promise<number> {
  const keys = generateKeyPair();
  const keySalt = randomBytes(16);
  const privateKeyBox = encryptBytes(await deriveKey(password, keySalt), keys.privateKey, privateKeyPlace(userId));
  await tx.query(
    `update users set password_hash = $2, public_key = $3, private_key_box = $4, key_salt = $5,
       totp_secret_sealed = null, totp_last_step = 0, failed_logins = 0, locked_until = null where id = $1`,
    [userId, await hash(password), keys.publicKey, privateKeyBox, keySalt],
  );
  const lost = await dropGrantsOnKeyReset(tx, userId);
  await tx.query('delete from sessions where user_id = $1', [userId]);
  await appendAudit(tx, actorUserId, { kind: 'user.keys_reset', userId });
  return lost;
}

export async function findUserById(tx: Queryable, id: string): Promise<User | null> {
  const [row] = await tx.query<UserRow>(`select ${COLUMNS} from users where id = $1`, [id]);
  return row ? toUser(row) : null;
}

export async function findUserByLogin(tx: Queryable, login: string): Promise<User | null> {
  const [row] = await tx.query<UserRow>(`select ${COLUMNS} from users where login = $1`, [login.trim().toLowerCase()]);
  return row ? toUser(row) : null;
}

/** Colleagues' names by id, for showing who did what. */
export async function displayNames(tx: Queryable, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query<{ id: string; display_name: string }>('select id, display_name from users where id = any($1)', [ids]);
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

export async function listUsers(tx: Queryable): Promise<User[]> {
  const rows = await tx.query<UserRow>(`select ${COLUMNS} from users order by active desc, display_name`);
  return rows.map(toUser);
}

/** Active staff holding a role, with their public keys: who new help requests are sealed to. */
export async function activeUsersWithRole(tx: Queryable, role: Role): Promise<User[]> {
  const rows = await tx.query<UserRow>(`select ${COLUMNS} from users where active and $1 = any(roles) order by display_name`, [role]);
  return rows.map(toUser);
}

export async function administratorExists(tx: Queryable): Promise<boolean> {
  const rows = await tx.query("select 1 from users where active and 'administrator' = any(roles) limit 1");
  return rows.length > 0;
}

/** A hash of nothing in particular, so an unknown login costs as much time as a known one. */
const decoy = hash('beside-decoy-password');

/** Checks a password; on success also opens the user's private key with it. */
export async function checkPassword(tx: Queryable, login: string, password: string): Promise<{ user: User | null; keys: KeyPair | null }> {
  const [row] = await tx.query<UserRow & { password_hash: string; private_key_box: Uint8Array; key_salt: Uint8Array }>(
    `select ${COLUMNS}, password_hash, private_key_box, key_salt from users where login = $1`,
    [login.trim().toLowerCase()],
  );
  if (!row) {
    await verify(await decoy, password).catch(() => false);
    return { user: null, keys: null };
  }
  const user = toUser(row);
  if (!(await verify(row.password_hash, password))) return { user, keys: null };
  const privateKey = decryptBytes(await deriveKey(password, row.key_salt), row.private_key_box, privateKeyPlace(row.id));
  return { user, keys: { publicKey: row.public_key, privateKey } };
}

export async function setLanguage(tx: Queryable, userId: string, language: Lang): Promise<void> {
  await tx.query('update users set language = $2 where id = $1', [userId, language]);
}
