import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import type { App, AppEnv } from '../web/context.ts';
import { route, SIGNING_IN, staff } from '../web/route.ts';
import { AppError } from '../web/errors.ts';
import { staffPage } from '../web/layout.tsx';
import { Field } from '../web/forms.tsx';
import { clientAddress } from '../web/client-address.ts';
import { appendAudit } from '../audit/log.ts';
import { currentSession, staffOf } from './access.ts';
import { clearSessionCookie, writeSessionCookie } from './cookie.ts';
import { confirmCode, logIn, recordSuccess } from './login.ts';
import { addressMayTry, isThrottled, slowDown } from './login-throttle.ts';
import { endSession, keepPendingTotp, pendingTotp, setStage, type Session } from './sessions.ts';
import { isCodeShaped, matchTotp, newTotpSecret, saveTotpSecret, totpQrSvg } from './totp.ts';
import { findUserById, setLanguage } from './users.ts';
import { LANGUAGES } from '../i18n/lang.ts';
import { registerSetup } from './setup-routes.tsx';
import { registerAdmin } from './admin-routes.tsx';
import { registerCoordinators } from './coordinator-routes.tsx';

const loginForm = z.object({ login: z.string().trim().min(1).max(64), password: z.string().min(1).max(1024) });
const codeForm = z.object({ code: z.string().trim().max(12) });
const languageForm = z.object({ language: z.enum(LANGUAGES) });

/** Only our own staff pages may be the place to return to after login. */
function safeNext(value: string | undefined): string {
  return value && /^\/staff(\/[\w\-./]*)?$/.test(value) && !value.includes('//') ? value : '/staff';
}


function LoginPage(props: { c: Context<AppEnv>; next: string; failed?: boolean; login?: string }) {
  const t = props.c.get('t');
  return (
    <>
      <h1>{t('auth.login.title')}</h1>
      {props.failed && (
        <p class="error" role="alert">
          {t('auth.login.failed')}
        </p>
      )}
      <form method="post" action={`/staff/login?next=${encodeURIComponent(props.next)}`}>
        <Field name="login" label={t('auth.login.login')}>
          <input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" required value={props.login ?? ''} />
        </Field>
        <Field name="password" label={t('auth.login.password')}>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </Field>
        <div class="actions">
          <button type="submit">{t('auth.login.submit')}</button>
        </div>
      </form>
    </>
  );
}

/** A page that asks for a code; `problem` is the one message that says what went wrong, if anything did. */
function CodePage(props: { c: Context<AppEnv>; action: string; problem?: string; children?: Child }) {
  const t = props.c.get('t');
  return (
    <>
      {props.children}
      {props.problem && (
        <p class="error" role="alert">
          {props.problem}
        </p>
      )}
      <form method="post" action={props.action}>
        <Field name="code" label={t('auth.code.label')}>
          <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength={8} required />
        </Field>
        <div class="actions">
          <button type="submit">{t('auth.code.submit')}</button>
        </div>
      </form>
    </>
  );
}

async function sessionAt(c: Context<AppEnv>, stage: Session['stage']): Promise<Session | null> {
  const session = await currentSession(c);
  return session && session.stage === stage ? session : null;
}

