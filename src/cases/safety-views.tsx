import type { Context } from 'hono';
import { formatDateTime, relativeTime, type Lang, type Translate } from '../i18n/index.ts';
import { dbOf, type AppEnv, type StaffSession } from '../web/context.ts';
import { Csrf, staffPage } from '../web/layout.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { displayNames } from '../auth/users.ts';
import { ContactWarning } from '../help/triage-views.tsx';
import { CaseFacts } from './case-views.tsx';
import { CHECKIN_HOURS, myOverdueCheckins, type Checkin } from './checkins.ts';
import { REASON_MAX, type BreakGlassRecord } from './break-glass.ts';
import { breakGlassWork, type BreakGlassNotice, type BreakGlassView } from './break-glass-open.ts';
import { openCaseSafety } from './safety-file.ts';

/** Answers of the check-in and break-glass forms, shown back on the case page (`?safety=`). */
const NOTICES = {
  set: 'safety.checkin.saved',
  stopped: 'safety.checkin.stopped',
  recorded: 'safety.checkin.recorded',
  badHours: 'safety.checkin.badHours',
  approved: 'safety.breakGlass.approvedNotice',
  lapsed: 'safety.breakGlass.lapsedNotice',
} as const;
const ERRORS: ReadonlySet<string> = new Set(['safety.checkin.badHours', 'safety.breakGlass.lapsedNotice']);

/** Overdue is said in words, not colour alone. */
export function CheckinOverdue({ t }: { t: Translate }) {
  return <strong class="tag urgent" data-checkin-overdue>{t('safety.checkin.overdue')}</strong>;
}

function CheckinState({ t, lang, checkin }: { t: Translate; lang: Lang; checkin: Checkin }) {
  return (
    <p class={checkin.overdue ? 'error' : 'meta'} data-checkin={checkin.overdue ? 'overdue' : 'ok'}>
      {checkin.overdue && (
        <>
          <CheckinOverdue t={t} />{' '}
        </>
      )}
      {t('safety.checkin.every', { n: checkin.intervalHours })} · {t(`safety.checkin.lastBy.${checkin.lastBy}`)}: {relativeTime(lang, checkin.lastAt)} ({formatDateTime(lang, checkin.lastAt)}) ·{' '}
      {t('safety.checkin.due')}: {formatDateTime(lang, checkin.dueAt)}
    </p>
  );
}

