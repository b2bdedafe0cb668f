import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { isLang, pickLanguage } from '../i18n/index.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, PUBLIC } from '../web/route.ts';
import { AppError, notFound } from '../web/errors.ts';
import { PublicLayout, renderPage } from '../web/layout.tsx';
import { emptyForm, fieldErrors, formValues, textOf } from '../web/forms.tsx';
import { clientAddress } from '../web/client-address.ts';
import { helpFormMessages, helpFormSchema, type HelpFormFields } from './help-form.ts';
import { HelpFormPage, HomePage, ReceiptPage } from './help-views.tsx';
import { ReceiptForm, StatusPage } from './status-views.tsx';
import { submitHelpRequest } from './submit-request.ts';
import { eraseAsPerson, hideConversation, viewAsPerson, writeAsPerson, type PersonView } from './person-access.ts';
import { registerTriage } from './triage-routes.tsx';

/** A public page under its language prefix; help pages keep a neutral title in the browser tab. */
function publicPage(c: Context<AppEnv>, path: string, body: Child, status: 200 | 400 | 404 = 200, neutral = true) {
  const { config } = c.get('deps');
  const t = c.get('t');
  return renderPage(
    c,
    <PublicLayout lang={c.get('lang')} t={t} path={path} title={neutral ? t('web.neutralTitle') : config.orgName} exitUrl={config.quickExitUrl} orgName={config.orgName}>
      {body}
    </PublicLayout>,
    status,
  );
}

function requireLang(c: Context<AppEnv>) {
  if (!isLang((c.req.param('lang') ?? ''))) throw notFound();
}

/** Wrong receipts allowed per address in 15 minutes. Receipts have 66 bits: this stops floods of guesses. */
const RECEIPT_MISSES = 10;

const statusForm = z.discriminatedUnion('action', [
  z.object({ action: z.literal('open'), receipt: z.string().max(100) }),
  z.object({ action: z.literal('write'), receipt: z.string().max(100), body: z.string().max(20_000) }),
  z.object({ action: z.literal('hide'), receipt: z.string().max(100), confirm: z.literal('yes').optional() }),
  z.object({ action: z.literal('erase'), receipt: z.string().max(100), confirm: z.literal('yes').optional() }),
]);

export function registerHelp(app: App): void {
  // Bare addresses choose a language from the browser and redirect; nothing is stored.
  for (const path of ['/', '/help', '/help/status']) {
    route(app, 'GET', path, PUBLIC, (c) => {
      c.header('Vary', 'Accept-Language');
      return c.redirect(`/${pickLanguage(c.req.header('accept-language'))}${path === '/' ? '/' : path}`, 302);
    });
  }

  route(app, 'GET', '/:lang/', PUBLIC, (c) => {
    requireLang(c);
    return publicPage(c, '/', <HomePage t={c.get('t')} lang={c.get('lang')} />, 200, false);
  });

  route(app, 'GET', '/:lang/help', PUBLIC, (c) => {
    requireLang(c);
    return publicPage(c, '/help', <HelpFormPage t={c.get('t')} lang={c.get('lang')} form={emptyForm()} />);
  });

  route(app, 'POST', '/:lang/help', PUBLIC, async (c) => {
    requireLang(c);
    const { limits, config } = c.get('deps');
    if (!limits.attempt(`help:${clientAddress(c)}`, 10, 60 * 60_000)) throw new AppError('rate_limited');
    const t = c.get('t');
    const lang = c.get('lang');
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = helpFormSchema.safeParse({ ...values, needs: [values.needs ?? []].flat(), language: textOf(values.language) || lang });
    if (!parsed.success) {
      const form = { values, errors: fieldErrors<HelpFormFields>(parsed.error, helpFormMessages(t)) };
      return publicPage(c, '/help', <HelpFormPage t={t} lang={lang} form={form} />, 400);
    }
    const { danger, needs, country, language, ...content } = parsed.data;
    const urgent = danger === 'yes';
    const receipt = await submitHelpRequest(dbOf(c), { urgent, needs, country, language, content });
    return publicPage(c, '/help', <ReceiptPage t={t} lang={lang} receipt={receipt} urgent={urgent} config={config} />);
  });

  route(app, 'GET', '/:lang/help/status', PUBLIC, (c) => {
    requireLang(c);
    return publicPage(c, '/help/status', <ReceiptForm t={c.get('t')} lang={c.get('lang')} />);
  });

  route(app, 'POST', '/:lang/help/status', PUBLIC, async (c) => {
    requireLang(c);
    const { limits } = c.get('deps');
    const address = clientAddress(c);
    const misses = `receipt-miss:${address}`;
    // Once an address has used up its wrong receipts, nothing more from it is checked until the
    // window ends: otherwise a guesser would go on, told apart only by a hit's answer.
    if (!limits.attempt(`status:${address}`, 60, 10 * 60_000) || limits.exhausted(misses, RECEIPT_MISSES)) {
      throw new AppError('rate_limited');
    }
    const t = c.get('t');
    const lang = c.get('lang');
    const db = dbOf(c);
    const parsed = statusForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new AppError('bad_request');
    const form = parsed.data;
    const notFoundPage = () => {
      // Wrong receipts are what guessing looks like: few are allowed per address.
      if (!limits.attempt(misses, RECEIPT_MISSES, 15 * 60_000)) throw new AppError('rate_limited');
      return publicPage(c, '/help/status', <ReceiptForm t={t} lang={lang} error={t('status.notFound')} typed={form.receipt} />, 404);
    };
    const render = (view: PersonView | null, notice?: string, error?: string) =>
      view
        ? publicPage(c, '/help/status', <StatusPage t={t} lang={lang} view={view} receipt={form.receipt} notice={notice} error={error} replyWithinHours={c.get('deps').config.replyWithinHours} />)
        : notFoundPage();
    const showWithError = async (error: string) => render(await viewAsPerson(db, form.receipt), undefined, error);
    switch (form.action) {
      case 'open':
        return render(await viewAsPerson(db, form.receipt));
      case 'write': {
        const body = form.body.trim();
        if (!body) return showWithError(t('status.empty'));
        return render(await writeAsPerson(db, form.receipt, body), t('status.sent'));
      }
      case 'hide':
        if (!form.confirm) return showWithError(t('status.confirmMissing'));
        return render(await hideConversation(db, form.receipt), t('status.hidden'));
      case 'erase': {
        if (!form.confirm) return showWithError(t('status.confirmMissing'));
        const result = await eraseAsPerson(db, form.receipt);
        if (!result) return notFoundPage();
        if (result.kind === 'requested') return render(result.view, t('status.eraseRequested'));
        return publicPage(c, '/help/status', <p class="ok" role="status">{t('status.erased')}</p>);
      }
    }
  });

  registerTriage(app);
}
