import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import type { Translate } from '../i18n/index.ts';
import { route, SIGNING_IN } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { ErrorSummary, emptyForm, formValues, type FormState } from '../web/forms.tsx';
import { notFound } from '../web/errors.ts';
import { AccountFieldset, accountErrors, accountSchema, type AccountFields } from './account-form.tsx';
import { AlreadyInitialised, initialise, isInitialised, setupTokenValid } from './initialise.ts';
import { LoginTaken, acceptInvite, findInvite, type Invite, type InviteState } from './invites.ts';
import { registerShares, SHARES_PAGE_PATH } from './shares-page.tsx';
import { keepShares, SHARES_KEPT_MS } from './recovery-shares.ts';
import { writeSharesCookie } from './cookie.ts';
import type { Role } from './roles.ts';


function AccountPage(props: {
  c: Context<AppEnv>;
  title: string;
  intro: string;
  submit: string;
  form: FormState<AccountFields>;
  notice?: string;
  children?: Child;
}) {
  const t = props.c.get('t');
  return (
    <>
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      {props.children}
      {props.notice && (
        <p class="error" role="alert">
          {props.notice}
        </p>
      )}
      <ErrorSummary errors={props.form.errors} title={t('web.formErrors')} />
      {/* The language chosen on the way in stays for the answer (and the shares page after it). */}
      <form method="post" action={`${props.c.req.path}?lang=${props.c.get('lang')}`}>
        <AccountFieldset t={t} form={props.form} lang={props.c.get('lang')} />
        <div class="actions">
          <button type="submit">{props.submit}</button>
        </div>
      </form>
    </>
  );
}

function RoleList(props: { t: Translate; roles: Role[] }) {
  return (
    <ul data-roles>
      {props.roles.map((role) => (
        <li>{props.t(`auth.role.${role}`)}</li>
      ))}
    </ul>
  );
}

/** The invitation page for a link that works: which roles it gives, then the account's fields. */
function invitationPage(c: Context<AppEnv>, invite: Invite, form: FormState<AccountFields>, status: 200 | 400 = 200, notice?: string) {
  const t = c.get('t');
  return staffPage(c,
    t('auth.invite.title'),
    <AccountPage c={c} title={t('auth.invite.title')} intro={t('auth.invite.intro')} submit={t('auth.invite.submit')} form={form} notice={notice}>
      <p>{t('auth.invite.gives')}</p>
      <RoleList t={t} roles={invite.roles} />
    </AccountPage>,
    status,
  );
}

const REFUSALS = { used: 'auth.invite.used', revoked: 'auth.invite.revoked', expired: 'auth.invite.expired' } as const;

/** A link that no longer works says why, and gives nothing: no form, no roles. */
function invitationRefused(c: Context<AppEnv>, state: InviteState | undefined) {
  const t = c.get('t');
  const message = state && state !== 'open' ? t(REFUSALS[state]) : t('auth.invite.invalid');
  return staffPage(c,
    t('auth.invite.title'),
    <>
      <h1>{t('auth.invite.title')}</h1>
      <p class="error">{message}</p>
      {state === 'used' && (
        <p>
          <a href="/staff/login">{t('auth.ready.go')}</a>
        </p>
      )}
    </>,
    404,
  );
}

function ReadyPage(props: { t: Translate; roles: Role[] }) {
  const { t } = props;
  return (
    <>
      <h1>{t('auth.ready.title')}</h1>
      <p class="ok" role="status">
        {t('auth.ready.roles')}
      </p>
      <RoleList t={t} roles={props.roles} />
      <h2>{t('auth.ready.next')}</h2>
      <ol>
        <li>{t('auth.ready.app')}</li>
        <li>{t('auth.ready.login')}</li>
        <li>{t('auth.ready.enrol')}</li>
      </ol>
      {props.roles.includes('coordinator') && <p>{t('auth.ready.coordinator')}</p>}
      <p class="actions">
        <a class="button" href="/staff/login">
          {t('auth.ready.go')}
        </a>
      </p>
    </>
  );
}

/**
 * A used setup link is where Back from the shares page lands: it says the link works no more and
 * leads back to the shares, which that page shows only to the browser that holds their cookie.
 */
