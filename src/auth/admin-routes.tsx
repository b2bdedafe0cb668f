import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { Csrf, staffPage } from '../web/layout.tsx';
import { Field, describedBy, formValues, textOf } from '../web/forms.tsx';
import { notFound } from '../web/errors.ts';
import { formatDateTime } from '../i18n/index.ts';
import { registerAuditPage } from '../audit/audit-page.tsx';
import { dbOf } from '../web/context.ts';
import { staffOf } from './access.ts';
import { ROLES, isRole, type Role } from './roles.ts';
import { listUsers } from './users.ts';
import { INVITE_DAYS, inviteUser, listPendingInvites, revokeInvite } from './invites.ts';
import { deactivateUser } from './deactivate-user.ts';
import { TableRegion } from '../web/table-region.tsx';

const NOTE_MAX = 200;

const inviteForm = z.object({
  roles: z.array(z.string()).transform((roles) => roles.filter(isRole)).pipe(z.array(z.enum(ROLES)).min(1)),
  // Whom the invitation is for, in the administrator's words; blank is allowed.
  note: z
    .string()
    .trim()
    .max(NOTE_MAX)
    .transform((note) => note || null),
});

type InviteInput = { note?: string; noteError?: string };

async function UsersPage(c: Context<AppEnv>, notice?: Child, input: InviteInput = {}) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const users = await listUsers(dbOf(c));
  const invites = await listPendingInvites(dbOf(c));
  const roleName = (role: Role) => t(`auth.role.${role}`);
  return staffPage(c,
    t('auth.users.title'),
    <>
      <h1>{t('auth.users.title')}</h1>
      {notice}
      <TableRegion label={t('auth.users.title')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('auth.users.name')}</th>
              <th scope="col">{t('auth.users.login')}</th>
              <th scope="col">{t('auth.users.roles')}</th>
              <th scope="col">{t('auth.users.state')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('auth.users.actions')}</span>
              </th>
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
      </TableRegion>
      <h2>{t('auth.invites.title')}</h2>
      {invites.length === 0 ? (
        <p data-no-invites>{t('auth.invites.none')}</p>
      ) : (
        <TableRegion label={t('auth.invites.title')}>
          <table data-invites>
            <thead>
              <tr>
                <th scope="col">{t('auth.invites.for')}</th>
                <th scope="col">{t('auth.users.roles')}</th>
                <th scope="col">{t('auth.invites.expires')}</th>
                <th scope="col">{t('auth.invites.by')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('auth.users.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invites.map((invite) => (
                <tr data-invite={invite.id}>
                  <td>{invite.note ?? <span class="meta">{t('auth.invites.noNote')}</span>}</td>
                  <td>{invite.roles.map(roleName).join(', ')}</td>
                  <td>{formatDateTime(lang, invite.expiresAt)}</td>
                  <td>{invite.invitedBy}</td>
                  <td>
                    <form method="post" action={`/staff/users/invites/${invite.id}/revoke`} class="inline">
                      <Csrf staff={me} />
                      <button type="submit" class="secondary">
                        {t('auth.invites.revoke')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <h2>{t('auth.users.invite')}</h2>
      <form method="post" action="/staff/users/invite">
        <Csrf staff={me} />
        <Field name="note" label={t('auth.users.inviteNote')} hint={t('auth.users.inviteNoteHint')} error={input.noteError}>
          <input
            id="note"
            name="note"
            type="text"
            maxlength={NOTE_MAX}
            autocomplete="off"
            value={input.note ?? ''}
            aria-invalid={input.noteError ? 'true' : undefined}
            aria-describedby={describedBy('note', true, input.noteError)}
          />
        </Field>
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
    const note = textOf(values.note);
    const parsed = inviteForm.safeParse({ roles: [values.roles ?? []].flat(), note });
    if (!parsed.success) {
      const noteError = parsed.error.issues.some((issue) => issue.path[0] === 'note') ? t('auth.users.inviteNoteError') : undefined;
      const rolesMissing = parsed.error.issues.some((issue) => issue.path[0] === 'roles');
      return UsersPage(c, rolesMissing ? <p class="error" role="alert">{t('auth.users.pickRole')}</p> : undefined, { note, noteError });
    }
    const token = await dbOf(c).transaction((tx) => inviteUser(tx, staffOf(c).userId, parsed.data.roles, parsed.data.note));
    const link = new URL(`/staff/invite/${token}`, c.get('deps').config.publicUrl).toString();
    return UsersPage(
      c,
      <div class="notice" role="status">
        <p>{t('auth.users.inviteLink', { days: INVITE_DAYS })}</p>
        <p>
          <code data-invite-link>{link}</code>
        </p>
      </div>,
    );
  });

  route(app, 'POST', '/staff/users/invites/:id/revoke', staff('administrator'), async (c) => {
    const id = c.req.param('id') ?? '';
    if (!z.uuid().safeParse(id).success) throw notFound();
    const done = await dbOf(c).transaction((tx) => revokeInvite(tx, staffOf(c).userId, id));
    if (!done) throw notFound();
    return UsersPage(c, <p class="ok" role="status">{c.get('t')('auth.invites.revoked')}</p>);
  });

  route(app, 'POST', '/staff/users/:id/deactivate', staff('administrator'), async (c) => {
    const id = (c.req.param('id') ?? '');
    if (!z.uuid().safeParse(id).success) throw notFound();
    const done = await deactivateUser(dbOf(c), staffOf(c).userId, id);
    if (!done) throw notFound();
    return UsersPage(c, <p class="ok" role="status">{c.get('t')('auth.users.deactivated')}</p>);
  });

  registerAuditPage(app);
}
