import type { Context } from 'hono';
import { z } from 'zod';
import { formatDateTime, type Translate } from '../i18n/index.ts';
import { dbOf, type AppEnv } from '../web/context.ts';
import { staffPage } from '../web/layout.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { PublicText } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { mayTriage } from '../auth/roles.ts';
import { NeedTags } from '../help/triage-views.tsx';
import { listCases, type CaseStatus, type CaseSummary } from './case-file.ts';

/** Open cases unless closed ones are asked for; anything else is the default, not an error. */
const listQuery = z.object({ status: z.enum(['open', 'closed']).catch('open') });

function CaseTable({ t, lang, cases, label }: { t: Translate; lang: AppEnv['Variables']['lang']; cases: CaseSummary[]; label: string }) {
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
                {item.waiting && (
                  <>
                    {' '}
                    <span class="tag" data-waiting>
                      {t('cases.waitingForAnswer')}
                    </span>
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

/** "My cases", and for coordinators every case too: open ones by default, closed ones on request. */
export async function caseListPage(c: Context<AppEnv>) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const db = dbOf(c);
  const { status } = listQuery.parse({ status: c.req.query('status') });
  const mine = await listCases(db, { memberId: me.userId }, status);
  const all = mayTriage(me.roles) ? await listCases(db, 'all', status) : null;
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
      <StatusLinks t={t} status={status} />
      <section data-list="mine">
        <h2>{t(`cases.mine.${status}`)}</h2>
        <CaseTable t={t} lang={lang} cases={mine} label={t(`cases.mine.${status}`)} />
      </section>
      {all && (
        <section data-list="all">
          <h2>{t(`cases.all.${status}`)}</h2>
          <CaseTable t={t} lang={lang} cases={all} label={t(`cases.all.${status}`)} />
        </section>
      )}
    </>,
  );
}
