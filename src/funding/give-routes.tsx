import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { isLang } from '../i18n/index.ts';
import { randomToken } from '../crypto/tokens.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, PUBLIC } from '../web/route.ts';
import { AppError, notFound } from '../web/errors.ts';
import { PublicLayout, renderPage, type PageStatus } from '../web/layout.tsx';
import { prerenderedRoute, type PageInputs } from '../web/prerendered.ts';
import { emptyForm, formValues } from '../web/forms.tsx';
import { clientAddress } from '../web/client-address.ts';
import { epcPayload, qrSvg } from './epc-qr.ts';
import { FORM_KEY, GIVE_BODY_BYTES, parseGiveForm, type GiveFields } from './give-form.ts';
import { pledgeGift } from './pledge-gift.ts';
import { findGiftByCode } from './gift-queries.ts';
import { GiftCodeForm, GiftStatePage, GiveFormPage, GivingClosed, PledgePage } from './give-views.tsx';
import { parsePayChoice } from './pay-choice.ts';
import { startOnlineGift } from './start-online-gift.ts';
import { GoToProvider, PayChoices, providerName } from './payment-views.tsx';

function layout({ lang, t, config }: PageInputs, path: string, body: Child) {
  return (
    <PublicLayout lang={lang} t={t} path={path} title={`${t('give.title')} · ${config.orgName}`} exitUrl={config.quickExitUrl} orgName={config.orgName}>
      {body}
    </PublicLayout>
  );
}

export function page(c: Context<AppEnv>, path: string, body: Child, status: PageStatus = 200) {
  return renderPage(c, layout({ lang: c.get('lang'), t: c.get('t'), config: c.get('deps').config }, path, body), status);
}

export function requireLang(c: Context<AppEnv>) {
  if (!isLang(c.req.param('lang') ?? '')) throw notFound();
}

/** Pledges allowed per address in an hour: enough for a family at one address, too few to flood the treasurer's list. */
const PLEDGES_PER_HOUR = 10;
/** Wrong gift codes allowed per address in 15 minutes (codes have 140 bits: this stops floods, not guessing). */
const CODE_MISSES = 10;

const codeForm = z.object({ code: z.string().max(200) });

/** The public side of giving: the Give form, the pledge it answers with, and the gift code page. */
export function registerGive(app: App): void {
  // Rendered per visit, not kept: each form carries its own key, so a repeated post is one pledge.
  route(app, 'GET', '/:lang/give', PUBLIC, (c) => {
    requireLang(c);
    const { giving } = c.get('deps').config;
    const t = c.get('t');
    const lang = c.get('lang');
    if (!giving.bank && !giving.online) return page(c, '/give', <GivingClosed t={t} lang={lang} />);
    const form = emptyForm<GiveFields>();
    return page(c, '/give', <GiveFormPage t={t} lang={lang} giving={giving} form={form} formKey={randomToken()} payChoices={<PayChoices t={t} lang={lang} giving={giving} form={form} />} />);
  });

  route(
    app,
    'POST',
    '/:lang/give',
    PUBLIC,
    async (c) => {
      requireLang(c);
      const { giving } = c.get('deps').config;
      const { limits } = c.get('deps');
      const t = c.get('t');
      const lang = c.get('lang');
      if (!giving.bank && !giving.online) return page(c, '/give', <GivingClosed t={t} lang={lang} />);
      const values = formValues(await c.req.parseBody({ all: true }));
      const typedKey = typeof values.key === 'string' && FORM_KEY.test(values.key) ? values.key : randomToken();
      const again = (errors: Partial<Record<GiveFields, string>>, status: PageStatus, problem?: string) =>
        page(c, '/give', <GiveFormPage t={t} lang={lang} giving={giving} form={{ values, errors }} formKey={typedKey} problem={problem} payChoices={<PayChoices t={t} lang={lang} giving={giving} form={{ values, errors }} />} />, status);
      if (!limits.attempt(`give:${clientAddress(c)}`, PLEDGES_PER_HOUR, 60 * 60_000)) {
        c.header('Retry-After', String(60 * 60));
        return again({}, 429, t('web.error.rate_limited'));
      }
      const parsed = parseGiveForm(values, giving, t, lang);
      const pay = parsePayChoice(values, giving, t);
      if (!parsed.ok || !pay.ok) return again({ ...(parsed.ok ? {} : parsed.errors), ...(pay.ok ? {} : pay.errors) }, 400);
      if (pay.choice.way === 'online') {
        // Paid online (src/funding/start-online-gift.ts): the donor goes on to the provider's page.
        const started = await startOnlineGift(dbOf(c), c.get('deps').config, parsed.gift, pay.choice.frequency, lang);
        if (!started.ok) return again({}, 503, t('pay.unreachable', { provider: providerName(started.provider) }));
        // The same form posted again after its payment finished: the gift's own page, not a second payment.
        if ('returnPath' in started) return c.redirect(started.returnPath, 303);
        return page(c, '/give', <GoToProvider t={t} lang={lang} provider={started.provider} checkoutUrl={started.checkoutUrl} />);
      }
      const bank = giving.bank!;
      const pledge = await pledgeGift(dbOf(c), giving, parsed.gift, lang);
      const payload = epcPayload({ name: bank.name, iban: bank.iban, bic: bank.bic, amountCents: pledge.amountCents, reference: pledge.rfReference });
      const qr = await qrSvg(payload, t('give.pledge.qrLabel'));
      return page(c, '/give', <PledgePage t={t} lang={lang} bank={bank} pledge={pledge} qr={qr} />);
    },
    { maxBodyBytes: GIVE_BODY_BYTES },
  );

  prerenderedRoute(app, '/:lang/give/gift', (inputs) => layout(inputs, '/give/gift', <GiftCodeForm t={inputs.t} lang={inputs.lang} />));

  route(app, 'POST', '/:lang/give/gift', PUBLIC, async (c) => {
    requireLang(c);
    const { limits } = c.get('deps');
    const address = clientAddress(c);
    const misses = `gift-code-miss:${address}`;
    // As for receipts: once an address has used up its wrong codes, nothing from it is checked.
    if (!limits.attempt(`gift-code:${address}`, 60, 10 * 60_000) || limits.exhausted(misses, CODE_MISSES)) throw new AppError('rate_limited');
    const t = c.get('t');
    const lang = c.get('lang');
    const parsed = codeForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new AppError('bad_request');
    const gift = await findGiftByCode(dbOf(c), parsed.data.code);
    if (!gift) {
      if (!limits.attempt(misses, CODE_MISSES, 15 * 60_000)) throw new AppError('rate_limited');
      // A code that is malformed, unknown or someone else's: one answer for all.
      return page(c, '/give/gift', <GiftCodeForm t={t} lang={lang} error={t('give.gift.notFound')} typed={parsed.data.code} />, 404);
    }
    return page(c, '/give/gift', <GiftStatePage t={t} lang={lang} gift={gift} />);
  });
}
