import type { Context } from 'hono';
import { z } from 'zod';
import { LANGUAGES, LANGUAGE_NAMES, formatDateTime, type Translate } from '../i18n/index.ts';
import { dbOf, type AppEnv } from '../web/context.ts';
import { staffPage } from '../web/layout.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { PublicText, neutralise } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { mayTriage } from '../auth/roles.ts';
import { listUsers } from '../auth/users.ts';
import { NeedTags } from '../help/triage-views.tsx';
import { CheckinOverdue } from './safety-views.tsx';
import { COUNTRIES, NEEDS, countryName } from '../help/needs.ts';
import { casesOfRequestRef } from '../help/triage.ts';
import { Pager } from '../help/queue-views.tsx';
import type { CaseFind, CaseStatus, CaseSummary } from './case-file.ts';
import { listCasePage } from './case-pages.ts';
import { cursorParam } from '../db/keyset.ts';
import { countMyCasesWithNews } from './case-news.ts';
import { isCalendarDate } from '../i18n/days.ts';
import { FilterSelect } from '../web/forms.tsx';

export const CASE_PAGE_SIZE = 50;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional()).catch(undefined);

/** Open cases unless closed ones are asked for; a bad filter is ignored, not an error. */
const listQuery = z.object({
  status: z.enum(['open', 'closed']).catch('open'),
  pseudonym: optional(z.string().trim().min(1).max(60)),
  ref: z.preprocess((value) => (typeof value === 'string' ? value.trim().replace(/^#/, '').toLowerCase() || undefined : undefined), z.string().regex(/^[0-9a-f-]{1,36}$/).optional()).catch(undefined),
  need: optional(z.enum(NEEDS)),
  language: optional(z.enum(LANGUAGES)),
  country: optional(z.enum(COUNTRIES)),
  member: optional(z.uuid()),
  from: optional(z.string().refine(isCalendarDate)),
  to: optional(z.string().refine(isCalendarDate)),
  // Each list pages on its own, by keyset (src/db/keyset.ts): every case, and one's own.
  after: cursorParam,
  before: cursorParam,
  mine_after: cursorParam,
  mine_before: cursorParam,
});
type ListQuery = z.infer<typeof listQuery>;

/** `breakGlassFor`: the viewer, offered break-glass on the cases whose team they are not on. */
function CaseTable({ t, lang, cases, label, breakGlassFor }: { t: Translate; lang: AppEnv['Variables']['lang']; cases: CaseSummary[]; label: string; breakGlassFor?: string }) {
  if (cases.length === 0) return <p>{t('cases.none')}</p>;
  return (
    <TableRegion label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('cases.col.case')}</th>
            <th scope="col">{t('cases.col.needs')}</th>
            <th scope="col">{t('cases.col.assigned')}</th>
            <th scope="col">{t('cases.col.status')}</th>
            <th scope="col">{t('cases.col.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((item) => (
            <tr data-case={item.id}>
              <td>
                <a href={`/staff/cases/${item.id}`}>{item.pseudonym}</a>
                {item.news && (
                  <>
                    {' '}
                    <strong class="tag news" data-news>
                      {t('queue.news.tag')}
                    </strong>
                  </>
                )}
                {item.waiting && (
                  <>
                    {' '}
                    <span class="tag" data-waiting>
                      {t('cases.waitingForAnswer')}
                    </span>
                  </>
                )}
                {item.checkinOverdue && (
                  <>
                    {' '}
                    <CheckinOverdue t={t} />
                  </>
                )}
                {breakGlassFor && !item.team.some((member) => member.userId === breakGlassFor) && (
                  <>
                    {' '}
                    <a href={`/staff/cases/${item.id}/break-glass`} data-break-glass-link>
                      {t('safety.breakGlass.link')}
                    </a>
                  </>
                )}
              </td>
              <td>
                <NeedTags t={t} needs={item.needs.filter((n) => n.status !== 'done' && n.status !== 'not_needed').map((n) => n.need)} urgent={item.urgent} />
              </td>
              <td>
                {item.team.map((member, index) => (
                  <>
                    {index > 0 && ', '}
                    <PublicText text={member.displayName} /> ({t(`auth.role.${member.role}`)})
                  </>
                ))}
              </td>
              <td>{t(`cases.status.${item.status}`)}</td>
              <td>{formatDateTime(lang, item.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** Links between the open and the closed cases; a plain link works without JavaScript. */
function StatusLinks({ t, status }: { t: Translate; status: CaseStatus }) {
  return (
    <nav class="filters" aria-label={t('cases.filter')}>
      {(['open', 'closed'] as const).map((option) => (
        <a href={`/staff/cases?status=${option}`} aria-current={option === status ? 'page' : undefined} data-status-link={option}>
          {t(`cases.filter.${option}`)}
        </a>
      ))}
    </nav>
  );
}

/** The find form: plain metadata only. It is a GET form, so it works without JavaScript and can be bookmarked. */
function FindForm({ t, lang, query, members }: { t: Translate; lang: AppEnv['Variables']['lang']; query: ListQuery; members: { id: string; displayName: string }[] }) {
  return (
    <form method="get" action="/staff/cases" class="filters" aria-label={t('triage.filter')} data-find-cases>
      <input type="hidden" name="status" value={query.status} />
      <label>
        {t('queue.filter.pseudonym')}
        <input name="pseudonym" value={query.pseudonym ?? ''} size={14} maxlength={60} autocomplete="off" />
      </label>
      <label>
        {t('queue.filter.ref')}
        <input name="ref" value={query.ref ? `#${query.ref}` : ''} size={10} maxlength={37} autocomplete="off" />
      </label>
      <FilterSelect name="need" label={t('triage.filter.need')} value={query.need} any={t('queue.filter.needAny')} options={NEEDS.map((n) => [n, t(`help.need.${n}`)])} />
      <FilterSelect name="language" label={t('triage.filter.language')} value={query.language} any={t('triage.filter.any')} options={LANGUAGES.map((l) => [l, LANGUAGE_NAMES[l]])} />
      <FilterSelect name="country" label={t('triage.filter.country')} value={query.country} any={t('triage.filter.any')} options={COUNTRIES.map((c) => [c, countryName(lang, c)])} />
      <FilterSelect name="member" label={t('queue.filter.member')} value={query.member} any={t('queue.filter.anyone')} options={members.map((m) => [m.id, neutralise(m.displayName)])} />
      <label>
        {t('queue.filter.fromCase')}
        <input type="date" name="from" value={query.from ?? ''} />
      </label>
      <label>
        {t('queue.filter.toCase')}
        <input type="date" name="to" value={query.to ?? ''} />
      </label>
      <span class="hint">{t('queue.filter.days')}</span>
      <button type="submit" class="secondary">
        {t('triage.filter.apply')}
      </button>
    </form>
  );
}

/** "My cases", and for coordinators every case too: open ones by default, closed ones on request; found and paged. */
export async function caseListPage(c: Context<AppEnv>) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const db = dbOf(c);
  const query = listQuery.parse(c.req.query());
  const { status } = query;
  const find: CaseFind = {
    pseudonym: query.pseudonym,
    need: query.need,
    language: query.language,
    country: query.country,
    memberId: query.member,
    from: query.from,
    to: query.to,
    caseIds: query.ref ? await casesOfRequestRef(db, query.ref) : undefined,
  };
  const mine = await listCasePage(db, { memberId: me.userId }, status, find, { size: CASE_PAGE_SIZE, after: query.mine_after, before: query.mine_before });
  const all = mayTriage(me.roles) ? await listCasePage(db, 'all', status, find, { size: CASE_PAGE_SIZE, after: query.after, before: query.before }) : null;
  const news = await countMyCasesWithNews(db, me.userId);
  const members = (await listUsers(db)).filter((user) => user.active);
  return staffPage(c,
    t('cases.mine'),
    <>
      <h1>{t('cases.mine')}</h1>
      {mayTriage(me.roles) && (
        <p>
          <a class="button" href="/staff/cases/new">
            {t('cases.new')}
          </a>
        </p>
      )}
      {news > 0 && (
        <p class="notice" role="status" data-news-count={news}>
          {t('queue.cases.news', { count: news })}
        </p>
      )}
      <StatusLinks t={t} status={status} />
      <FindForm t={t} lang={lang} query={query} members={members} />
      <section data-list="mine">
        <h2>{t(`cases.mine.${status}`)}</h2>
        <CaseTable t={t} lang={lang} cases={mine.rows} label={t(`cases.mine.${status}`)} />
        <Pager t={t} base="/staff/cases" query={c.req.query()} previous={mine.previous} next={mine.next} keys={{ after: 'mine_after', before: 'mine_before' }} label={t(`cases.mine.${status}`)} />
      </section>
      {all && (
        <section data-list="all">
          <h2>{t(`cases.all.${status}`)}</h2>
          <CaseTable t={t} lang={lang} cases={all.rows} label={t(`cases.all.${status}`)} breakGlassFor={me.userId} />
          <Pager t={t} base="/staff/cases" query={c.req.query()} previous={all.previous} next={all.next} label={t(`cases.all.${status}`)} />
        </section>
      )}
    </>,
  );
}