export function registerAuth(app: App): void {
  route(app, 'GET', '/staff/login', SIGNING_IN, async (c) => {
    const session = await currentSession(c);
    if (session?.stage === 'active') return c.redirect('/staff', 303);
    return staffPage(c, c.get('t')('auth.login.title'), <LoginPage c={c} next={safeNext(c.req.query('next'))} />);
  });

  route(app, 'POST', '/staff/login', SIGNING_IN, async (c) => {
    const { db, limits } = c.get('deps');
    const next = safeNext(c.req.query('next'));
    const form = loginForm.safeParse(await c.req.parseBody());
    const address = clientAddress(c);
    if (!addressMayTry(limits, address)) throw new AppError('rate_limited');
    if (!form.success) return staffPage(c, c.get('t')('auth.login.title'), <LoginPage c={c} next={next} failed />, 400);
    const result = await logIn(db, limits, { login: form.data.login, password: form.data.password, address });
    if (!result.ok) {
      await slowDown(limits, address);
      return staffPage(c, c.get('t')('auth.login.title'), <LoginPage c={c} next={next} failed login={form.data.login} />, 400);
    }
    writeSessionCookie(c, result.cookie);
    return c.redirect(result.stage === 'enrol' ? '/staff/enrol' : `/staff/login/code?next=${encodeURIComponent(next)}`, 303);
  });

  route(app, 'GET', '/staff/login/code', SIGNING_IN, async (c) => {
    if (!(await sessionAt(c, 'totp'))) return c.redirect('/staff/login', 303);
    const t = c.get('t');
    const action = `/staff/login/code?next=${encodeURIComponent(safeNext(c.req.query('next')))}`;
    return staffPage(c, t('auth.code.title'), <CodePage c={c} action={action}><h1>{t('auth.code.title')}</h1></CodePage>);
  });

  route(app, 'POST', '/staff/login/code', SIGNING_IN, async (c) => {
    const { db, limits } = c.get('deps');
    const session = await sessionAt(c, 'totp');
    if (!session) return c.redirect('/staff/login', 303);
    if (!limits.attempt(`code:${session.userId}`, 10, 15 * 60_000)) throw new AppError('rate_limited');
    const form = codeForm.safeParse(await c.req.parseBody());
    const next = safeNext(c.req.query('next'));
    const result = await confirmCode(db, limits, session, form.success ? form.data.code : null, clientAddress(c));
    if (result === 'accepted') return c.redirect(next, 303);
    const t = c.get('t');
    const action = `/staff/login/code?next=${encodeURIComponent(next)}`;
    return staffPage(c,
      t('auth.code.title'),
      <CodePage c={c} action={action} problem={result === 'throttled' ? t('auth.code.throttled') : t('auth.code.failed')}><h1>{t('auth.code.title')}</h1></CodePage>,
      400,
    );
  });

  route(app, 'GET', '/staff/enrol', SIGNING_IN, async (c) => {
    const session = await sessionAt(c, 'enrol');
    if (!session) return c.redirect('/staff/login', 303);
    // A reload shows the secret already shown: an app that scanned the first QR code keeps working.
    let secret = pendingTotp(session);
    if (!secret) {
      secret = newTotpSecret();
      await keepPendingTotp(c.get('deps').db, session, secret);
    }
    return enrolPage(c, session, secret);
  });

  route(app, 'POST', '/staff/enrol', SIGNING_IN, async (c) => {
    const { db } = c.get('deps');
    const session = await sessionAt(c, 'enrol');
    const secret = session && pendingTotp(session);
    if (!session || !secret) return c.redirect('/staff/login', 303);
    const form = codeForm.safeParse(await c.req.parseBody());
    const user = await findUserById(db, session.userId);
    // Enrolling finishes a login: refused, like the code step, while the account is refused from here.
    if (!user || isThrottled(c.get('deps').limits, { login: user.login, address: clientAddress(c) })) return enrolPage(c, session, secret, 'throttled');
    if (!form.success || !isCodeShaped(form.data.code)) return enrolPage(c, session, secret, 'digits');
    const step = matchTotp(secret, form.data.code);
    if (step === null) return enrolPage(c, session, secret, 'wrong');
    await db.transaction(async (tx) => {
      await saveTotpSecret(tx, session.userId, session.keys.publicKey, secret, step);
      await setStage(tx, session, 'active');
      await appendAudit(tx, session.userId, { kind: 'totp.enrolled', userId: session.userId });
      await recordSuccess(tx, session.userId);
    });
    return c.redirect('/staff', 303);
  });

  route(app, 'POST', '/staff/logout', staff('any'), async (c) => {
    const session = await currentSession(c);
    const { db } = c.get('deps');
    if (session) {
      await db.transaction(async (tx) => {
        await endSession(tx, session.idHash);
        await appendAudit(tx, staffOf(c).userId, { kind: 'logout', userId: staffOf(c).userId });
      });
    }
    clearSessionCookie(c);
    return c.redirect('/staff/login', 303);
  });

  route(app, 'POST', '/staff/language', staff('any'), async (c) => {
    const form = languageForm.safeParse(await c.req.parseBody());
    if (form.success) await setLanguage(c.get('deps').db, staffOf(c).userId, form.data.language);
    return c.redirect('/staff', 303);
  });

  registerSetup(app);
  registerAdmin(app);
  registerCoordinators(app);
}

const ENROL_PROBLEMS = { throttled: 'auth.code.throttled', digits: 'auth.code.digits', wrong: 'auth.enrol.failed' } as const;

async function enrolPage(c: Context<AppEnv>, session: Session, secret: string, problem?: keyof typeof ENROL_PROBLEMS) {
  const t = c.get('t');
  const { config, db } = c.get('deps');
  const user = await findUserById(db, session.userId);
  const svg = await totpQrSvg(secret, user?.login ?? 'staff', config.orgName);
  return staffPage(c,
    t('auth.enrol.title'),
    <CodePage c={c} action="/staff/enrol" problem={problem && t(ENROL_PROBLEMS[problem])}>
      <>
        <h1>{t('auth.enrol.title')}</h1>
        <p>{t('auth.enrol.intro')}</p>
        <figure class="qr" role="img" aria-label={t('auth.enrol.qr')} dangerouslySetInnerHTML={{ __html: svg }} />
        <p>
          {t('auth.enrol.manual')} <code data-totp-secret>{secret}</code>
        </p>
      </>
    </CodePage>,
    problem ? 400 : 200,
  );
}
