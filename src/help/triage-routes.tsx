import type { Context } from 'hono';
import { z } from 'zod';
import { LANGUAGES, formatDateTime } from '../i18n/index.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage, Csrf } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { listCases } from '../cases/case-file.ts';
import { staffOf } from '../auth/access.ts';
import { CASE_ROLES, TRIAGE_ROLES, mayTriage } from '../auth/roles.ts';
import { listUsers } from '../auth/users.ts';
import { COUNTRIES, NEEDS, REQUEST_STATUSES, countryName } from './needs.ts';
import { changeRequestStatus, colleaguesLackingAccess, openRequest, replyToRequest, shareRequest, shareRequests } from './triage.ts';
import { CASE_FILTERS, listInbox, queueCounts } from './inbox.ts';
import { cursorParam } from '../db/keyset.ts';
import { countWaitingAlerts } from '../notify/alerts.ts';
import { ContactWarning, ContentFacts, Conversation, InboxPage, NeedTags, ReplyForm, ShareForm, StaffName, StatusForm, shortRef } from './triage-views.tsx';
import { neutralise } from '../web/public-text.tsx';
import { CoercionFlag } from './duress-views.tsx';
import { claimsOf, liveClaim, mayClaim } from './claim-request.ts';
import { markConversationRead, requestsWithNews } from './read-marks.ts';
import { findTemplate, listTemplates } from './reply-templates.ts';
import { ClaimBox, TemplatePicker } from './queue-views.tsx';
import { registerQueue } from './queue-routes.tsx';
import { confirmedCoordinators, displayNames } from '../auth/users.ts';
import { isCalendarDate } from '../i18n/days.ts';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const inboxQuery = z.object({
  status: z.preprocess(emptyToUndefined, z.enum(REQUEST_STATUSES).optional()).catch(undefined),
  need: z.preprocess(emptyToUndefined, z.enum(NEEDS).optional()).catch(undefined),
  language: z.preprocess(emptyToUndefined, z.enum(LANGUAGES).optional()).catch(undefined),
  country: z.preprocess(emptyToUndefined, z.enum(COUNTRIES).optional()).catch(undefined),
  cases: z.preprocess(emptyToUndefined, z.enum(CASE_FILTERS).optional()).catch(undefined),
  // The short reference as shown ("#1a2b3c4d"), or any start of the id.
  ref: z.preprocess((value) => (typeof value === 'string' ? value.trim().replace(/^#/, '').toLowerCase() || undefined : undefined), z.string().regex(/^[0-9a-f-]{1,36}$/).optional()).catch(undefined),
  assignee: z.preprocess(emptyToUndefined, z.uuid().optional()).catch(undefined),
  from: z.preprocess(emptyToUndefined, z.string().refine(isCalendarDate).optional()).catch(undefined),
  to: z.preprocess(emptyToUndefined, z.string().refine(isCalendarDate).optional()).catch(undefined),
  // Keyset paging (src/db/keyset.ts): the page after the last row shown, or before the first.
  after: cursorParam,
  before: cursorParam,
});
export const INBOX_PAGE_SIZE = 50;
const requestId = z.uuid();
const replyForm = z.object({ body: z.string().trim().min(1).max(20_000) });
const statusForm = z.object({ status: z.enum(REQUEST_STATUSES) });
const shareForm = z.object({ user: z.uuid() });
const uuidQuery = z.uuid().optional().catch(undefined);
const sharedCount = z.coerce.number().int().min(0).max(100_000).optional().catch(undefined);


function idParam(c: Context<AppEnv>): string {
  const parsed = requestId.safeParse((c.req.param('id') ?? ''));
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const NOTICES = {
  replied: 'triage.reply.sent',
  noreply: 'triage.reply.empty',
  status: 'triage.status.saved',
  claimed: 'queue.claim.taken',
  released: 'queue.claim.released',
} as const;

async function requestPage(c: Context<AppEnv>, id: string) {
  const t = c.get('t');
  const noticeKey = NOTICES[c.req.query('done') as keyof typeof NOTICES];
  const shared = sharedCount.parse(c.req.query('shared'));
  const notice = shared !== undefined ? t('triage.share.done', { count: shared }) : noticeKey && t(noticeKey);
  const lang = c.get('lang');
  const me = staffOf(c);
  const db = dbOf(c);
  const opened = await db.transaction((tx) => openRequest(tx, me, id));
  if (!opened) throw notFound();
  await markConversationRead(db, me.userId, opened);
  const triage = mayTriage(me.roles);
  const minutes = c.get('deps').config.claimMinutes;
  const [claimRow] = await db.query<{ claimed_by: string | null; claimed_at: Date | null }>('select claimed_by, claimed_at from help_requests where id = $1', [id]);
  const claim = claimRow ? liveClaim(claimRow, minutes) : null;
  const claimable = triage && (await mayClaim(db, me.userId, id));
  const templates = opened.summary.caseId ? [] : await listTemplates(db, opened.summary.language);
  const chosen = uuidQuery.parse(c.req.query('template'));
  const prefill = chosen ? (await findTemplate(db, chosen))?.body : undefined;
  const users = await listUsers(db);
  const joinable = triage && !opened.summary.caseId ? await listCases(db, { memberId: me.userId }, 'open') : [];
  const lacking = triage && !opened.summary.caseId ? await colleaguesLackingAccess(db, me.userId, id) : [];
  const names = new Map(users.map((user) => [user.id, user.displayName]));
  const { summary } = opened;
  const assignable = users.filter((user) => user.active && user.roles.some((role) => CASE_ROLES.includes(role)));
  const base = `/staff/requests/${id}`;
  return staffPage(c,
    `${t('triage.request.title')} ${shortRef(id)}`,
    <>
      <h1>
        {t('triage.request.title')} {shortRef(id)}
      </h1>
      <CoercionFlag t={t} lang={lang} at={opened.summary.coercedAt} />
      {opened.content?.ok && <ContactWarning t={t} answer={opened.content.value.contactShared} />}
      {notice && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      {c.req.query('done') === 'held' && claim && claim.userId !== me.userId && (
        <p class="error" role="alert" data-claim-refused>
          {t('queue.claim.refused')} {t('queue.claim.heldBy')} <StaffName names={names} id={claim.userId} /> {t('queue.claim.since')} {formatDateTime(lang, claim.since)}
        </p>
      )}
      {summary.erasureRequested && <p class="notice">{t('triage.request.erasure')}</p>}
      <p>
        <NeedTags t={t} needs={summary.needs} urgent={summary.urgent} />
      </p>
      <p class="meta">
        {t('triage.request.received')}: {formatDateTime(lang, summary.createdAt)} · {summary.country ? countryName(lang, summary.country) : t('triage.unknownCountry')} ·{' '}
        {summary.language?.toUpperCase() ?? '—'} · {t(`triage.status.${summary.status}`)}
      </p>
      {summary.caseId && (
        <p>
          {t('triage.request.case')} <a href={`/staff/cases/${summary.caseId}`}>{t('cases.open')}</a>
        </p>
      )}
      {!opened.content ? (
        <p class="meta">{t('triage.contentMoved')}</p>
      ) : opened.content.ok ? (
        <ContentFacts t={t} content={opened.content.value} />
      ) : (
        <p class="error">{t('triage.unverified')}</p>
      )}
      {!summary.caseId && (claim || claimable) && (
        <ClaimBox t={t} lang={lang} staff={me} action={base} claim={claim} names={names} minutes={minutes} mayClaim={claimable} />
      )}
      <h2>{t('triage.conversation')}</h2>
      <Conversation t={t} lang={lang} messages={opened.messages} names={names} />
      {summary.caseId ? (
        // The person's safety answers moved into the case: answers are written where they are shown.
        <p>
          {t('triage.request.answerInCase')} <a href={`/staff/cases/${summary.caseId}`}>{t('cases.open')}</a>
        </p>
      ) : (
        <>
          <TemplatePicker t={t} action={base} templates={templates} personLang={summary.language} chosen={chosen} />
          <ReplyForm t={t} staff={me} action={`${base}/reply`} prefill={prefill} />
        </>
      )}
      {triage && summary.status !== 'erased' && <StatusForm t={t} staff={me} action={`${base}/status`} status={summary.status} />}
      {triage && !summary.caseId && (
        <ShareForm t={t} staff={me} action={`${base}/share`} colleagues={lacking} all={false} />
      )}
      {joinable.length > 0 && (
        <form method="post" action={`${base}/join`} class="card">
          <Csrf staff={me} />
          <h2>{t('cases.join.title')}</h2>
          <p class="hint">{t('cases.join.explain')}</p>
          <label for="join-case">{t('cases.join.case')}</label>
          <select id="join-case" name="case" required>
            {joinable.map((item) => (
              <option value={item.id}>{item.pseudonym}</option>
            ))}
          </select>
          <div class="actions">
            <button type="submit" class="secondary">{t('cases.join.submit')}</button>
          </div>
        </form>
      )}
      {!summary.caseId && triage && (
        <form method="post" action={`${base}/case`} class="card">
          <Csrf staff={me} />
          <h2>{t('cases.make.title')}</h2>
          <p class="hint">{t('cases.make.explain')}</p>
          <label for="assignee">{t('cases.make.assignee')}</label>
          <select id="assignee" name="assignee" required>
            {assignable.map((user) => (
              <option value={user.id} selected={user.id === me.userId}>
                {neutralise(user.displayName)}
              </option>
            ))}
          </select>
          <div class="actions">
            <button type="submit">{t('cases.make.submit')}</button>
          </div>
        </form>
      )}
    </>,
  );
}

export function registerTriage(app: App): void {
  registerQueue(app);
  route(app, 'GET', '/staff', staff('any'), async (c) => {
    const me = staffOf(c);
    if (!mayTriage(me.roles)) return c.redirect('/staff/my-work', 303);
    const { after, before, assignee, ...query } = inboxQuery.parse(c.req.query());
    const minutes = c.get('deps').config.claimMinutes;
    const claimedBy = assignee ? { userId: assignee, after: new Date(Date.now() - minutes * 60_000) } : undefined;
    const filter = { ...query, claimedBy, status: query.status ?? ('open' as const), cases: query.cases ?? ('without' as const) };
    const db = dbOf(c);
    const [page, counts, lacking, waitingAlerts, coordinators] = await Promise.all([
      listInbox(db, filter, { size: INBOX_PAGE_SIZE, after, before }),
      queueCounts(db),
      colleaguesLackingAccess(db, me.userId),
      countWaitingAlerts(db),
      confirmedCoordinators(db, me.userId),
    ]);
    const requests = page.rows;
    const ids = requests.map((request) => request.id);
    const [claims, news] = await Promise.all([claimsOf(db, ids, minutes), requestsWithNews(db, ids)]);
    const extras = {
      claims,
      news,
      names: await displayNames(db, [...new Set([...claims.values()].map((claim) => claim.userId))]),
      coordinators,
      assignee,
      previous: page.previous,
      next: page.next,
      query: { ...c.req.query(), shared: undefined },
    };
    const t = c.get('t');
    const shared = sharedCount.parse(c.req.query('shared'));
    return staffPage(c,
      t('triage.title'),
      <>
        {shared !== undefined && (
          <p class="ok" role="status">
            {t('triage.share.done', { count: shared })}
          </p>
        )}
        {waitingAlerts > 0 && (
          <p class="notice" role="alert" data-waiting-alerts={waitingAlerts}>
            {t('triage.alerts.waiting', { count: waitingAlerts })} <a href="/staff/on-call">{t('triage.alerts.open')}</a>
          </p>
        )}
        <InboxPage t={t} lang={c.get('lang')} requests={requests} counts={counts} filter={filter} extras={extras} />
        <ShareForm t={t} staff={me} action="/staff/requests/share" colleagues={lacking} all />
      </>,
    );
  });

  route(app, 'GET', '/staff/requests/:id', staff(...CASE_ROLES), (c) => requestPage(c, idParam(c)));

  route(app, 'POST', '/staff/requests/:id/reply', staff(...CASE_ROLES), async (c) => {
    const id = idParam(c);
    const form = replyForm.safeParse(await c.req.parseBody());
    // The answer names a case only after the reply was accepted: a refused post must not tell
    // someone outside the team which case a request became.
    if (!form.success) return c.redirect(`/staff/requests/${id}?done=noreply`, 303);
    const sent = await replyToRequest(dbOf(c), staffOf(c), id, form.data.body);
    if (!sent) throw notFound();
    const back = c.req.query('back') === 'case' && sent.caseId ? `/staff/cases/${sent.caseId}` : `/staff/requests/${id}`;
    return c.redirect(`${back}?done=replied`, 303);
  });

  route(app, 'POST', '/staff/requests/share', staff(...TRIAGE_ROLES), async (c) => {
    const form = shareForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    const count = await shareRequests(dbOf(c), staffOf(c), form.data.user);
    return c.redirect(`/staff?shared=${count}`, 303);
  });

  route(app, 'POST', '/staff/requests/:id/share', staff(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const form = shareForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    const count = await shareRequest(dbOf(c), staffOf(c), form.data.user, id);
    if (count === null) throw notFound();
    return c.redirect(`/staff/requests/${id}?shared=${count}`, 303);
  });

  route(app, 'POST', '/staff/requests/:id/status', staff(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const form = statusForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    if (!(await changeRequestStatus(dbOf(c), staffOf(c), id, form.data.status))) throw notFound();
    return c.redirect(`/staff/requests/${id}?done=status`, 303);
  });
}
