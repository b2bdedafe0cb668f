import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { Csrf, staffPage } from '../web/layout.tsx';
import { formValues } from '../web/forms.tsx';
import { notFound } from '../web/errors.ts';
import { formatDateTime } from '../i18n/index.ts';
import { listAudit, verifyAudit } from '../audit/log.ts';
import { isAuditKind } from '../audit/events.ts';
import { dbOf } from '../web/context.ts';
import { staffOf } from './access.ts';
import { ROLES, isRole, type Role } from './roles.ts';
import { listUsers } from './users.ts';
import { inviteUser } from './invites.ts';
import { deactivateUser } from './deactivate-user.ts';

const inviteForm = z.object({ roles: z.array(z.string()).transform((roles) => roles.filter(isRole)).pipe(z.array(z.enum(ROLES)).min(1)) });


async function UsersPage(c: Context<AppEnv>, notice?: Child) {
  const t = c.get('t');
  const me = staffOf(c);
  const users = await listUsers(dbOf(c));
  const roleName = (role: Role) => t(`auth.role.${role}`);
  return staffPage(c,
    t('auth.users.title'),
    <>
      <h1>{t('auth.users.title')}</h1>
      {notice}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('auth.users.name')}</th>
              <th scope="col">{t('auth.users.login')}</th>
              <th scope="col">{t('auth.users.roles')}</th>
              <th scope="col">{t('auth.users.state')}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr>
                <td>{user.displayName}</td>
                <td>{user.login}</td>
                <td>{user.roles.map(roleName).join(', ')}</td>
                <td>
                  {user.active ? t('auth.users.active') : t('auth.users.inactive')}
                  {user.active && !user.totpEnrolled && <span class="meta"> · {t('auth.users.noTotp')}</span>}
                </td>
                <td>
                  {user.active && user.id !== me.userId && (
                    <form method="post" action={`/staff/users/${user.id}/deactivate`} class="inline">
                      <Csrf staff={me} />
                      <button type="submit" class="secondary">
                        {t('auth.users.deactivate')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t('auth.users.invite')}</h2>
      <form method="post" action="/staff/users/invite">
        <Csrf staff={me} />
        <fieldset>
          <legend>{t('auth.users.roles')}</legend>
          {ROLES.map((role) => (
            <label class="choice">
              <input type="checkbox" name="roles" value={role} /> {roleName(role)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('auth.users.inviteSubmit')}</button>
      </form>
    </>,
  );
}

export function registerAdmin(app: App): void {
  route(app, 'GET', '/staff/users', staff('administrator'), (c) => UsersPage(c));

  route(app, 'POST', '/staff/users/invite', staff('administrator'), async (c) => {
    const t = c.get('t');
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = inviteForm.safeParse({ roles: [values.roles ?? []].flat() });
    if (!parsed.success) return UsersPage(c, <p class="error" role="alert">{t('auth.users.pickRole')}</p>);
    const token = await dbOf(c).transaction((tx) => inviteUser(tx, staffOf(c).userId, parsed.data.roles));
    const link = new URL(`/staff/invite/${token}`, c.get('deps').config.publicUrl).toString();
    return UsersPage(
      c,
      <div class="notice" role="status">
        <p>{t('auth.users.inviteLink')}</p>
        <p>
          <code data-invite-link>{link}</code>
        </p>
      </div>,
    );
  });

  route(app, 'POST', '/staff/users/:id/deactivate', staff('administrator'), async (c) => {
    const id = (c.req.param('id') ?? '');
    if (!z.uuid().safeParse(id).success) throw notFound();
    const done = await deactivateUser(dbOf(c), staffOf(c).userId, id);
    if (!done) throw notFound();
    return UsersPage(c, <p class="ok" role="status">{c.get('t')('auth.users.deactivated')}</p>);
  });

  route(app, 'GET', '/staff/audit', staff('administrator'), async (c) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const db = dbOf(c);
    const verdict = await verifyAudit(db);
    const entries = await listAudit(db, 200);
    const names = new Map((await listUsers(db)).map((user) => [user.id, user.displayName]));
    return staffPage(c,
      t('auth.audit.title'),
      <>
        <h1>{t('auth.audit.title')}</h1>
        {verdict.problems.length === 0 ? (
          <p class="ok" role="status">{t('auth.audit.ok', { count: verdict.entries })}</p>
        ) : (
          <p class="error" role="alert">{t('auth.audit.broken', { count: verdict.problems.length })}</p>
        )}
        {verdict.head && (
          <p data-audit-head>
            {t('auth.audit.head', { count: verdict.entries, n: verdict.head.seq })} <code>{verdict.head.hash}</code>
            <br />
            <small class="meta">{t('auth.audit.anchor')}</small>
          </p>
        )}
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('auth.audit.when')}</th>
                <th scope="col">{t('auth.audit.who')}</th>
                <th scope="col">{t('auth.audit.what')}</th>
                <th scope="col">{t('auth.audit.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr>
                  <td>{entry.seq}</td>
                  <td>{formatDateTime(lang, entry.at)}</td>
                  <td>{entry.actorUserId ? (names.get(entry.actorUserId) ?? entry.actorUserId) : '—'}</td>
                  <td>
                    {isAuditKind(entry.kind) ? t(`audit.kind.${entry.kind}`) : entry.kind} <code class="meta">{entry.kind}</code>
                  </td>
                  <td class="meta">{entry.subjectId ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>,
    );
  });
}
