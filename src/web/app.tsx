import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { isLang, pickLanguage, translator } from '../i18n/index.ts';
import type { App, AppEnv, Deps } from './context.ts';
import { AppError, isUniqueViolation } from './errors.ts';
import { KeyDerivationsBusy } from '../crypto/kdf-queue.ts';
import { securityHeaders } from './headers.ts';
import { PublicLayout, renderPage, staffPage } from './layout.tsx';
import { registerStatic } from './static.ts';
import { machine, route } from './route.ts';
import { registerHelp } from '../help/routes.tsx';
import { registerAuth } from '../auth/routes.tsx';
import { registerCases } from '../cases/routes.tsx';
import { registerNotify } from '../notify/routes.tsx';
import { registerDirectory } from '../directory/routes.tsx';
import { registerOverview } from '../overview/routes.tsx';
import { registerGive } from '../funding/give-routes.tsx';
import { registerGiftStatement } from '../funding/donor-statement-routes.tsx';
import { registerTreasury } from '../funding/treasury-routes.tsx';
import { registerExpenses } from '../funding/expense-routes.tsx';
import { registerCampaign } from '../funding/campaign-routes.tsx';
import { registerPayments } from '../funding/payment-routes.tsx';
import { registerTransparency } from '../funding/transparency-routes.tsx';

export function createApp(deps: Deps): App {
  const app: App = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const first = c.req.path.split('/')[1];
    const asked = c.req.query('lang');
    const lang = isLang(first) ? first : isLang(asked) ? asked : pickLanguage(c.req.header('accept-language'));
    c.set('deps', deps);
    c.set('lang', lang);
    c.set('t', translator(lang));
    c.set('staff', undefined);
    await next();
  });
  app.use(securityHeaders);
  app.use(compress());
  registerStatic(app);
  route(app, 'GET', '/api/health', machine({ verify: 'open', why: 'health check for load balancers and monitoring' }), async (c) => {
    await deps.db.query('select 1');
    return c.json({ ok: true });
  });
  registerHelp(app);
  registerAuth(app);
  registerCases(app);
  registerNotify(app);
  registerDirectory(app);
  registerOverview(app);
  registerGive(app);
  registerGiftStatement(app);
  registerTreasury(app);
  registerExpenses(app);
  registerCampaign(app);
  registerPayments(app);
  registerTransparency(app);

  app.notFound((c) => renderError(c, new AppError('not_found')));
  app.onError((error, c) => {
    if (error instanceof AppError) return renderError(c, error);
    // The bounded key-derivation queue is full: the server stays up and says when to come back.
    if (error instanceof KeyDerivationsBusy) return renderError(c, new AppError('busy', error.retryAfterSeconds));
    // Two people acting on one record at once: the database kept its invariant, and the loser
    // is told to try again rather than shown a failure of ours.
    if (isUniqueViolation(error)) {
      console.error(`[beside] ${c.req.method} ${c.req.routePath}: conflict (23505)`);
      return renderError(c, new AppError('conflict'));
    }
    // Logs carry the error's kind and place, never its message (a database error may quote the
    // values it refused), the request's content or the person's address.
    const code = (error as { code?: unknown }).code;
    console.error(`[beside] ${c.req.method} ${c.req.routePath}: ${error.name}${typeof code === 'string' ? ` (${code})` : ''}`);
    if (!deps.config.production && error.stack) console.error(error.stack.split('\n').slice(1, 6).join('\n'));
    return renderError(c, null);
  });
  return app;
}

function renderError(c: Parameters<Parameters<App['onError']>[0]>[1], error: AppError | null) {
  const t = c.get('t');
  const lang = c.get('lang');
  const message = error ? t(`web.error.${error.code}`) : t('web.error.internal');
  const status = error ? error.status : 500;
  if (error?.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
  // Machines get a stable code, not a page.
  if (c.req.path.startsWith('/api/')) return c.json({ error: error ? error.code : 'internal' }, status);
  const body = (
    <>
      <h1>{t('web.error.title')}</h1>
      <p>{message}</p>
      <p>
        <a href={c.req.path.startsWith('/staff') ? '/staff' : `/${lang}/`}>{t('web.error.back')}</a>
      </p>
    </>
  );
  if (c.req.path.startsWith('/staff')) {
    return staffPage(c, t('web.error.title'), body, status);
  }
  const { config } = c.get('deps');
  return renderPage(
    c,
    <PublicLayout lang={lang} t={t} path="/" title={t('web.neutralTitle')} exitUrl={config.quickExitUrl} orgName={config.orgName}>
      {body}
    </PublicLayout>,
    status,
  );
}