function BreakGlassList({ t, lang, staff, records, names, approves }: { t: Translate; lang: Lang; staff: StaffSession; records: BreakGlassRecord[]; names: Map<string, string>; approves: boolean }) {
  return (
    <ul>
      {records.map((record) => (
        <li data-break-glass={record.id} data-status={record.status}>
          <strong>{t(`safety.breakGlass.status.${record.status}`)}</strong> · <PublicText text={names.get(record.requesterId) ?? '—'} /> · {formatDateTime(lang, record.createdAt)}
          {record.status === 'pending' && (
            <>
              {' '}
              · {t('safety.breakGlass.lapses')} {formatDateTime(lang, record.lapsesAt)}
            </>
          )}
          {record.approvedAt && record.expiresAt && (
            <>
              {' '}
              · {t('safety.breakGlass.approvedBy')} <PublicText text={names.get(record.approvedBy ?? '') ?? '—'} /> · {t('safety.breakGlass.until')} {formatDateTime(lang, record.expiresAt)}
            </>
          )}
          {record.reason === null ? (
            <p class="meta">{t('safety.breakGlass.reasonSealed')}</p>
          ) : record.reason === false ? (
            <p class="error">{t('triage.unverified')}</p>
          ) : (
            <PublicBlock text={record.reason} />
          )}
          {record.status === 'pending' && approves && record.requesterId !== staff.userId && (
            <form method="post" action={`/staff/break-glass/${record.id}/approve`} class="inline">
              <Csrf staff={staff} />
              <button type="submit">{t('safety.breakGlass.approve')}</button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The case page's check-in and break-glass section, for a member of the team (null for anyone else). */
export async function safetySection(c: Context<AppEnv>, caseId: string) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const safety = await openCaseSafety(dbOf(c), me, caseId);
  if (!safety) return null;
  const base = `/staff/cases/${caseId}`;
  const noticeKey = NOTICES[c.req.query('safety') as keyof typeof NOTICES];
  return (
    <>
      <section data-safety="checkins" aria-labelledby="checkins-title">
        <h2 id="checkins-title">{t('safety.checkin.title')}</h2>
        {noticeKey && (
          <p class={ERRORS.has(noticeKey) ? 'error' : 'ok'} role={ERRORS.has(noticeKey) ? 'alert' : 'status'}>
            {t(noticeKey)}
          </p>
        )}
        {safety.checkin ? <CheckinState t={t} lang={lang} checkin={safety.checkin} /> : <p class="meta">{t('safety.checkin.none')}</p>}
        {safety.checkin && safety.recordsCheckin && (
          <form method="post" action={`${base}/checkin`} class="inline">
            <Csrf staff={me} />
            <button type="submit">{t('safety.checkin.record')}</button>
          </form>
        )}
        {safety.setsInterval && (
          <form method="post" action={`${base}/checkins`} class="filters">
            <Csrf staff={me} />
            <label>
              {t('safety.checkin.hours')}
              <input type="number" name="hours" min={CHECKIN_HOURS.min} max={CHECKIN_HOURS.max} step={1} required value={String(safety.checkin?.intervalHours ?? 24)} />
            </label>
            <button type="submit" class="secondary">
              {t('safety.checkin.save')}
            </button>
          </form>
        )}
        {safety.setsInterval && safety.checkin && (
          <form method="post" action={`${base}/checkins`} class="inline">
            <Csrf staff={me} />
            <input type="hidden" name="hours" value="0" />
            <button type="submit" class="secondary">
              {t('safety.checkin.stop')}
            </button>
          </form>
        )}
      </section>
      {safety.breakGlass.length > 0 && (
        <section data-safety="break-glass" aria-labelledby="break-glass-title">
          <h2 id="break-glass-title">{t('safety.breakGlass.title')}</h2>
          <BreakGlassList t={t} lang={lang} staff={me} records={safety.breakGlass} names={safety.names} approves={safety.approves} />
        </section>
      )}
    </>
  );
}

/** The break-glass page: the form with its required reason, the request's state, and while access lasts the core. */
export function breakGlassPage(c: Context<AppEnv>, view: BreakGlassView, error = false) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const { mine } = view;
  return staffPage(
    c,
    t('safety.breakGlass.title'),
    <>
      <h1>
        {t('safety.breakGlass.title')}: <span data-pseudonym>{view.pseudonym}</span>
      </h1>
      <p>{t('safety.breakGlass.explain')}</p>
      {mine && (
        <p class="notice" data-my-break-glass={mine.status}>
          {t(`safety.breakGlass.mine.${mine.status}`)}
          {mine.status === 'pending' && (
            <>
              {' '}
              ({t('safety.breakGlass.lapses')} {formatDateTime(lang, mine.lapsesAt)})
            </>
          )}
          {mine.expiresAt && mine.status === 'approved' && (
            <>
              {' '}
              {t('safety.breakGlass.until')} {formatDateTime(lang, mine.expiresAt)}
            </>
          )}
        </p>
      )}
      {view.content && (
        <section data-break-glass-core>
          <h2>{t('cases.person')}</h2>
          {view.content.ok ? (
            <>
              <ContactWarning t={t} answer={view.content.value.safety.contactShared} />
              <CaseFacts t={t} content={view.content.value} />
            </>
          ) : (
            <p class="error">{t('triage.unverified')}</p>
          )}
        </section>
      )}
      {view.mayAsk && (
        <form method="post" action={`/staff/cases/${view.caseId}/break-glass`}>
          <Csrf staff={me} />
          <label for="break-glass-reason">{t('safety.breakGlass.reason')}</label>
          <p class="meta" id="break-glass-hint">
            {t('safety.breakGlass.reasonHint')}
          </p>
          {error && (
            <p class="error" id="break-glass-error" role="alert">
              {t('safety.breakGlass.reasonMissing')}
            </p>
          )}
          <textarea
            id="break-glass-reason"
            name="reason"
            rows={4}
            maxlength={REASON_MAX}
            required
            aria-describedby={error ? 'break-glass-hint break-glass-error' : 'break-glass-hint'}
            aria-invalid={error ? 'true' : undefined}
          ></textarea>
          <div class="actions">
            <button type="submit">{t('safety.breakGlass.ask')}</button>
          </div>
        </form>
      )}
    </>,
    error ? 400 : 200,
  );
}

function NoticeRows({ t, lang, items, names, what }: { t: Translate; lang: Lang; items: BreakGlassNotice[]; names: Map<string, string>; what: 'pending' | 'granted' }) {
  return (
    <tbody>
      {items.map((item) => (
        <tr data-break-glass-notice={item.id}>
          <td>
            <a href={`/staff/cases/${item.caseId}`}>{item.pseudonym}</a>
          </td>
          <td>
            <PublicText text={names.get(item.requesterId) ?? '—'} />
          </td>
          <td>
            {formatDateTime(lang, item.at)}
            {what === 'granted' && item.expiresAt && (
              <>
                {' '}
                · {t(item.status === 'approved' ? 'safety.breakGlass.until' : 'safety.breakGlass.ended')} {formatDateTime(lang, item.expiresAt)}
              </>
            )}
          </td>
        </tr>
      ))}
    </tbody>
  );
}

/** "My work": overdue check-ins, break-glass requests waiting for the viewer, and accesses granted. */
export async function safetyWorkSection(c: Context<AppEnv>) {
  const t = c.get('t');
  const lang: Lang = c.get('lang');
  const me = staffOf(c);
  const { overdue, work, names } = await dbOf(c).transaction(async (tx) => {
    const overdue = await myOverdueCheckins(tx, me.userId);
    const work = await breakGlassWork(tx, me.userId, me.roles.includes('administrator'));
    const names = await displayNames(tx, [...new Set([...work.pending, ...work.granted].map((item) => item.requesterId))]);
    return { overdue, work, names };
  });
  const head = (
    <thead>
      <tr>
        <th scope="col">{t('mywork.col.case')}</th>
        <th scope="col">{t('safety.breakGlass.requester')}</th>
        <th scope="col">{t('safety.breakGlass.when')}</th>
      </tr>
    </thead>
  );
  return (
    <>
      <section data-my-work="checkins">
        <h2>{t('safety.checkin.overdueTitle')}</h2>
        {overdue.length === 0 ? (
          <p class="meta">{t('safety.checkin.noneOverdue')}</p>
        ) : (
          <TableRegion label={t('safety.checkin.overdueTitle')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('mywork.col.case')}</th>
                  <th scope="col">{t('safety.checkin.due')}</th>
                </tr>
              </thead>
              <tbody>
                {overdue.map((item) => (
                  <tr data-checkin-overdue-case={item.caseId}>
                    <td>
                      <a href={`/staff/cases/${item.caseId}`}>{item.pseudonym}</a> <CheckinOverdue t={t} />
                    </td>
                    <td>
                      {relativeTime(lang, item.dueAt)} ({formatDateTime(lang, item.dueAt)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
      {work.pending.length > 0 && (
        <section data-my-work="break-glass-pending">
          <h2>{t('safety.breakGlass.waiting')}</h2>
          <TableRegion label={t('safety.breakGlass.waiting')}>
            <table>
              {head}
              <NoticeRows t={t} lang={lang} items={work.pending} names={names} what="pending" />
            </table>
          </TableRegion>
        </section>
      )}
      {work.granted.length > 0 && (
        <section data-my-work="break-glass-granted">
          <h2>{t('safety.breakGlass.granted')}</h2>
          <TableRegion label={t('safety.breakGlass.granted')}>
            <table>
              {head}
              <NoticeRows t={t} lang={lang} items={work.granted} names={names} what="granted" />
            </table>
          </TableRegion>
        </section>
      )}
    </>
  );
}
