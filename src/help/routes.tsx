import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { isLang, pickLanguage } from '../i18n/index.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, PUBLIC } from '../web/route.ts';
import { AppError, notFound } from '../web/errors.ts';
import { PublicLayout, renderPage, type PageStatus } from '../web/layout.tsx';
import { prerenderedRoute, versionedPrerenderedRoute, type PageInputs } from '../web/prerendered.ts';
import { campaignHomeSource } from '../funding/campaign-home.ts';
import { CampaignSection } from '../funding/campaign-home-views.tsx';
import { emptyForm, fieldErrors, formValues, textOf } from '../web/forms.tsx';
import { clientAddress } from '../web/client-address.ts';
import { KeyDerivationsBusy } from '../crypto/kdf-queue.ts';
import { HELP_BODY_BYTES, MESSAGE_LIMIT, STATUS_BODY_BYTES, characters, helpFormMessages, helpFormSchema, normaliseText, type HelpFormFields } from './help-form.ts';
import { HelpFormPage, HomePage, ReceiptPage } from './help-views.tsx';
import { ReceiptForm, StatusPage } from './status-views.tsx';
import { submitHelpForm } from './submit-request.ts';
import { eraseAsPerson, hideConversation, newWriteToken, viewAsPerson, writeAsPerson, type PersonView } from './person-access.ts';
import { RECEIPT_DIGITS, receiptDigits } from './receipt.ts';
import { registerTriage } from './triage-routes.tsx';

/** A public page under its language prefix; help pages keep a neutral title in the browser tab. */
function publicPage(c: Context<AppEnv>, path: string, body: Child, status: PageStatus = 200, neutral = true) {
  return renderPage(c, publicLayout({ lang: c.get('lang'), t: c.get('t'), config: c.get('deps').config }, path, body, neutral), status);
}

/** The frame of a public page from its language and the configuration alone: pre-rendered pages are made of it too. */
function publicLayout({ lang, t, config }: PageInputs, path: string, body: Child, neutral = true) {
  return (
    <PublicLayout lang={lang} t={t} path={path} title={neutral ? t('web.neutralTitle') : config.orgName} exitUrl={config.quickExitUrl} orgName={config.orgName}>
      {body}
    </PublicLayout>
  );
}

function requireLang(c: Context<AppEnv>) {
  if (!isLang((c.req.param('lang') ?? ''))) throw notFound();
}

/** Wrong receipts allowed per address in 15 minutes. Receipts have 66 bits: this stops floods of guesses. */
const RECEIPT_MISSES = 10;

const statusForm = z.discriminatedUnion('action', [
  z.object({ action: z.literal('open'), receipt: z.string().max(100) }),
  // The length of a message is checked by the route, which keeps a text that is too long.
  z.object({ action: z.literal('write'), receipt: z.string().max(100), body: z.string(), token: z.string().regex(/^[\w-]{20,64}$/).optional() }),
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

  // The same bytes for everyone, rendered once per language (src/web/prerendered.ts): the
  // renderer sees no request, so nothing of one person can reach another.
  // The home page is also the campaign's: kept the same way while the ledger and the campaign's
  // content stay as they were (each request asks the database, in one query), rendered again when
  // either changes.
  versionedPrerenderedRoute(app, '/:lang/', campaignHomeSource, (page) =>
    publicLayout(page, '/', <HomePage t={page.t} lang={page.lang} campaign={<CampaignSection t={page.t} lang={page.lang} campaign={page.data} />} />, false),
  );
  prerenderedRoute(app, '/:lang/help', (page) => publicLayout(page, '/help', <HelpFormPage t={page.t} lang={page.lang} form={emptyForm()} />));

  route(app, 'POST', '/:lang/help', PUBLIC, async (c) => {
    requireLang(c);
    const { limits, config } = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    const values = formValues(await c.req.parseBody({ all: true }));
    // Refused for now (too many requests from here, or the server too busy to derive keys): the
    // form comes back with everything typed, so nothing a frightened person wrote is lost.
    const refused = (error: AppError) => {
      if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
      const form = { values, errors: {} };
      return publicPage(c, '/help', <HelpFormPage t={t} lang={lang} form={form} problem={t(`web.error.${error.code}`)} />, error.status);
    };
    if (!limits.attempt(`help:${clientAddress(c)}`, 10, 60 * 60_000)) return refused(new AppError('rate_limited'));
    const parsed = helpFormSchema.safeParse({ ...values, needs: [values.needs ?? []].flat(), language: textOf(values.language) || lang });
    if (!parsed.success) {
      // Everything typed comes back, with what to change: nothing a person wrote is thrown away.
      const form = { values, errors: fieldErrors<HelpFormFields>(parsed.error, helpFormMessages(t, values)) };
      return publicPage(c, '/help', <HelpFormPage t={t} lang={lang} form={form} />, 400);
    }
    const { danger, needs, country, language, duressEnding, ...content } = parsed.data;
    const urgent = danger === 'yes';
    // Tells a repeat of this person's post from the same short form sent by someone else.
    const sender = `${clientAddress(c)}|${c.req.header('user-agent') ?? ''}|${c.req.header('accept-language') ?? ''}`;
    let submission;
    try {
      submission = await submitHelpForm(dbOf(c), { urgent, needs, country, language, content, sender, duressEnding });
    } catch (error) {
      if (error instanceof KeyDerivationsBusy) return refused(new AppError('busy', error.retryAfterSeconds));
      throw error;
    }
    const { receipt, repeated } = submission;
    return publicPage(c, '/help', <ReceiptPage t={t} lang={lang} receipt={receipt} urgent={urgent} repeated={repeated} country={country} config={config} duressEnding={duressEnding} />);
  }, { maxBodyBytes: HELP_BODY_BYTES });

  prerenderedRoute(app, '/:lang/help/status', (page) => publicLayout(page, '/help/status', <ReceiptForm t={page.t} lang={page.lang} />));

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
    const render = (view: PersonView | null, notice?: string, error?: string, draft?: string) =>
      view
        ? publicPage(
            c,
            '/help/status',
            <StatusPage t={t} lang={lang} view={view} receipt={form.receipt} writeToken={newWriteToken()} notice={notice} error={error} draft={draft} replyWithinHours={c.get('deps').config.replyWithinHours} now={new Date()} />,
          )
        : notFoundPage();
    const showWithError = async (error: string, draft?: string) => render(await viewAsPerson(db, form.receipt), undefined, error, draft);
    switch (form.action) {
      case 'open': {
        // A code of the wrong length is a slip of the finger, not a guess: say how long a code is.
        const typed = receiptDigits(form.receipt).length;
        if (typed !== RECEIPT_DIGITS) {
          const error = t('status.wrongLength', { count: RECEIPT_DIGITS, typed });
          return publicPage(c, '/help/status', <ReceiptForm t={t} lang={lang} error={error} typed={form.receipt} />, 400);
        }
        return render(await viewAsPerson(db, form.receipt));
      }
      case 'write': {
        const body = normaliseText(form.body);
        if (!body) return showWithError(t('status.empty'));
        if (characters(body) > MESSAGE_LIMIT) return showWithError(t('help.error.tooLong', { count: characters(body), max: MESSAGE_LIMIT }), form.body);
        return render(await writeAsPerson(db, form.receipt, body, form.token), t('status.sent'));
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
  }, { maxBodyBytes: STATUS_BODY_BYTES });

  registerTriage(app);
}
