import type { Context } from 'hono';
import type { App, AppEnv } from '../web/context.ts';
import { route, SIGNING_IN } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { ErrorSummary, emptyForm, formValues, type FormState } from '../web/forms.tsx';
import { notFound } from '../web/errors.ts';
import { AccountFieldset, accountErrors, accountSchema, type AccountFields } from './account-form.tsx';
import { AlreadyInitialised, initialise, setupTokenValid } from './initialise.ts';
import { LoginTaken, acceptInvite, findOpenInvite } from './invites.ts';


function AccountPage(props: { c: Context<AppEnv>; title: string; intro: string; submit: string; form: FormState<AccountFields>; notice?: string }) {
  const t = props.c.get('t');
  return (
    <>
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      {props.notice && (
        <p class="error" role="alert">
          {props.notice}
        </p>
      )}
      <ErrorSummary errors={props.form.errors} title={t('web.formErrors')} />
      <form method="post" action={props.c.req.path}>
        <AccountFieldset t={t} form={props.form} lang={props.c.get('lang')} />
        <div class="actions">
          <button type="submit">{props.submit}</button>
        </div>
      </form>
    </>
  );
}

function SharesPage(props: { c: Context<AppEnv>; shares: string[]; threshold: number }) {
  const t = props.c.get('t');
  return (
    <>
      <h1>{t('auth.shares.title')}</h1>
      <p class="notice">{t('auth.shares.intro', { threshold: props.threshold, count: props.shares.length })}</p>
      <ol class="shares">
        {props.shares.map((share, index) => (
          <li>
            <strong>{t('auth.shares.share', { n: index + 1 })}</strong>
            <br />
            <code data-share>{share}</code>
          </li>
        ))}
      </ol>
      <p class="actions">
        <a class="button" href="/staff/login">
          {t('auth.shares.continue')}
        </a>
      </p>
    </>
  );
}

export function registerSetup(app: App): void {
  route(app, 'GET', '/staff/setup/:token', SIGNING_IN, async (c) => {
    const t = c.get('t');
    if (!(await setupTokenValid(c.get('deps').db, (c.req.param('token') ?? '')))) throw notFound();
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
      const result = await initialise(db, parsed.data);
      return staffPage(c, t('auth.shares.title'), <SharesPage c={c} shares={result.shares} threshold={result.threshold} />);
    } catch (error) {
      if (error instanceof AlreadyInitialised) throw notFound();
      throw error;
    }
  });

  route(app, 'GET', '/staff/invite/:token', SIGNING_IN, async (c) => {
    const t = c.get('t');
    if (!(await findOpenInvite(c.get('deps').db, (c.req.param('token') ?? '')))) {
      return staffPage(c, t('auth.invite.title'), <p class="error">{t('auth.invite.invalid')}</p>, 404);
    }
    return staffPage(c,
      t('auth.invite.title'),
      <AccountPage c={c} title={t('auth.invite.title')} intro={t('auth.invite.intro')} submit={t('auth.invite.submit')} form={emptyForm()} />,
    );
  });

  route(app, 'POST', '/staff/invite/:token', SIGNING_IN, async (c) => {
    const t = c.get('t');
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = accountSchema.safeParse(values);
    const show = (form: FormState<AccountFields>, notice?: string) =>
      staffPage(c,
        t('auth.invite.title'),
        <AccountPage c={c} title={t('auth.invite.title')} intro={t('auth.invite.intro')} submit={t('auth.invite.submit')} form={form} notice={notice} />,
        400,
      );
    if (!parsed.success) return show({ values, errors: accountErrors(parsed.error, t) });
    try {
      const user = await acceptInvite(c.get('deps').db, (c.req.param('token') ?? ''), parsed.data);
      if (!user) return staffPage(c, t('auth.invite.title'), <p class="error">{t('auth.invite.invalid')}</p>, 404);
      return c.redirect('/staff/login', 303);
    } catch (error) {
      if (error instanceof LoginTaken) return show({ values, errors: { login: t('auth.invite.taken') } });
      throw error;
    }
  });
}