function setupDone(c: Context<AppEnv>) {
  const t = c.get('t');
  return staffPage(c,
    t('auth.setup.title'),
    <>
      <h1>{t('auth.setup.title')}</h1>
      <p class="error">{t('auth.setup.invalid')}</p>
      <p>
        <a href={`${SHARES_PAGE_PATH}?lang=${c.get('lang')}`}>{t('auth.setup.backToShares')}</a>
      </p>
    </>,
    404,
  );
}

export function registerSetup(app: App): void {
  route(app, 'GET', '/staff/setup/:token', SIGNING_IN, async (c) => {
    const t = c.get('t');
    const { db } = c.get('deps');
    if (!(await setupTokenValid(db, (c.req.param('token') ?? '')))) {
      if (await isInitialised(db)) return setupDone(c);
      throw notFound();
    }
    return staffPage(c,
      t('auth.setup.title'),
      <AccountPage c={c} title={t('auth.setup.title')} intro={t('auth.setup.intro')} submit={t('auth.setup.submit')} form={emptyForm()} />,
    );
  });

  route(app, 'POST', '/staff/setup/:token', SIGNING_IN, async (c) => {
    const t = c.get('t');
    const { db } = c.get('deps');
    if (!(await setupTokenValid(db, (c.req.param('token') ?? '')))) throw notFound();
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = accountSchema.safeParse(values);
    if (!parsed.success) {
      const form = { values, errors: accountErrors(parsed.error, t) };
      return staffPage(c, t('auth.setup.title'), <AccountPage c={c} title={t('auth.setup.title')} intro={t('auth.setup.intro')} submit={t('auth.setup.submit')} form={form} />, 400);
    }
    try {
      // Post/redirect/get: the shares page can be reloaded, or come back to with Back, until the
      // shares are confirmed; re-posting this form (its token used) would show them no more.
      let cookie = '';
      await initialise(db, parsed.data, undefined, undefined, async (tx, made) => {
        cookie = await keepShares(tx, { shares: made.shares, threshold: made.threshold, createdAt: new Date() });
      });
      writeSharesCookie(c, cookie, SHARES_KEPT_MS / 1000);
      return c.redirect(`${SHARES_PAGE_PATH}?lang=${c.get('lang')}`, 303);
    } catch (error) {
      if (error instanceof AlreadyInitialised) throw notFound();
      throw error;
    }
  });

  route(app, 'GET', '/staff/invite/:token', SIGNING_IN, async (c) => {
    const invite = await findInvite(dbOf(c), c.req.param('token') ?? '');
    if (invite?.state !== 'open') return invitationRefused(c, invite?.state);
    return invitationPage(c, invite, emptyForm());
  });

  route(app, 'POST', '/staff/invite/:token', SIGNING_IN, async (c) => {
    const t = c.get('t');
    const token = c.req.param('token') ?? '';
    const invite = await findInvite(dbOf(c), token);
    if (invite?.state !== 'open') return invitationRefused(c, invite?.state);
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = accountSchema.safeParse(values);
    if (!parsed.success) return invitationPage(c, invite, { values, errors: accountErrors(parsed.error, t) }, 400);
    try {
      const user = await acceptInvite(dbOf(c), token, parsed.data);
      // Used, revoked or expired between the look above and now.
      if (!user) return invitationRefused(c, (await findInvite(dbOf(c), token))?.state);
      return c.redirect(`/staff/invite/${encodeURIComponent(token)}/ready`, 303);
    } catch (error) {
      if (error instanceof LoginTaken) return invitationPage(c, invite, { values, errors: { login: t('auth.invite.taken') } }, 400);
      throw error;
    }
  });

  /** Where the person lands once their account exists: it says so, and what comes next. */
  route(app, 'GET', '/staff/invite/:token/ready', SIGNING_IN, async (c) => {
    const invite = await findInvite(dbOf(c), c.req.param('token') ?? '');
    if (invite?.state !== 'used') throw notFound();
    const t = c.get('t');
    return staffPage(c, t('auth.ready.title'), <ReadyPage t={t} roles={invite.roles} />);
  });

  registerShares(app);
}
