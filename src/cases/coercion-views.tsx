import type { Context } from 'hono';
import { formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import { dbOf, type AppEnv, type StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { staffOf } from '../auth/access.ts';
import { CoercionTag } from '../help/duress-views.tsx';
import { COERCION_CLEAR_REASONS, myCoercedCases } from './coercion.ts';

/** Answers of the clearing form, shown back on the case page (`?coercion=`). */
const NOTICES = { cleared: 'duress.clear.done', newer: 'duress.clear.newer', noReason: 'duress.clear.noReason' } as const;

/**
 * Under the case page's "under coercion" flag: what the clearing form answered, and the form
 * itself for who may clear (`clears`). The form carries the time the page showed, so a use of
 * the code that comes after it is not cleared unseen.
 */
export function CoercionClearing({ t, staff, caseId, at, clears, notice }: { t: Translate; staff: StaffSession; caseId: string; at: Date | null; clears: boolean; notice?: string }) {
  const noticeKey = NOTICES[notice as keyof typeof NOTICES];
  if (!noticeKey && !(at && clears)) return null;
  const error = noticeKey !== undefined && noticeKey !== 'duress.clear.done';
  return (
    <section id="coercion" aria-labelledby={at && clears ? 'coercion-clear-title' : undefined}>
      {noticeKey && (
        <p class={error ? 'error' : 'ok'} role={error ? 'alert' : 'status'} data-coercion-notice={notice}>
          {t(noticeKey)}
        </p>
      )}
      {at && clears && (
        <form method="post" action={`/staff/cases/${caseId}/coercion/clear`} class="card" data-coercion-clear>
          <Csrf staff={staff} />
          <input type="hidden" name="seen" value={at.toISOString()} />
          <h2 id="coercion-clear-title">{t('duress.clear.title')}</h2>
          <p class="hint">{t('duress.clear.explain')}</p>
          <fieldset>
            <legend>{t('duress.clear.reason')}</legend>
            {COERCION_CLEAR_REASONS.map((reason) => (
              <label class="choice">
                <input type="radio" name="reason" value={reason} required /> {t(`duress.clear.reason.${reason}`)}
              </label>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit" class="secondary">
              {t('duress.clear.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function CoercedTable({ t, lang, items }: { t: Translate; lang: Lang; items: Awaited<ReturnType<typeof myCoercedCases>> }) {
  return (
    <TableRegion label={t('duress.mywork.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('mywork.col.case')}</th>
            <th scope="col">{t('duress.mywork.at')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr data-coerced-case={item.caseId}>
              <td>
                <a href={`/staff/cases/${item.caseId}`}>{item.pseudonym}</a>
                <CoercionTag t={t} at={item.at} />
              </td>
              <td>
                <time datetime={item.at.toISOString()}>{formatDateTime(lang, item.at)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/**
 * My work, first of all: the viewer's cases whose person used their code for danger and nobody
 * on the team has cleared it. Nothing at all when there are none.
 */
export async function coercionWorkSection(c: Context<AppEnv>) {
  const t = c.get('t');
  const items = await myCoercedCases(dbOf(c), staffOf(c).userId);
  if (items.length === 0) return null;
  return (
    <section data-my-work="coerced" aria-labelledby="coerced-title">
      <h2 id="coerced-title">{t('duress.mywork.title')}</h2>
      <p class="notice" role="status">
        {t('duress.mywork.count', { n: items.length })}
      </p>
      <CoercedTable t={t} lang={c.get('lang')} items={items} />
    </section>
  );
}
