import type { Context } from 'hono';
import { formatDateTime } from '../i18n/index.ts';
import { dbOf, type AppEnv } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { staffOf } from '../auth/access.ts';
import { StaffName } from '../help/triage-views.tsx';
import { displayNames } from '../auth/users.ts';
import { FORGET_REASONS, forgetState } from './forget.ts';
import { erasureDueOn } from './retention.ts';

/** Answers of the forgetting forms, shown back on the case page (`?forget=`). */
const NOTICES = {
  asked: 'forget.notice.asked',
  withdrawn: 'forget.notice.withdrawn',
  samePerson: 'forget.notice.samePerson',
  notAsked: 'forget.notice.notAsked',
  unconfirmed: 'forget.notice.unconfirmed',
} as const;
const ERRORS: ReadonlySet<string> = new Set(['samePerson', 'notAsked', 'unconfirmed']);

/** The case page's "forget this person" section, for a coordinator on the case (null for anyone else). */
export async function forgetSection(c: Context<AppEnv>, caseId: string) {
  const retentionMonths = c.get('deps').config.retentionClosedMonths;
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const db = dbOf(c);
  const state = await forgetState(db, me.userId, caseId);
  if (!state) return null;
  const base = `/staff/cases/${caseId}/forget`;
  const notice = c.req.query('forget') ?? '';
  const noticeKey = NOTICES[notice as keyof typeof NOTICES];
  const names = state.ask ? await displayNames(db, [state.ask.askedBy]) : new Map<string, string>();
  return (
    <section data-forget aria-labelledby="forget-title">
      <h2 id="forget-title">{t('forget.title')}</h2>
      {noticeKey && (
        <p class={ERRORS.has(notice) ? 'error' : 'ok'} role={ERRORS.has(notice) ? 'alert' : 'status'}>
          {t(noticeKey)}
        </p>
      )}
      <p class="meta">{t('forget.explain')}</p>
      <p class="meta">
        {t('forget.retention', { months: retentionMonths })}
        {state.closedAt && (
          <>
            {' '}
            · {t('forget.retentionOn')} {formatDateTime(lang, erasureDueOn(state.closedAt, retentionMonths))}
          </>
        )}
      </p>
      {state.personAsked && <p class="notice">{t('forget.personAsked')}</p>}
      {state.ask ? (
        <>
          <p data-forget-asked>
            {t('forget.asked')} <StaffName names={names} id={state.ask.askedBy} /> · {t('forget.reason')}: {t(`forget.reason.${state.ask.reason}`)} ·{' '}
            {formatDateTime(lang, state.ask.askedAt)}
          </p>
          {state.mayConfirm ? (
            <form method="post" action={`${base}/confirm`} class="card">
              <Csrf staff={me} />
              <label>
                <input type="checkbox" name="confirm" value="yes" required /> {t('forget.confirmBox')}
              </label>
              <button type="submit">{t('forget.confirm')}</button>
            </form>
          ) : (
            <p class="meta">{t('forget.waitingOther')}</p>
          )}
          <form method="post" action={`${base}/withdraw`} class="inline">
            <Csrf staff={me} />
            <button type="submit" class="secondary">
              {t('forget.withdraw')}
            </button>
          </form>
        </>
      ) : (
        <form method="post" action={`${base}/ask`} class="filters">
          <Csrf staff={me} />
          <label>
            {t('forget.reason')}
            <select name="reason" required>
              {FORGET_REASONS.map((reason) => (
                <option value={reason} selected={state.personAsked && reason === 'status_page'}>
                  {t(`forget.reason.${reason}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="secondary">
            {t('forget.ask')}
          </button>
        </form>
      )}
    </section>
  );
}
