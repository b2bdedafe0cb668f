import { LANGUAGE_NAMES, formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicText, neutralise } from '../web/public-text.tsx';
import type { Claim } from './claim-request.ts';
import type { ReplyTemplate } from './reply-templates.ts';
import { formatCursor, type Cursor } from '../db/keyset.ts';

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
 * needed). Templates in the person's language come first, in a group of their own. A page with
 * several reply forms (a case with joined requests) names the one to fill: `hidden` travels with
 * the choice, and `anchor` is that form's textarea.
 */
export function TemplatePicker(props: { t: Translate; action: string; templates: ReplyTemplate[]; personLang: Lang | null; chosen?: string; anchor?: string; hidden?: Record<string, string> }) {
  const { t, action, templates, personLang, chosen } = props;
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
      <form method="get" action={`${action}#${props.anchor ?? 'reply'}`} class="filters" data-template-picker>
        {Object.entries(props.hidden ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
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

/**
 * "Previous" and "Next" links of a keyset-paged list (src/db/keyset.ts): plain links, so they work
 * without JavaScript, carrying the page's other query parameters (the filters, another list's
 * place). `keys` names this list's two parameters when a page holds more than one list.
 */
export function Pager(props: {
  t: Translate;
  base: string;
  query: Record<string, string | undefined>;
  previous: Cursor | 'first' | null;
  next: Cursor | null;
  keys?: { after: string; before: string };
  /** the list's name, when a page holds more than one list: each list's pages are a landmark of its own */
  label?: string;
}) {
  const { t, previous, next } = props;
  const keys = props.keys ?? { after: 'after', before: 'before' };
  if (!previous && !next) return null;
  const href = (place: Record<string, string>) => {
    const kept = Object.entries(props.query).filter((entry): entry is [string, string] => !!entry[1] && entry[0] !== keys.after && entry[0] !== keys.before);
    const search = new URLSearchParams([...kept, ...Object.entries(place)]).toString();
    return search ? `${props.base}?${search}` : props.base;
  };
  return (
    <nav class="filters" aria-label={props.label ? `${t('queue.page.label')}: ${props.label}` : t('queue.page.label')} data-pager={keys.after}>
      {previous && (
        <a href={href(previous === 'first' ? {} : { [keys.before]: formatCursor(previous) })} rel="prev" data-previous-page>
          {t('queue.page.previous')}
        </a>
      )}
      {next && (
        <a href={href({ [keys.after]: formatCursor(next) })} rel="next" data-next-page>
          {t('queue.page.next')}
        </a>
      )}
    </nav>
  );
}
