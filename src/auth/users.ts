import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { keyIsAuthentic, trustNewKey, type Principal } from '../crypto/principals.ts';
import { newUserKeys, openUserKeys, spendUserKeyDerivation } from '../crypto/user-keys.ts';
import { KeyDerivationsBusy } from '../crypto/kdf-queue.ts';
import type { KeyPair } from '../crypto/vaults.ts';
import type { Lang } from '../i18n/lang.ts';
import { appendAudit } from '../audit/log.ts';
import { dropGrantsOnKeyReset } from '../crypto/vaults.ts';
import { isRole, type Role } from './roles.ts';
import { rejectEntitlement, tagUserEntitlement } from '../crypto/entitlements.ts';
import { lockEntitlement, retagUser, rowIsEntitled, type EntitlementRow } from './user-entitlements.ts';

export type User = {
  id: string;
  login: string;
  displayName: string;
  /** none when the row's entitlement tag fails: Beside acts on no role a database writer gave */
  roles: Role[];
  language: Lang;
  active: boolean;
  /** whether roles, activity and confirmation carry the tag Beside gave them (crypto/entitlements.ts) */
  entitled: boolean;
  /** an active coordinator a colleague confirmed, with a tag that verifies: new requests are sealed to them */
  confirmedCoordinator: boolean;
  publicKey: Uint8Array;
  /** the public key's tag under the instance secret: nothing is sealed to a key without it */
  keyTag: Uint8Array;
  totpEnrolled: boolean;
};

type UserRow = EntitlementRow & {
  login: string;
  display_name: string;
  language: Lang;
  public_key: Uint8Array;
  public_key_tag: Uint8Array | null;
  totp_secret_sealed: Uint8Array | null;
};

const COLUMNS =
  'id, login, display_name, roles, language, active, public_key, public_key_tag, totp_secret_sealed, coordinator_confirmed_by, coordinator_confirmed_at, entitlement_tag';

function toUser(row: UserRow): User {
  const entitled = rowIsEntitled(row);
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    roles: entitled ? row.roles.filter(isRole) : [],
    language: row.language,
    active: row.active,
    entitled,
    confirmedCoordinator: entitled && row.active && row.roles.includes('coordinator') && row.coordinator_confirmed_at !== null,
    publicKey: row.public_key,
    keyTag: row.public_key_tag ?? new Uint8Array(0),
    totpEnrolled: row.totp_secret_sealed !== null,
  };
}

/** The user as a principal vaults are sealed to; its key is checked before every seal. */
export function userPrincipal(user: Pick<User, 'id' | 'publicKey' | 'keyTag'>): Principal {
  return { kind: 'user', ref: user.id, publicKey: user.publicKey, tag: user.keyTag };
}

/** Whether the user's public key still carries the tag Beside gave it (a database writer cannot forge one). */
export function userKeyIsAuthentic(user: Pick<User, 'id' | 'publicKey' | 'keyTag'>): boolean {
  return keyIsAuthentic(userPrincipal(user));
}

export type NewUser = { login: string; displayName: string; roles: Role[]; language: Lang; password: string };

/** Creates a staff account with a fresh key pair whose private half only the password opens. */
export async function insertUser(tx: Queryable, input: NewUser): Promise<User> {
  const id = randomUUID();
  const keys = await newUserKeys(id, input.password);
  const entitlementTag = tagUserEntitlement({ userId: id, roles: input.roles, active: true, confirmedBy: null, confirmedAt: null });
  const [row] = await tx.query<UserRow>(
    `insert into users (id, login, display_name, roles, language, active, public_key, public_key_tag, private_key_box, key_salt, key_kdf, entitlement_tag)
     values ($1, $2, $3, $4, $5, true, $6, $7, $8, $9, $10, $11) returning ${COLUMNS}`,
    [id, input.login, input.displayName, input.roles, input.language, keys.publicKey, trustNewKey('user', id, keys.publicKey).tag, keys.privateKeyBox, keys.keySalt, keys.kdf, entitlementTag],
  );
  return toUser(row!);
}

/**
 * Replaces a user's password and key pair (a forgotten password). Their old grants can no longer
 * be opened, so they are removed (and remembered as lost); a colleague or the recovery shares
 * grant the vaults again. A coordinator is confirmed again by a colleague before new requests are
 * sealed to the new key: whoever ran the reset must not thereby become a reader. Answers how many
 * grants were lost.
 */
