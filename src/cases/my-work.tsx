import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { formatDateTime, relativeTime, type Lang, type Translate } from '../i18n/index.ts';
import { dbOf, type AppEnv } from '../web/context.ts';
import { staffPage } from '../web/layout.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { PublicText } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { mayTriage } from '../auth/roles.ts';
import { loadMyWork, type Listed } from './tasks-my-work.ts';
import { DaysLeft, deadlineKindName } from './tracks-format.tsx';
import { formatDay } from '../i18n/days.ts';
import { safetyWorkSection } from './safety-views.tsx';
import { coercionWorkSection } from './coercion-views.tsx';
import { remindersSection } from './task-reminders-routes.tsx';

function CaseLink({ id, pseudonym }: { id: string; pseudonym: string }) {
  return <a href={`/staff/cases/${id}`}>{pseudonym}</a>;
}

/** One list of My work: its heading, the table or the "nothing" line, and a note when it was cut. */
function Block<T>(props: { t: Translate; name: string; title: string; empty: string; list: Listed<T>; head: string[]; row: (item: T) => Child }) {
  const { t, list } = props;
  return (
    <section data-my-work={props.name}>
      <h2>{props.title}</h2>
      {list.items.length === 0 ? (
        <p class="meta">{props.empty}</p>
      ) : (
        <TableRegion label={props.title}>
          <table>
            <thead>
              <tr>
                {props.head.map((heading) => (
                  <th scope="col">{heading}</th>
                ))}
              </tr>
            </thead>
            <tbody>{list.items.map(props.row)}</tbody>
          </table>
        </TableRegion>
      )}
      {list.more && <p class="meta">{t('mywork.limited', { n: list.items.length })}</p>}
    </section>
  );
}

/**
 * "My work": what a caseworker, lawyer or psychologist has to do, most pressing first —
 * emergencies overdue for contact, then deadlines, tasks and cases. Coordinators see every
 * emergency overdue for contact, as they see every case.
 */
export async function myWorkPage(c: Context<AppEnv>) {
  const t = c.get('t');
  const lang: Lang = c.get('lang');
  const me = staffOf(c);
  const work = await loadMyWork(dbOf(c), me, { everyEmergency: mayTriage(me.roles) });
  return staffPage(c,
    t('mywork.title'),
    <>
      <h1>{t('mywork.title')}</h1>
      {work.newsCount > 0 && (
        <p class="notice" role="status" data-news-count={work.newsCount}>
          {t('queue.cases.news', { count: work.newsCount })}
        </p>
      )}
      {await coercionWorkSection(c)}
      <Block
        t={t}
        name="emergencies"
        title={t('mywork.emergencies')}
        empty={t('mywork.noEmergencies')}
        list={work.emergencies}
        head={[t('mywork.col.case'), t('mywork.col.state'), t('tracks.evac.lastContact')]}
        row={(item) => (
          <tr data-emergency={item.caseId}>
            <td>
              <CaseLink id={item.caseId} pseudonym={item.pseudonym} /> <strong class="tag urgent">{t('tracks.evac.overdue')}</strong>
            </td>
            <td>{t(`tracks.state.${item.state}` as 'tracks.state.requested')}</td>
            <td>
              {relativeTime(lang, item.since)} ({formatDateTime(lang, item.since)})
            </td>
          </tr>
        )}
      />
      {await safetyWorkSection(c)}
      <Block
        t={t}
        name="deadlines"
        title={t('mywork.deadlines')}
        empty={t('mywork.noDeadlines')}
        list={work.deadlines}
        head={[t('mywork.col.case'), t('mywork.col.what'), t('mywork.col.due')]}
        row={(item) => (
          <tr data-deadline={item.id}>
            <td>
              <CaseLink id={item.caseId} pseudonym={item.pseudonym} />
            </td>
            <td>{deadlineKindName(t, lang, item.kind)}</td>
            <td>
              {formatDay(lang, item.dueOn)} <DaysLeft t={t} due={item.dueOn} />
            </td>
          </tr>
        )}
      />
      <Block
        t={t}
        name="tasks"
        title={t('mywork.tasks')}
        empty={t('mywork.noTasks')}
        list={work.tasks}
        head={[t('mywork.col.case'), t('mywork.col.what'), t('mywork.col.due')]}
        row={(item) => (
          <tr data-task={item.id}>
            <td>
              <CaseLink id={item.caseId} pseudonym={item.pseudonym} />
            </td>
            <td>{item.title !== null ? <PublicText text={item.title} /> : '—'}</td>
            <td>
              {formatDay(lang, item.dueOn)} <DaysLeft t={t} due={item.dueOn} />
            </td>
          </tr>
        )}
      />
      <Block
        t={t}
        name="cases"
        title={t('mywork.cases')}
        empty={t('mywork.noCases')}
        list={work.cases}
        head={[t('mywork.col.case'), t('cases.col.updated')]}
        row={(item) => (
          <tr data-case={item.id}>
            <td>
              <CaseLink id={item.id} pseudonym={item.pseudonym} />
              {item.news && (
                <>
                  {' '}
                  <strong class="tag news" data-news>
                    {t('queue.news.tag')}
                  </strong>
                </>
              )}
              {item.emergency && (
                <>
                  {' '}
                  <span class="tag urgent">{t('mywork.emergency')}</span>
                </>
              )}
              {item.urgent && !item.emergency && (
                <>
                  {' '}
                  <span class="tag urgent">{t('triage.urgent')}</span>
                </>
              )}
            </td>
            <td>{formatDateTime(lang, item.updatedAt)}</td>
          </tr>
        )}
      />
      {await remindersSection(c)}
    </>,
  );
}
