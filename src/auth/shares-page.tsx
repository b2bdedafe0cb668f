import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, SIGNING_IN } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { formValues } from '../web/forms.tsx';
import { AppError } from '../web/errors.ts';
import type { Lang } from '../i18n/lang.ts';
import { clearSharesCookie, readSharesCookie, SHARES_PATH } from './cookie.ts';
import { forgetShares, keptShares, type RecoveryShares } from './recovery-shares.ts';

/** The page that shows the kept shares (the setup form leads here) and takes their confirmation. */
export const SHARES_PAGE_PATH = SHARES_PATH;

const confirmForm = z.object({ stored: z.string().max(10).optional() });

const dateFormats = new Map<Lang, Intl.DateTimeFormat>();

function dateOn(lang: Lang, date: Date): string {
  let format = dateFormats.get(lang);
  if (!format) dateFormats.set(lang, (format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Europe/Amsterdam' })));
  return format.format(date);
}

/**
 * The page that shows the recovery shares until they are confirmed. Nothing on it may lose them:
 * it has no link that leaves (no language switch either), a reload or Back shows it again, each
 * share prints on a sheet of its own that says what it is, and the only way on is a form that
 * refuses to go on until the person confirms they are printed or stored.
 */
function showShares(c: Context<AppEnv>, recovery: RecoveryShares, confirmationMissing = false) {
  const t = c.get('t');
  return staffPage(c, t('auth.shares.title'), <SharesPage c={c} recovery={recovery} missing={confirmationMissing} />, confirmationMissing ? 400 : 200, {
    languages: false,
  });
}

function SharesPage(props: { c: Context<AppEnv>; recovery: RecoveryShares; missing: boolean }) {
  const { c, recovery } = props;
  const t = c.get('t');
  const count = recovery.shares.length;
  const made = dateOn(c.get('lang'), recovery.createdAt);
  const orgName = c.get('deps').config.orgName;
  return (
    <>
      <div class="screen-only">
        <h1>{t('auth.shares.title')}</h1>
        {props.missing && (
          <p class="error" role="alert">
            {t('auth.shares.confirmMissing')}
          </p>
        )}
        <p class="notice">{t('auth.shares.intro', { threshold: recovery.threshold, count })}</p>
        <p>{t('auth.shares.print')}</p>
        <p>
          <button type="button" class="secondary" data-print hidden>
            {t('auth.shares.printButton')}
          </button>{' '}
          <span class="meta">{t('auth.shares.printHint')}</span>
        </p>
        <p>
          <strong>{t('auth.shares.stay')}</strong>
        </p>
      </div>
      {recovery.shares.map((share, index) => (
        <section class="share-sheet" aria-labelledby={`share-${index + 1}`}>
          <h2 id={`share-${index + 1}`}>{t('auth.shares.sheetTitle', { n: index + 1, count })}</h2>
          <dl class="facts">
            <dt>{t('auth.shares.installation')}</dt>
            <dd>{orgName}</dd>
            <dt>{t('auth.shares.created')}</dt>
            <dd>{made}</dd>
            <dt>{t('auth.shares.whatLabel')}</dt>
            <dd>{t('auth.shares.what', { count })}</dd>
            <dt>{t('auth.shares.keeperLabel')}</dt>
            <dd>{t('auth.shares.keeper')}</dd>
            <dt>{t('auth.shares.useLabel')}</dt>
            <dd>{t('auth.shares.use', { threshold: recovery.threshold })}</dd>
            <dt>{t('auth.shares.share', { n: index + 1 })}</dt>
            <dd>
              <code class="share-code" data-share>
                {share}
              </code>
            </dd>
          </dl>
        </section>
      ))}
      <form method="post" action={`${SHARES_PAGE_PATH}?lang=${c.get('lang')}`} class="screen-only" data-keep-until-sent>
        <div class="choice">
          <input type="checkbox" id="stored" name="stored" value="yes" required aria-invalid={props.missing ? 'true' : undefined} />
          <label for="stored">{t('auth.shares.confirm')}</label>
        </div>
        <div class="actions">
          <button type="submit">{t('auth.shares.continue')}</button>
        </div>
      </form>
    </>
  );
}

/**
 * Without the cookie, once confirmed, or after the hour they are kept, the shares are gone: the
 * page says so, and shows none. A stale cookie is cleared; a browser that sent none gets none.
 */
function sharesGone(c: Context<AppEnv>) {
  const t = c.get('t');
  if (readSharesCookie(c) !== undefined) clearSharesCookie(c);
  return staffPage(c,
    t('auth.shares.goneTitle'),
    <>
      <h1>{t('auth.shares.goneTitle')}</h1>
      <p>{t('auth.shares.gone')}</p>
      <p>
        <a href="/staff/login">{t('auth.ready.go')}</a>
      </p>
    </>,
    404,
  );
}

export function registerShares(app: App): void {
  /** The shares as the setup form kept them, for as long as this browser's cookie and their row live. */
  route(app, 'GET', SHARES_PAGE_PATH, SIGNING_IN, async (c) => {
    const recovery = await keptShares(dbOf(c), readSharesCookie(c));
    return recovery ? showShares(c, recovery) : sharesGone(c);
  });

  /** Confirmed, the shares are deleted and the person goes on to log in; unconfirmed, they are shown again. */
  route(app, 'POST', SHARES_PAGE_PATH, SIGNING_IN, async (c) => {
    const parsed = confirmForm.safeParse(formValues(await c.req.parseBody({ all: true })));
    if (!parsed.success) throw new AppError('bad_request');
    const cookie = readSharesCookie(c);
    const recovery = await keptShares(dbOf(c), cookie);
    if (!recovery) return sharesGone(c);
    if (parsed.data.stored !== 'yes') return showShares(c, recovery, true);
    await forgetShares(dbOf(c), cookie);
    clearSharesCookie(c);
    return c.redirect('/staff/login', 303);
  });
}
