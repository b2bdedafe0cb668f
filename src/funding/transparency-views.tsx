import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { BarChart } from '../web/bar-chart.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { formatEuros } from './money.ts';
import type { PublicCount, Transparency } from './transparency.ts';

/**
 * The public transparency page: raised and spent per purpose, spending per month as charts with
 * their tables, the people each kind of help reached (small counts hidden), and recent expenses
 * by month and purpose. Every amount carries its cents in a data attribute, so a test can add the
 * page up against the ledger.
 */
export function TransparencyPage({ t, lang, data }: { t: Translate; lang: Lang; data: Transparency }) {
  const euros = (cents: bigint) => formatEuros(cents, lang);
  const total = (pick: (row: Transparency['purposes'][number]) => bigint) => data.purposes.reduce((sum, row) => sum + pick(row), 0n);
  return (
    <article class="transparency">
      <h1>{t('transparency.title')}</h1>
      <p>{t('transparency.intro')}</p>

      <h2 id="raised">{t('transparency.raisedTitle')}</h2>
      <TableRegion label={t('transparency.raisedTitle')}>
        <table data-table="purposes">
          <thead>
            <tr>
              <th scope="col">{t('transparency.purpose')}</th>
              <th scope="col">{t('transparency.raised')}</th>
              <th scope="col">{t('transparency.goal')}</th>
              <th scope="col">{t('transparency.spent')}</th>
            </tr>
          </thead>
          <tbody>
            {data.purposes.map((row) => (
              <tr data-purpose={row.purpose}>
                <th scope="row">{t(`purpose.${row.purpose}`)}</th>
                <td data-raised={row.raisedCents.toString()}>{euros(row.raisedCents)}</td>
                <td>{row.goalCents > 0n ? euros(row.goalCents) : t('transparency.noGoal')}</td>
                <td data-spent={row.spentCents.toString()}>{euros(row.spentCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('transparency.total')}</th>
              <td data-raised-total={total((row) => row.raisedCents).toString()}>{euros(total((row) => row.raisedCents))}</td>
              <td></td>
              <td data-spent-total={total((row) => row.spentCents).toString()}>{euros(total((row) => row.spentCents))}</td>
            </tr>
          </tfoot>
        </table>
      </TableRegion>

      <h2 id="monthly">{t('transparency.monthlyTitle')}</h2>
      {data.purposes.map((row) => (
        <section aria-labelledby={`monthly-${row.purpose}`}>
          <h3 id={`monthly-${row.purpose}`}>{t(`purpose.${row.purpose}`)}</h3>
          {row.months.some((month) => month.spentCents !== 0n) ? (
            <BarChart
              id={`spent-${row.purpose}`}
              title={`${t(`purpose.${row.purpose}`)}: ${t('transparency.perMonth')}`}
              labelHeading={t('transparency.month')}
              valueHeading={t('transparency.amount')}
              // Cents as a number only for drawing: a month's spending stays far below 2^53 cents.
              bars={row.months.map((month) => ({ label: formatMonth(lang, month.month, 'short'), value: Number(month.spentCents) }))}
              format={(cents) => euros(BigInt(cents))}
              shortFormat={(cents) => wholeEuros(lang, cents)}
            />
          ) : (
            <p>{t('transparency.nothingSpent')}</p>
          )}
        </section>
      ))}

      <h2 id="reached">{t('transparency.reachedTitle')}</h2>
      <p>{t('transparency.reachedNote')}</p>
      <dl class="facts" data-list="reached">
        {data.reached.map((row) => (
          <>
            <dt>{t(`purpose.${row.track}`)}</dt>
            <dd data-reached={row.track}>{countText(t, row.count)}</dd>
          </>
        ))}
      </dl>

      <h2 id="expenses">{t('transparency.recentTitle')}</h2>
      <p>{t('transparency.recentNote')}</p>
      {data.expenses.length === 0 ? (
        <p>{t('transparency.noExpenses')}</p>
      ) : (
        <TableRegion label={t('transparency.recentTitle')}>
          <table data-table="expenses">
            <thead>
              <tr>
                <th scope="col">{t('transparency.month')}</th>
                <th scope="col">{t('transparency.purpose')}</th>
                <th scope="col">{t('transparency.category')}</th>
                <th scope="col">{t('transparency.amount')}</th>
              </tr>
            </thead>
            <tbody>
              {data.expenses.map((expense) => (
                <tr>
                  <td>{formatMonth(lang, expense.month, 'long')}</td>
                  <td>{t(`purpose.${expense.purpose}`)}</td>
                  <td>{expense.category ? t(`expenses.category.${expense.category}`) : t('transparency.noCategory')}</td>
                  <td data-expense={expense.amountCents.toString()}>{euros(expense.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </article>
  );
}

function countText(t: Translate, count: PublicCount): string {
  return count.shown === 'exact' ? t('transparency.count', { n: count.n }) : t('transparency.fewerThan5');
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A month in the reader's words; a month is no moment, so it is read in UTC. Under a bar there is
 * room for the month alone: twelve months in a row name each month once.
 */
function formatMonth(lang: Lang, firstDay: string, width: 'short' | 'long'): string {
  const key = `${lang}:${width}`;
  let format = monthFormats.get(key);
  if (!format) monthFormats.set(key, (format = new Intl.DateTimeFormat(lang, width === 'long' ? { month: 'long', year: 'numeric', timeZone: 'UTC' } : { month: 'short', timeZone: 'UTC' })));
  return format.format(new Date(`${firstDay}T00:00:00Z`));
}

/** Above a bar: whole euros, no sign of currency (the table has the exact figure). */
function wholeEuros(lang: Lang, cents: number): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Math.round(cents / 100));
}