export async function resetUserKeys(tx: Queryable, actorUserId: string | null, userId: string, password: string): Promise<number> {
  const keys = await newUserKeys(userId, password);
  const before = await lockEntitlement(tx, userId);
  await tx.query(
    `update users set public_key = $2, public_key_tag = $3, private_key_box = $4, key_salt = $5, key_kdf = $6,
       totp_secret_sealed = null, totp_last_step = 0, failed_logins = 0, locked_until = null,
       coordinator_confirmed_at = null, coordinator_confirmed_by = null where id = $1`,
    [userId, keys.publicKey, trustNewKey('user', userId, keys.publicKey).tag, keys.privateKeyBox, keys.keySalt, keys.kdf],
  );
  // The withdrawn confirmation is an entitlement change: tagged anew, unless the row was forged.
  if (before?.entitled) await retagUser(tx, userId);
  const lost = await dropGrantsOnKeyReset(tx, userId);
  await tx.query('delete from sessions where user_id = $1', [userId]);
  await appendAudit(tx, actorUserId, { kind: 'user.keys_reset', userId });
  return lost;
}

/**
 * The one rule for acting on a user's entitlements: the user as stored, and when their tag fails,
 * an audited refusal and a user without roles or confirmation (User.roles is already empty). Use
 * it wherever a role or a confirmation decides what is sealed or allowed; actorUserId is whoever
 * is acting (the user themselves when they sign in).
 */
export async function verifiedUser(tx: Queryable, userId: string, actorUserId: string | null): Promise<User | null> {
  const user = await findUserById(tx, userId);
  if (user && !user.entitled) await rejectEntitlement(tx, actorUserId, { userId });
  return user;
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
  return rows.map(toUser).filter((user) => user.entitled);
}

export async function administratorExists(tx: Queryable): Promise<boolean> {
  const rows = await tx.query("select 1 from users where active and 'administrator' = any(roles) limit 1");
  return rows.length > 0;
}

/**
 * Checks a password by opening the user's private key with it: the one argon2id derivation at the
 * staff cost is the login check, so a stolen database offers no cheaper hash to test guesses
 * against. A login that names nobody costs the same derivation, so the time of the answer does not
 * tell whether the account exists.
 */
export async function checkPassword(tx: Queryable, login: string, password: string): Promise<{ user: User | null; keys: KeyPair | null }> {
  const [row] = await tx.query<UserRow & { private_key_box: Uint8Array; key_salt: Uint8Array; key_kdf: string }>(
    `select ${COLUMNS}, private_key_box, key_salt, key_kdf from users where login = $1`,
    [login.trim().toLowerCase()],
  );
  if (!row) {
    await spendUserKeyDerivation(password);
    return { user: null, keys: null };
  }
  const user = toUser(row);
  const keys = await openUserKeys(row.id, password, { publicKey: row.public_key, privateKeyBox: row.private_key_box, keySalt: row.key_salt, kdf: row.key_kdf }).catch(
    (error: unknown) => {
      // "Busy" is not a wrong password: it goes up, to be answered 503 and not counted.
      if (error instanceof KeyDerivationsBusy) throw error;
      return null;
    },
  );
  return { user, keys };
}

export async function setLanguage(tx: Queryable, userId: string, language: Lang): Promise<void> {
  await tx.query('update users set language = $2 where id = $1', [userId, language]);
}

/**
 * Gives every key that has no tag yet the instance secret's tag: done once, when an installation
 * from before tags first gets its secret (trust on first use, at the operator's upgrade).
 */
export async function tagUntaggedUserKeys(tx: Queryable): Promise<number> {
  const rows = await tx.query<{ id: string; public_key: Uint8Array }>('select id, public_key from users where public_key_tag is null');
  for (const row of rows) {
    await tx.query('update users set public_key_tag = $2 where id = $1', [row.id, trustNewKey('user', row.id, row.public_key).tag]);
  }
  return rows.length;
}

/**
 * Active coordinators whom a confirmed colleague (or the installation, for the first
 * administrator) has confirmed: who new help requests are sealed to. An unconfirmed coordinator
 * can log in but receives nothing, so an administrator cannot make themselves a reader; a row
 * whose entitlement tag fails (a confirmation written into the database) is left out and audited.
 */
export async function confirmedCoordinators(tx: Queryable, actorUserId: string | null = null): Promise<User[]> {
  const rows = await tx.query<UserRow>(
    `select ${COLUMNS} from users
     where active and 'coordinator' = any(roles) and coordinator_confirmed_at is not null order by display_name`,
  );
  const users = rows.map(toUser);
  for (const user of users) if (!user.entitled) await rejectEntitlement(tx, actorUserId, { userId: user.id });
  return users.filter((user) => user.confirmedCoordinator);
}

export async function isConfirmedCoordinator(tx: Queryable, userId: string, actorUserId: string | null = userId): Promise<boolean> {
  return (await verifiedUser(tx, userId, actorUserId))?.confirmedCoordinator ?? false;
}
