import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { hashToken as sha256, randomToken } from '../crypto/tokens.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Role } from './roles.ts';
import { insertUser, type User } from './users.ts';
import { isUniqueViolation } from '../web/errors.ts';

const INVITE_DAYS = 7;

/** Creates a one-time invitation link's token; only its hash is stored. */
export async function inviteUser(tx: Queryable, actorUserId: string, roles: Role[]): Promise<string> {
  const token = randomToken();
  const [row] = await tx.query<{ id: string }>(
    `insert into invites (token_hash, roles, created_by, expires_at) values ($1, $2, $3, now() + interval '${INVITE_DAYS} days') returning id`,
    [sha256(token), roles, actorUserId],
  );
  await appendAudit(tx, actorUserId, { kind: 'user.invited', inviteId: row!.id, roles });
  return token;
}

export type Invite = { id: string; roles: Role[] };

export async function findOpenInvite(tx: Queryable, token: string): Promise<Invite | null> {
  const [row] = await tx.query<{ id: string; roles: Role[] }>(
    'select id, roles from invites where token_hash = $1 and used_at is null and expires_at > now()',
    [sha256(token)],
  );
  return row ?? null;
}

export class LoginTaken extends Error {}

/** Accepts an invitation: the account is created and the link is used up, together or not at all. */
export async function acceptInvite(
  db: Db,
  token: string,
  input: { login: string; displayName: string; password: string; language: Lang },
): Promise<User | null> {
  return db.transaction(async (tx) => {
    const [invite] = await tx.query<{ id: string; roles: Role[]; created_by: string }>(
      'select id, roles, created_by from invites where token_hash = $1 and used_at is null and expires_at > now() for update',
      [sha256(token)],
    );
    if (!invite) return null;
    const taken = await tx.query('select 1 from users where login = $1', [input.login]);
    if (taken.length > 0) throw new LoginTaken();
    // Two invitations accepted at once with one login both pass the check above; the unique
    // index decides, and the loser is told the login is taken.
    const user = await insertUser(tx, { ...input, roles: invite.roles }).catch((error: unknown) => {
      throw isUniqueViolation(error, 'users_login_key') ? new LoginTaken() : error;
    });
    await tx.query('update invites set used_at = now() where id = $1', [invite.id]);
    await appendAudit(tx, invite.created_by, { kind: 'user.created', userId: user.id, roles: user.roles });
    return user;
  });
}
