import type { Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import type { LedgerVerdict } from './ledger-check.ts';

type Props = { t: Translate; staff: StaffSession };

/**
 * The books' page: one GET form whose two buttons download the CSV or the journal (formaction,
 * so it works without JavaScript), and a button that checks the books; after a check, its verdict.
 */
export function BooksPage({ t, staff, range, badRange, verdict }: Props & { range: { from: string; to: string }; badRange?: boolean; verdict?: LedgerVerdict }) {
  return (
    <>
      <h1>{t('books.title')}</h1>
      {verdict && <Verdict t={t} verdict={verdict} />}
      <h2>{t('books.export.title')}</h2>
      <p>{t('books.export.intro')}</p>
      {badRange && (
        <p class="error" id="range-problem" role="alert">
          {t('books.export.badRange')}
        </p>
      )}
      <form method="get" action="/staff/funding/export.csv">
        <label for="from">{t('books.export.from')}</label>
        <input type="date" id="from" name="from" value={range.from} aria-describedby={badRange ? 'range-problem' : undefined} />
        <label for="to">{t('books.export.to')}</label>
        <input type="date" id="to" name="to" value={range.to} aria-describedby={badRange ? 'range-problem' : undefined} />
        <p class="actions">
          <button type="submit">{t('books.export.csv')}</button>
          <button type="submit" formaction="/staff/funding/export.journal">
            {t('books.export.journal')}
          </button>
        </p>
      </form>
      <h2>{t('books.check.title')}</h2>
      <p>{t('books.check.intro')}</p>
      <form method="post" action="/staff/funding/books/check">
        <Csrf staff={staff} />
        <p class="actions">
          <button type="submit">{t('books.check.run')}</button>
        </p>
      </form>
      <p>
        <a href="/staff/funding">{t('books.back')}</a>
      </p>
    </>
  );
}

function Verdict({ t, verdict }: { t: Translate; verdict: LedgerVerdict }) {
  const ok = verdict.problems.length === 0;
  return (
    <section aria-labelledby="verdict" data-verdict={ok ? 'ok' : 'problems'}>
      <h2 id="verdict" class={ok ? 'notice' : 'error'}>
        {ok ? t('books.check.ok') : t('books.check.failed')}
      </h2>
      <p>
        {t('books.check.transactions', { n: Number(verdict.transactions) })} · {t('books.check.entries', { n: Number(verdict.entries) })}
      </p>
      {verdict.headHash && (
        <p>
          {t('books.check.head')} <code class="phone">{verdict.headHash}</code>
        </p>
      )}
      {!ok && (
        <>
          <p>{t('books.check.problems')}</p>
          <ul lang="en">
            {verdict.problems.map((problem) => (
              <li>{problem}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
