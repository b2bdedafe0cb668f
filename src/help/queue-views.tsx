import { LANGUAGE_NAMES, formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicText, neutralise } from '../web/public-text.tsx';
import type { Claim } from './claim-request.ts';
import type { ReplyTemplate } from './reply-templates.ts';

type Props = { t: Translate; lang: Lang };

/** "On it: Anna since 1 Dec 2026, 23:10 CET" — a colleague's name is isolated like anything typed in. */
export function ClaimLine({ t, lang, claim, names }: Props & { claim: Claim; names: Map<string, string> }) {
  return (
    <span class="tag" data-claimed-by={claim.userId}>
      {t('queue.claim.heldBy')} <PublicText text={names.get(claim.userId) ?? '—'} /> {t('queue.claim.since')} {formatDateTime(lang, claim.since)}
    </span>
  );
}

/** The request page's "who answers" box: take it, let it go, or see who holds it. */
export function ClaimBox(props: Props & { staff: StaffSession; action: string; claim: Claim | null; names: Map<string, string>; minutes: number; mayClaim: boolean }) {
  const { t, lang, staff, claim } = props;
  const mine = claim?.userId === staff.userId;
  return (
    <section class="card" data-claim={claim ? (mine ? 'mine' : 'other') : 'free'}>
      <h2>{t('queue.claim.title')}</h2>
      <p>
        {!claim ? t('queue.claim.free') : mine ? <>{t('queue.claim.mine')} {formatDateTime(lang, claim.since)}</> : <ClaimLine t={t} lang={lang} claim={claim} names={props.names} />}
      </p>
      {props.mayClaim && (!claim || mine) && (
        <form method="post" action={`${props.action}/${mine ? 'release' : 'claim'}`} class="inline">
          <Csrf staff={staff} />
          <button type="submit" class={mine ? 'secondary' : undefined}>
            {mine ? t('queue.claim.release') : t('queue.claim.take')}
          </button>
        </form>
      )}
      <p class="hint">{t('queue.claim.lapse', { minutes: props.minutes })}</p>
    </section>
  );
}

/**
 * The template picker: a GET form back to the same page, which pre-fills the reply (no JavaScript
 * needed). Templates in the person's language come first, in a group of their own.
 */
export function TemplatePicker({ t, action, templates, personLang, chosen }: { t: Translate; action: string; templates: ReplyTemplate[]; personLang: Lang | null; chosen?: string }) {
  const manage = (
    <p class="meta">
      <a href="/staff/templates">{t('queue.templates.title')}</a>
    </p>
  );
  if (templates.length === 0) return manage;
  const theirs = templates.filter((template) => template.lang === personLang);
  const others = templates.filter((template) => template.lang !== personLang);
  const option = (template: ReplyTemplate) => (
    <option value={template.id} selected={template.id === chosen}>
      {neutralise(template.title)} ({template.lang.toUpperCase()})
    </option>
  );
  return (
    <>
      {manage}
      <form method="get" action={`${action}#reply`} class="filters" data-template-picker>
        <label>
          {t('queue.templates.pick')}
          <select name="template">
            {theirs.length > 0 && <optgroup label={`${LANGUAGE_NAMES[personLang!]} · ${t('queue.templates.personLang')}`}>{theirs.map(option)}</optgroup>}
            {others.map(option)}
          </select>
        </label>
        <button type="submit" class="secondary">
          {t('queue.templates.use')}
        </button>
      </form>
    </>
  );
}

/** Previous and next page links for a paged list; the page's other query parameters are kept. */
export function Pager({ t, base, query, page, more }: { t: Translate; base: string; query: Record<string, string | undefined>; page: number; more: boolean }) {
  if (page === 1 && !more) return null;
  const href = (to: number) => {
    const params = new URLSearchParams(Object.entries({ ...query, page: String(to) }).filter((entry): entry is [string, string] => !!entry[1]));
    return `${base}?${params.toString()}`;
  };
  return (
    <nav class="filters" aria-label={t('queue.page.label')} data-pager>
      {page > 1 && (
        <a href={href(page - 1)} rel="prev">
          {t('queue.page.previous')}
        </a>
      )}
      {more && (
        <a href={href(page + 1)} rel="next" data-next-page>
          {t('queue.page.next')}
        </a>
      )}
    </nav>
  );
}
