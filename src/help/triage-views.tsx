import type { Translate } from '../i18n/index.ts';
import { LANGUAGES, LANGUAGE_NAMES, formatDateTime, type Lang } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { PublicBlock, PublicText, neutralise } from '../web/public-text.tsx';
import { COUNTRIES, NEEDS, REQUEST_STATUSES, countryName } from './needs.ts';
import { COUNT_CAP, type ColleagueLacking, type OpenedRequest, type RequestSummary } from './triage.ts';
import { CASE_FILTERS, type InboxFilter, type QueueCounts } from './inbox.ts';
import type { Cursor } from '../db/keyset.ts';
import type { RequestContent } from './content.ts';
import type { Claim } from './claim-request.ts';
import { ClaimLine, Pager } from './queue-views.tsx';
import { CoercionTag } from './duress-views.tsx';
import { FilterSelect } from '../web/forms.tsx';

type Props = { t: Translate; lang: Lang };

export function waited(t: Translate, since: Date, now = new Date()) {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  return t('triage.waited', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** A short, stable reference for a request that reveals nothing: the start of its id. */
export const shortRef = (id: string) => `#${id.slice(0, 8)}`;

export function NeedTags({ t, needs, urgent }: { t: Translate; needs: readonly string[]; urgent: boolean }) {
  return (
    <>
      {urgent && <span class="tag urgent">{t('triage.urgent')}</span>}
      {needs.map((need) => (
        <span class="tag">{t(`help.need.${need as (typeof NEEDS)[number]}`)}</span>
      ))}
    </>
  );
}

/** What the inbox shows beside each request, and how its list is paged. */
export type InboxExtras = {
  claims: Map<string, Claim>;
  news: Set<string>;
  names: Map<string, string>;
  /** the coordinators one can filter by (who is on a request) */
  coordinators: { id: string; displayName: string }[];
  assignee: string | undefined;
  /** where the page before and the page after this one start (src/db/keyset.ts) */
  previous: Cursor | 'first' | null;
  next: Cursor | null;
  query: Record<string, string | undefined>;
};

/**
 * A count of the queue as a coordinator reads it: the number, or "more than 999" once it reaches
 * COUNT_CAP (counting stops there); the noun after it agrees with the number shown.
 */
export function QueueCount({ t, count, kind, noun }: { t: Translate; count: number; kind: string; noun: (count: number) => string }) {
  const capped = count >= COUNT_CAP;
  const shown = capped ? COUNT_CAP - 1 : count;
  return (
    <span>
      <strong data-count={kind} data-capped={capped ? String(shown) : undefined}>
        {capped ? t('queue.counts.over', { count: shown }) : count}
      </strong>{' '}
      {noun(shown)}
    </span>
  );
}

export function InboxPage({ t, lang, requests, counts, filter, extras }: Props & { requests: RequestSummary[]; counts: QueueCounts; filter: InboxFilter; extras: InboxExtras }) {
  return (
    <>
      <h1>{t('triage.title')}</h1>
      <p class="counts" role="status">
        {(['urgent', 'new', 'waiting'] as const).map((kind) => (
          <QueueCount t={t} kind={kind} count={counts[kind]} noun={(count) => t(`triage.counts.${kind}`, { count })} />
        ))}
        <QueueCount t={t} kind="news" count={counts.news} noun={(count) => t('queue.counts.news', { count })} />
      </p>
      <form method="get" action="/staff" class="filters" aria-label={t('triage.filter')}>
        <label>
          {t('queue.filter.ref')}
          <input name="ref" value={filter.ref ? `#${filter.ref}` : ''} size={10} maxlength={37} autocomplete="off" />
        </label>
        <FilterSelect
          name="status"
          label={t('triage.filter.status')}
          value={filter.status === 'open' ? '' : filter.status}
          any={t('triage.filter.open')}
          options={REQUEST_STATUSES.map((s) => [s, t(`triage.status.${s}`)])}
        />
        <FilterSelect name="need" label={t('triage.filter.need')} value={filter.need} any={t('triage.filter.any')} options={NEEDS.map((n) => [n, t(`help.need.${n}`)])} />
        <FilterSelect name="language" label={t('triage.filter.language')} value={filter.language} any={t('triage.filter.any')} options={LANGUAGES.map((l) => [l, LANGUAGE_NAMES[l]])} />
        <FilterSelect name="country" label={t('triage.filter.country')} value={filter.country} any={t('triage.filter.any')} options={COUNTRIES.map((c) => [c, countryName(lang, c)])} />
        <FilterSelect
          name="cases"
          label={t('triage.filter.cases')}
          value={filter.cases === 'without' ? '' : filter.cases}
          any={t('triage.filter.cases.without')}
          options={CASE_FILTERS.filter((f) => f !== 'without').map((f) => [f, t(`triage.filter.cases.${f}`)])}
        />
        <FilterSelect
          name="assignee"
          label={t('queue.filter.assignee')}
          value={extras.assignee}
          any={t('queue.filter.anyone')}
          options={extras.coordinators.map((user) => [user.id, neutralise(user.displayName)])}
        />
        <label>
          {t('queue.filter.from')}
          <input type="date" name="from" value={filter.from ?? ''} />
        </label>
        <label>
          {t('queue.filter.to')}
          <input type="date" name="to" value={filter.to ?? ''} />
        </label>
        <span class="hint">{t('queue.filter.days')}</span>
        <button type="submit" class="secondary">
          {t('triage.filter.apply')}
        </button>
      </form>
      {requests.length === 0 ? (
        <p>{t('triage.empty')}</p>
      ) : (
        <TableRegion label={t('triage.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('triage.col.request')}</th>
                <th scope="col">{t('triage.col.needs')}</th>
                <th scope="col">{t('triage.col.where')}</th>
                <th scope="col">{t('triage.col.language')}</th>
                <th scope="col">{t('triage.col.status')}</th>
                <th scope="col">{t('triage.col.waited')}</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((request) => (
                <tr data-request={request.id}>
                  <td>
                    <a href={`/staff/requests/${request.id}`}>{shortRef(request.id)}</a>
                    <CoercionTag t={t} at={request.coercedAt} />
                    <br />
                    <span class="meta">{formatDateTime(lang, request.createdAt)}</span>
                  </td>
                  <td>
                    <NeedTags t={t} needs={request.needs} urgent={request.urgent} />
                  </td>
                  <td>{request.country ? countryName(lang, request.country) : t('triage.unknownCountry')}</td>
                  <td>{request.language?.toUpperCase() ?? '—'}</td>
                  <td>
                    {t(`triage.status.${request.status}`)}
                    {request.caseId && (
                      <>
                        {' '}
                        <span class="tag" data-became-case>
                          {t('triage.tag.case')}
                        </span>
                      </>
                    )}
                  </td>
                  <td>
                    {request.waitingSince ? waited(t, request.waitingSince) : <span class="meta">{t('triage.answered')}</span>}
                    {/* With the waiting, not before the urgent tag: danger is what a coordinator must see first. */}
                    {extras.news.has(request.id) && (
                      <>
                        {' '}
                        <strong class="tag news" data-news>
                          {t('queue.news.tag')}
                        </strong>
                      </>
                    )}
                    {extras.claims.has(request.id) && (
                      <>
                        <br />
                        <ClaimLine t={t} lang={lang} claim={extras.claims.get(request.id)!} names={extras.names} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <Pager t={t} base="/staff" query={extras.query} previous={extras.previous} next={extras.next} />
    </>
  );
}

const CONTENT_FIELDS = ['city', 'otherNeed', 'contact', 'contactShared', 'safeTimes', 'codeWord', 'story'] as const;
const BLOCK_FIELDS: readonly string[] = ['story', 'otherNeed'];

/** Everything a person wrote goes through PublicText/PublicBlock (isolated, direction controls shown). */
export function PersonText({ text, block }: { text: string; block: boolean }) {
  return block ? <PublicBlock text={text} /> : <PublicText text={text} />;
}

/**
 * The person's answer to "is your phone shared or checked by others?", as a warning at the top of
 * the page, above every way to reach them. "Not sure" is treated as a warning too.
 */
export function ContactWarning({ t, answer }: { t: Translate; answer: 'no' | 'yes' | 'unsure' | undefined }) {
  if (answer !== 'yes' && answer !== 'unsure') return null;
  return (
    <p class="notice contact-warning" data-contact-shared={answer}>
      <strong class="tag warn">{t(`triage.contactShared.badge.${answer}`)}</strong> {t(`triage.contactShared.advice.${answer}`)}
    </p>
  );
}

/** The person's details as a definition list. */
export function ContentFacts({ t, content }: { t: Translate; content: RequestContent }) {
  const shown = CONTENT_FIELDS.filter((field) => content[field]);
  if (shown.length === 0) return null;
  return (
    <dl class="facts">
      {shown.map((field) => (
        <>
          <dt>{t(`triage.field.${field}`)}</dt>
          <dd data-field={field}>
            {field === 'contactShared' ? t(`help.contactShared.${content.contactShared!}`) : <PersonText text={content[field]!} block={BLOCK_FIELDS.includes(field)} />}
          </dd>
        </>
      ))}
    </dl>
  );
}

/** A colleague's name: chosen by the colleague, so isolated like anything else typed in. */
export function StaffName({ names, id }: { names: Map<string, string>; id: string }) {
  const name = names.get(id);
  return name ? <PublicText text={name} /> : <>—</>;
}

export function Conversation({ t, lang, messages, names }: Props & { messages: OpenedRequest['messages']; names: Map<string, string> }) {
  if (messages.length === 0) return <p>{t('triage.noMessages')}</p>;
  return (
    <ul class="thread">
      {messages.map((message) => (
        <li class={message.author === 'staff' ? 'staff-msg' : ''}>
          <span class="meta">
            {message.staffUserId ? <StaffName names={names} id={message.staffUserId} /> : t('triage.person')} · {formatDateTime(lang, message.at)}
          </span>
          {message.body !== null ? <PublicBlock text={message.body} /> : <p class="error">{t('triage.unverified')}</p>}
        </li>
      ))}
    </ul>
  );
}

/** `id`: the textarea's, unique on a page with several reply forms (a case with joined requests). */
export function ReplyForm({ t, staff, action, prefill, id = 'reply' }: { t: Translate; staff: StaffSession; action: string; prefill?: string; id?: string }) {
  return (
    <form method="post" action={action}>
      <Csrf staff={staff} />
      <label for={id}>
        {t('triage.reply')}
        <span class="hint">{t('triage.reply.hint')}</span>
      </label>
      <textarea id={id} name="body" rows={5} required>
        {prefill ?? ''}
      </textarea>
      <div class="actions">
        <button type="submit">{t('triage.reply.send')}</button>
      </div>
    </form>
  );
}

export function StatusForm({ t, staff, action, status }: { t: Translate; staff: StaffSession; action: string; status: string }) {
  return (
    <form method="post" action={action} class="filters">
      <Csrf staff={staff} />
      <label>
        {t('triage.status.change')}
        <select name="status">
          {REQUEST_STATUSES.map((option) => (
            <option value={option} selected={option === status}>
              {t(`triage.status.${option}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        {t('triage.status.save')}
      </button>
    </form>
  );
}

/**
 * Shares one request, or every open one the holder can read, with a coordinator who joined later.
 * It names who lacks access (and to how many requests), and is not shown when nobody does.
 */
export function ShareForm({ t, staff, action, colleagues, all }: { t: Translate; staff: StaffSession; action: string; colleagues: ColleagueLacking[]; all: boolean }) {
  if (colleagues.length === 0) return null;
  return (
    <form method="post" action={action} class="card" data-share>
      <Csrf staff={staff} />
      <h2>{t('triage.share')}</h2>
      <p class="hint">{t('triage.share.hint')}</p>
      <p>{all ? t('triage.share.lacking') : t('triage.share.lackingThis')}</p>
      <ul>
        {colleagues.map((colleague) => (
          <li data-lacking={colleague.id}>
            <PublicText text={colleague.displayName} />
            {all && <> · {colleague.missing >= COUNT_CAP ? t('triage.share.missingMany', { count: COUNT_CAP - 1 }) : t('triage.share.missing', { count: colleague.missing })}</>}
          </li>
        ))}
      </ul>
      <div class="filters">
        <label>
          {t('triage.share.colleague')}
          <select name="user">
            {colleagues.map((colleague) => (
              <option value={colleague.id}>{neutralise(colleague.displayName)}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          {all ? t('triage.share.all') : t('triage.share.one')}
        </button>
      </div>
    </form>
  );
}
