import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { hashToken as sha256, randomToken } from '../crypto/tokens.ts';
import type { Lang } from '../i18n/lang.ts';
import { isRole, type Role } from './roles.ts';
import { insertUser, type User } from './users.ts';
import { isUniqueViolation } from '../web/errors.ts';

/** How long an invitation link works. */
export const INVITE_DAYS = 7;

/**
 * Creates a one-time invitation link's token; only its hash is stored. The note says whom it is
 * for, for the administrators' list: it stays out of the audit entry, which holds ids and roles.
 */
export async function inviteUser(tx: Queryable, actorUserId: string, roles: Role[], note: string | null = null): Promise<string> {
  const token = randomToken();
  const [row] = await tx.query<{ id: string }>(
    `insert into invites (token_hash, roles, created_by, expires_at, note) values ($1, $2, $3, now() + make_interval(days => $4::int), $5) returning id`,
    [sha256(token), roles, actorUserId, INVITE_DAYS, note],
  );
  await appendAudit(tx, actorUserId, { kind: 'user.invited', inviteId: row!.id, roles });
  return token;
}

export type InviteState = 'open' | 'used' | 'revoked' | 'expired';
export type Invite = { id: string; roles: Role[]; state: InviteState };

/** The invitation a link names, and whether it still works; null for a link that never existed. */
export async function findInvite(tx: Queryable, token: string): Promise<Invite | null> {
  const [row] = await tx.query<{ id: string; roles: string[]; state: InviteState }>(
    `select id, roles, case when used_at is not null then 'used' when revoked_at is not null then 'revoked'
       when expires_at <= now() then 'expired' else 'open' end as state
     from invites where token_hash = $1`,
    [sha256(token)],
  );
  return row ? { id: row.id, roles: row.roles.filter(isRole), state: row.state } : null;
}

export async function findOpenInvite(tx: Queryable, token: string): Promise<Invite | null> {
  const invite = await findInvite(tx, token);
  return invite?.state === 'open' ? invite : null;
}

/** What the administrators' list shows of an invitation still waiting: never its token. */
export type PendingInvite = { id: string; note: string | null; roles: Role[]; expiresAt: Date; invitedBy: string };

export async function listPendingInvites(tx: Queryable): Promise<PendingInvite[]> {
  const rows = await tx.query<{ id: string; note: string | null; roles: string[]; expires_at: Date; invited_by: string }>(
    `select i.id, i.note, i.roles, i.expires_at, u.display_name as invited_by from invites i join users u on u.id = i.created_by
     where i.used_at is null and i.revoked_at is null and i.expires_at > now() order by i.expires_at`,
  );
  return rows.map((row) => ({ id: row.id, note: row.note, roles: row.roles.filter(isRole), expiresAt: row.expires_at, invitedBy: row.invited_by }));
}

/**
 * Revokes a waiting invitation: its link opens nothing from now on, and its note, no longer
 * needed, is erased. Revoking one already revoked changes nothing and answers true; a used,
 * expired or unknown one answers false.
 */
export async function revokeInvite(tx: Queryable, actorUserId: string, inviteId: string): Promise<boolean> {
  const revoked = await tx.query(
    `update invites set revoked_at = now(), revoked_by = $2, note = null
     where id = $1 and used_at is null and revoked_at is null and expires_at > now() returning id`,
    [inviteId, actorUserId],
  );
  if (revoked.length > 0) {
    await appendAudit(tx, actorUserId, { kind: 'user.invite_revoked', inviteId });
    return true;
  }
  return (await tx.query('select 1 from invites where id = $1 and revoked_at is not null', [inviteId])).length > 0;
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
      'select id, roles, created_by from invites where token_hash = $1 and used_at is null and revoked_at is null and expires_at > now() for update',
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
    // The note said whom the invitation was for; now the account says it.
    await tx.query('update invites set used_at = now(), note = null where id = $1', [invite.id]);
    await appendAudit(tx, invite.created_by, { kind: 'user.created', userId: user.id, roles: user.roles });
    return user;
  });
}
