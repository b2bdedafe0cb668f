import { z } from 'zod';
import { route, PUBLIC } from '../web/route.ts';
import { dbOf, type App } from '../web/context.ts';
import { emptyForm, formValues } from '../web/forms.tsx';
import { clientAddress } from '../web/client-address.ts';
import { donorTag } from '../crypto/donor-mail-box.ts';
import { todayIn } from '../i18n/days.ts';
import { EMAIL_MAX } from './gift-content.ts';
import { page, requireLang } from './give-routes.tsx';
import { requestStatement, statementYears } from './request-statement.ts';
import { StatementAsked, StatementForm, StatementUnavailable, type StatementFields } from './donor-statement-views.tsx';
// The jobs that e-mail donors register themselves when loaded (src/notify/job-handlers.ts).
import './thank-donor.ts';
import './send-statement.ts';

/** Requests allowed per client address in an hour: a household's few addresses, not a scan of many. */
const ASKS_PER_HOUR = 10;
/** Statements sent to one address in a day: a retry or two, never a flood in someone's inbox. */
const STATEMENTS_PER_DAY = 3;

const shape = z.object({ email: z.email().max(EMAIL_MAX), year: z.string().regex(/^\d{4}$/).transform(Number) });

/** The public page where a donor asks for the yearly statement of their gifts (src/funding/request-statement.ts). */
export function registerGiftStatement(app: App): void {
  route(app, 'GET', '/:lang/give/statement', PUBLIC, (c) => {
    requireLang(c);
    const t = c.get('t');
    const lang = c.get('lang');
    if (!c.get('deps').config.smtp) return page(c, '/give/statement', <StatementUnavailable t={t} lang={lang} />);
    return page(c, '/give/statement', <StatementForm t={t} lang={lang} form={emptyForm<StatementFields>()} years={statementYears(todayIn())} />);
  });

  route(app, 'POST', '/:lang/give/statement', PUBLIC, async (c) => {
    requireLang(c);
    const { config, limits } = c.get('deps');
    const t = c.get('t');
    const lang = c.get('lang');
    if (!config.smtp) return page(c, '/give/statement', <StatementUnavailable t={t} lang={lang} />);
    const years = statementYears(todayIn());
    const values = formValues(await c.req.parseBody());
    if (!limits.attempt(`statement:${clientAddress(c)}`, ASKS_PER_HOUR, 60 * 60_000)) {
      c.header('Retry-After', String(60 * 60));
      return page(c, '/give/statement', <StatementForm t={t} lang={lang} form={{ values, errors: {} }} years={years} problem={t('web.error.rate_limited')} />, 429);
    }
    const single = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
    const parsed = shape.safeParse({ email: single.email?.trim(), year: single.year });
    const errors: Partial<Record<StatementFields, string>> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[issue.path[0] === 'year' ? 'year' : 'email'] = t(issue.path[0] === 'year' ? 'donor.statementPage.errorYear' : 'donor.statementPage.errorEmail');
    } else if (!years.includes(parsed.data.year)) errors.year = t('donor.statementPage.errorYear');
    if (!parsed.success || errors.year) return page(c, '/give/statement', <StatementForm t={t} lang={lang} form={{ values, errors }} years={years} />, 400);
    // Counted per address (by its keyed tag, never the address itself) whether or not it gave.
    const tag = Buffer.from(donorTag(parsed.data.email)).toString('base64url');
    if (limits.attempt(`statement-to:${tag}`, STATEMENTS_PER_DAY, 24 * 60 * 60_000)) {
      await requestStatement(dbOf(c), { email: parsed.data.email, lang, year: parsed.data.year });
    }
    return page(c, '/give/statement', <StatementAsked t={t} lang={lang} />);
  });
}
