import type { Child } from 'hono/jsx';
import type { Context } from 'hono';
import { LANGUAGES, LANGUAGE_NAMES, type Lang, type Translate } from '../i18n/index.ts';
import type { AppEnv, StaffSession } from './context.ts';
import { assetUrl } from './static.ts';
import { DIRECTORY_ROLES } from '../directory/directory-vault.ts';
import { CAMPAIGN_EDITORS } from '../funding/campaign-content.ts';

/** Renders a full page: hono/jsx escapes every value, and we add the doctype it leaves out. */
export type PageStatus = 200 | 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

export function renderPage(c: Context<AppEnv>, page: Child, status: PageStatus = 200) {
  return c.html(documentHtml(page), status);
}

/** A whole page as HTML; also what src/web/prerendered.ts keeps, so both give the same bytes. */
export function documentHtml(page: Child): string {
  return `<!DOCTYPE html>${String(page)}`;
}

/**
 * A staff page: the signed-in colleague's navigation, or none on the way in. `languages: false`
 * leaves out the language switch, for a page that cannot be shown again once left (the recovery
 * shares).
 */
export function staffPage(c: Context<AppEnv>, title: string, body: Child, status: PageStatus = 200, options: { languages?: boolean } = {}) {
  return renderPage(c, <StaffLayout lang={c.get('lang')} t={c.get('t')} title={title} staff={c.get('staff')} languages={options.languages}>{body}</StaffLayout>, status);
}

function Head(props: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content="no-referrer" />
      <title>{props.title}</title>
      <link rel="stylesheet" href={assetUrl('app.css')} />
      <link rel="icon" href={assetUrl('icon.svg')} type="image/svg+xml" />
      <script src={assetUrl('app.js')} defer></script>
    </head>
  );
}

type PublicProps = {
  lang: Lang;
  t: Translate;
  /** The address of this page without its language prefix, for the language switch. */
  path: string;
  title: string;
  exitUrl: string;
  orgName: string;
  children: Child;
};

/** A public page: neutral, no cookies, the quick exit always at hand. */
export function PublicLayout(props: PublicProps) {
  const { t, lang } = props;
  return (
    <html lang={lang}>
      <Head title={props.title} />
      <body class="public">
        <a class="skip" href="#main">
          {t('web.skip')}
        </a>
        <header class="bar">
          <a class="brand" href={`/${lang}/`}>
            {props.orgName}
          </a>
          <a class="quick-exit" href={props.exitUrl} rel="noreferrer" title={t('web.quickExitHint')} data-quick-exit>
            {t('web.quickExit')}
          </a>
        </header>
        <main id="main">{props.children}</main>
        <footer class="foot">
          <p>
            <a href={`/${lang}/transparency`}>{t('transparency.nav')}</a>
          </p>
          <nav aria-label={t('web.language')}>
            <ul class="langs">
              {LANGUAGES.map((other) => (
                <li>
                  <a href={`/${other}${props.path}`} hreflang={other} lang={other} aria-current={other === lang ? 'true' : undefined}>
                    {LANGUAGE_NAMES[other]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </footer>
      </body>
    </html>
  );
}

type StaffProps = {
  lang: Lang;
  t: Translate;
  title: string;
  staff: StaffSession | undefined;
  languages?: boolean;
  children: Child;
};

/** A staff page: dense, with the navigation one click away. */
export function StaffLayout(props: StaffProps) {
  const { t, staff } = props;
  const admin = staff?.roles.includes('administrator');
  const triage = staff?.roles.includes('coordinator');
  return (
    <html lang={props.lang}>
      <Head title={`${props.title} · Beside`} />
      <body class="staff">
        <a class="skip" href="#main">
          {t('web.skip')}
        </a>
        <header class="bar">
          <span class="brand">Beside</span>
          {staff && (
            <nav aria-label={t('staff.nav')}>
              <ul class="nav">
                {triage && (
                  <li>
                    <a href="/staff">{t('staff.nav.inbox')}</a>
                  </li>
                )}
                {triage && <li><a href="/staff/coordinators">{t('auth.coordinators.title')}</a></li>}
                {triage && <li><a href="/staff/on-call">{t('notify.title')}</a></li>}
                {triage && <li><a href="/staff/overview">{t('overview.title')}</a></li>}
                {staff.roles.some((role) => DIRECTORY_ROLES.includes(role)) && <li><a href="/staff/directory">{t('directory.title')}</a></li>}
                {staff.roles.includes('treasurer') && <li><a href="/staff/funding">{t('treasury.nav')}</a></li>}
                <li><a href="/staff/expenses">{t('expenses.nav')}</a></li>
                {staff.roles.includes('editor') && <li><a href="/staff/gift-messages">{t('giftMessages.nav')}</a></li>}
                {staff.roles.some((role) => CAMPAIGN_EDITORS.includes(role)) && <li><a href="/staff/campaign">{t('campaign.staff.title')}</a></li>}
                <li><a href="/staff/my-work">{t('mywork.title')}</a></li>
                <li>
                  <a href="/staff/cases">{t('staff.nav.cases')}</a>
                </li>
                {admin && (
                  <li>
                    <a href="/staff/users">{t('staff.nav.users')}</a>
                  </li>
                )}
                {admin && (
                  <li>
                    <a href="/staff/audit">{t('staff.nav.audit')}</a>
                  </li>
                )}
                <li>
                  <form method="post" action="/staff/logout" class="inline">
                    <input type="hidden" name="_csrf" value={staff.csrfToken} />
                    <button type="submit" class="link">
                      {t('staff.nav.logout', { name: staff.displayName })}
                    </button>
                  </form>
                </li>
              </ul>
            </nav>
          )}
        </header>
        <main id="main">{props.children}</main>
        <footer class="foot">
          {props.languages !== false && <StaffLanguages t={t} lang={props.lang} staff={staff} />}
        </footer>
      </body>
    </html>
  );
}

/** Signed in, the language is a setting of the account; before that, a link per language. */
function StaffLanguages(props: { t: Translate; lang: Lang; staff: StaffSession | undefined }) {
  const { t, staff } = props;
  if (!staff) {
    return (
      <nav aria-label={t('web.language')}>
        <ul class="langs">
          {LANGUAGES.map((other) => (
            <li>
              <a href={`?lang=${other}`} hreflang={other} lang={other} aria-current={other === props.lang ? 'true' : undefined}>
                {LANGUAGE_NAMES[other]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    );
  }
  return (
    <form method="post" action="/staff/language" class="filters">
      <Csrf staff={staff} />
      <label>
        {t('web.language')}
        <select name="language">
          {LANGUAGES.map((other) => (
            <option value={other} selected={other === props.lang} lang={other}>
              {LANGUAGE_NAMES[other]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        {t('web.save')}
      </button>
    </form>
  );
}

/** The hidden field every staff form carries; checked against the session on every post. */
export function Csrf(props: { staff: StaffSession }) {
  return <input type="hidden" name="_csrf" value={props.staff.csrfToken} />;
}
