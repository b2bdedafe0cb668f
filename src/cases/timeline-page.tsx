import type { Context } from 'hono';
import { z } from 'zod';
import { formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { CASE_ROLES, isRole } from '../auth/roles.ts';
import { displayNames } from '../auth/users.ts';
import { openTimeline, searchTimeline, type TimelineItem } from './timeline.ts';
import { TRACKS, TRACK_STATES, type Track } from './tracks.ts';
import { CASE_PARTS, type CasePart } from './case-roles.ts';

const uuid = z.uuid();
const RECORDS = ['contact', 'contact_interval', 'plan', 'plan_shredded', 'item_requested', 'item_handed_out', 'session', 'procedure', 'stage', 'deadline', 'deadline_met', 'deadline_reopened'] as const;
const TASK_CHANGES = ['added', 'done', 'reopened'] as const;
const ALL_STATES = new Set<string>(Object.values(TRACK_STATES).flat());

const oneOf = <T extends string>(list: readonly T[], value: string | undefined): value is T => value !== undefined && (list as readonly string[]).includes(value);

/** An audit event in words; every code is checked against its list before it becomes a message key. */
function eventText(t: Translate, item: Extract<TimelineItem, { type: 'event' }>, names: Map<string, string>): string {
  const d = item.detail;
  const part = (value: string | undefined) => (oneOf<CasePart>(CASE_PARTS, value) ? t(`cases.part.${value}`) : '—');
  const track = (value: string | undefined) => (oneOf<Track>(TRACKS, value) ? t(`tracks.track.${value}`) : '—');
  switch (item.kind) {
    case 'case.created':
      return t('timeline.event.case.created');
    case 'case.assigned':
      return t('timeline.event.case.assigned', { who: names.get(d.userId ?? '') ?? '—', role: isRole(d.role) ? t(`auth.role.${d.role}`) : '—' });
    case 'case.member_removed':
      return t('timeline.event.case.member_removed', { who: names.get(d.userId ?? '') ?? '—' });
    case 'case.status_changed':
      return t('timeline.event.case.status_changed', { to: d.to === 'open' || d.to === 'closed' ? t(`cases.status.${d.to}`) : '—' });
    case 'case.request_joined':
      return t('timeline.event.case.request_joined');
    case 'request.received':
      return t('timeline.event.request.received');
    case 'request.status_changed':
      return t('timeline.event.request.status_changed', { to: oneOf(['new', 'triage', 'accepted', 'referred', 'closed'] as const, d.to) ? t(`triage.status.${d.to}`) : '—' });
    case 'case.document_added':
      return t('timeline.event.case.document_added', { part: part(d.part) });
    case 'case.track_opened':
      return t('timeline.event.case.track_opened', { track: track(d.track) });
    case 'case.track_state_changed':
      return t('timeline.event.case.track_state_changed', { track: track(d.track), to: d.to && ALL_STATES.has(d.to) ? t(`tracks.state.${d.to as 'requested'}`) : '—' });
    case 'case.track_recorded':
      return t('timeline.event.case.track_recorded', { track: track(d.track), record: oneOf(RECORDS, d.record) ? t(`timeline.record.${d.record}`) : t('timeline.record.other') });
    case 'case.task_changed':
      return t('timeline.event.case.task_changed', { change: oneOf(TASK_CHANGES, d.change) ? t(`timeline.task.${d.change}`) : '—' });
    default:
      return t('timeline.event.other');
  }
}

function Item({ t, lang, item, names }: { t: Translate; lang: Lang; item: TimelineItem; names: Map<string, string> }) {
  const actor = item.type === 'message' && item.fromPerson ? t('timeline.person') : item.actorId ? (names.get(item.actorId) ?? '—') : t('timeline.someone');
  const when = <time datetime={item.at.toISOString()}>{formatDateTime(lang, item.at)}</time>;
  const body = (text: string | null | false) =>
    text === null ? null : text === false ? <p class="error">{t('timeline.unverified')}</p> : <PublicBlock text={text} />;
  return (
    <li data-timeline={item.type} data-kind={item.type === 'event' ? item.kind : item.type === 'note' ? item.part : undefined}>
      <span class="meta">
        {when} · <PublicText text={actor} />
      </span>
      {item.type === 'event' && <p>{eventText(t, item, names)}</p>}
      {item.type === 'note' && (
        <>
          <p>
            <strong>{t('timeline.note', { part: t(`cases.part.${item.part}`) })}</strong>
          </p>
          {item.body === null ? body(false) : body(item.body)}
        </>
      )}
      {item.type === 'message' && (
        <>
          <p>
            <strong>{t(item.fromPerson ? 'timeline.message.person' : 'timeline.message.staff')}</strong>
          </p>
          {item.body === null ? body(false) : body(item.body)}
        </>
      )}
      {item.type === 'referral' && (
        <>
          <p>
            <strong>{t('timeline.referral', { name: item.entryName, kind: t(`directory.kind.${item.entryKind}`) })}</strong>
            {item.ended && <span class="meta"> · {t('timeline.referral.ended')}</span>}
          </p>
          {body(item.note)}
        </>
      )}
    </li>
  );
}

export function registerTimeline(app: App): void {
  route(app, 'GET', '/staff/cases/:id/timeline', staff(...CASE_ROLES), async (c: Context<AppEnv>) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const id = uuid.safeParse(c.req.param('id') ?? '');
    if (!id.success) throw notFound();
    const timeline = await openTimeline(dbOf(c), staffOf(c), id.data);
    if (!timeline) throw notFound();
    const query = (c.req.query('q') ?? '').slice(0, 200);
    const items = searchTimeline(timeline.items, query);
    const actorIds = new Set<string>();
    for (const item of timeline.items) {
      if (item.actorId) actorIds.add(item.actorId);
      if (item.type === 'event' && item.detail.userId) actorIds.add(item.detail.userId);
    }
    const names = await displayNames(dbOf(c), [...actorIds].filter((value) => uuid.safeParse(value).success));
    return staffPage(c,
      t('timeline.title'),
      <>
        <h1>{t('timeline.heading', { name: timeline.pseudonym })}</h1>
        <p>
          <a href={`/staff/cases/${timeline.caseId}`}>{t('timeline.back')}</a>
        </p>
        <p class="meta">{t('timeline.intro')}</p>
        <form method="get" action={`/staff/cases/${timeline.caseId}/timeline`} class="filters" role="search">
          <label>
            {t('timeline.search')}
            <input type="search" name="q" value={query} maxlength={200} />
          </label>
          <button type="submit" class="secondary">
            {t('timeline.search.submit')}
          </button>
        </form>
        <p class="meta">{t('timeline.count', { n: items.length })}</p>
        {items.length === 0 ? (
          <p>{t('timeline.empty')}</p>
        ) : (
          <ol class="thread" data-timeline-list>
            {items.map((item) => (
              <Item t={t} lang={lang} item={item} names={names} />
            ))}
          </ol>
        )}
      </>,
    );
  });
}
