import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicBlock } from '../web/public-text.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { formatDay } from '../i18n/days.ts';
import { formatEuros } from './money.ts';
import type { ExpenseRow, ExpenseView } from './read-expenses.ts';

type Props = { t: Translate; lang: Lang };

/** A list of expenses: plain columns; the description is read on the expense's own page. */
export function ExpenseTable({ t, lang, label, rows }: Props & { label: string; rows: ExpenseRow[] }) {
  if (rows.length === 0) return <p>{t('expenses.none')}</p>;
  return (
    <TableRegion label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('expenses.col.submitted')}</th>
            <th scope="col">{t('expenses.col.amount')}</th>
            <th scope="col">{t('expenses.col.category')}</th>
            <th scope="col">{t('expenses.col.purpose')}</th>
            <th scope="col">{t('expenses.col.state')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr data-expense={row.id}>
              <td>
                <a href={`/staff/expenses/${row.id}`}>{formatDay(lang, row.spentOn)}</a>
              </td>
              <td>{formatEuros(row.amountCents, lang)}</td>
              <td>{t(`expenses.category.${row.category}`)}</td>
              <td>{t(`purpose.${row.purpose}`)}</td>
              <td data-state={row.state}>{t(`expenses.state.${row.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

export function ExpensesPage({ t, lang, mine, queue }: Props & { mine: ExpenseRow[]; queue: ExpenseRow[] | null }) {
  return (
    <>
      <h1>{t('expenses.nav')}</h1>
      <p>
        <a href="/staff/expenses/new">{t('expenses.new')}</a>
      </p>
      {queue && (
        <>
          <h2>{t('expenses.queue')}</h2>
          <ExpenseTable t={t} lang={lang} label={t('expenses.queue')} rows={queue} />
        </>
      )}
      <h2>{t('expenses.mine')}</h2>
      <ExpenseTable t={t} lang={lang} label={t('expenses.mine')} rows={mine} />
    </>
  );
}

/** One expense; a treasurer who did not submit it sees the next step's form. */
export function ExpensePage({ t, lang, staff, expense, notice }: Props & { staff: StaffSession; expense: ExpenseView; notice?: string }) {
  const treasurer = staff.roles.includes('treasurer');
  const action = (verb: string) => `/staff/expenses/${expense.id}/${verb}`;
  return (
    <>
      <h1>
        {t('expenses.title')} · {formatEuros(expense.amountCents, lang)}
      </h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <dl class="facts">
        <dt>{t('expenses.col.state')}</dt>
        <dd data-state={expense.state}>{t(`expenses.state.${expense.state}`)}</dd>
        <dt>{t('expenses.col.category')}</dt>
        <dd>{t(`expenses.category.${expense.category}`)}</dd>
        <dt>{t('expenses.col.purpose')}</dt>
        <dd>{t(`purpose.${expense.purpose}`)}</dd>
        <dt>{t('expenses.spentOn')}</dt>
        <dd>{formatDay(lang, expense.spentOn)}</dd>
        <dt>{t('expenses.submittedBy')}</dt>
        <dd>{expense.submittedBy}</dd>
        {expense.approvedBy && (
          <>
            <dt>{t('expenses.approvedBy')}</dt>
            <dd>{expense.approvedBy}</dd>
          </>
        )}
        {expense.paidOn && (
          <>
            <dt>{t('expenses.paidOn')}</dt>
            <dd>{formatDay(lang, expense.paidOn)}</dd>
          </>
        )}
        {expense.case && (
          <>
            <dt>{t('expenses.col.case')}</dt>
            <dd data-case>{expense.case === 'hidden' ? <span class="meta">{t('expenses.caseHidden')}</span> : <a href={`/staff/cases/${expense.case.id}`}>{expense.case.pseudonym}</a>}</dd>
          </>
        )}
      </dl>
      <h2>{t('expenses.description')}</h2>
      {expense.description === 'locked' || expense.description === 'unverified' ? (
        <p class="notice">{t('expenses.locked')}</p>
      ) : (
        <>
          <p class="meta">{t('expenses.decrypted')}</p>
          <div data-description>
            <PublicBlock text={expense.description} />
          </div>
        </>
      )}
      <Receipt t={t} staff={staff} expense={expense} />
      <Reasons t={t} expense={expense} />
      {treasurer && expense.state === 'submitted' && (
        <>
          {!expense.mine && (
            <form method="post" action={action('approve')}>
              <Csrf staff={staff} />
              <button type="submit">{t('expenses.approve')}</button>
            </form>
          )}
          <ReasonForm t={t} staff={staff} action={action('reject')} id="reject-reason" button={t('expenses.reject')} />
        </>
      )}
      {treasurer && expense.state === 'approved' && (
        <form method="post" action={action('pay')}>
          <Csrf staff={staff} />
          <p>
            <input type="checkbox" id="override" name="override" value="yes" />
            <label for="override">{t('expenses.override')}</label>
          </p>
          <label for="override-reason">{t('expenses.overrideReason.label')}</label>
          <textarea id="override-reason" name="reason" rows={2} maxlength={1000} />
          <p class="actions">
            <button type="submit">{t('expenses.pay')}</button>
          </p>
        </form>
      )}
      {treasurer && expense.state === 'paid' && (
        <>
          <p class="meta">{t('expenses.reverseHint')}</p>
          <ReasonForm t={t} staff={staff} action={action('reverse')} id="reverse-reason" button={t('expenses.reverse')} />
        </>
      )}
      <p>
        <a href="/staff/expenses">{t('expenses.nav')}</a>
      </p>
    </>
  );
}

function Reasons({ t, expense }: { t: Translate; expense: ExpenseView }) {
  const shown = [
    ['expenses.rejectReason', expense.rejectReason],
    ['expenses.overrideReason', expense.overrideReason],
    ['expenses.reverseReason', expense.reverseReason],
  ] as const;
  return (
    <>
      {shown.map(([label, text]) =>
        text ? (
          <>
            <h2>{t(label)}</h2>
            <PublicBlock text={text} />
          </>
        ) : null,
      )}
    </>
  );
}

function ReasonForm({ t, staff, action, id, button }: { t: Translate; staff: StaffSession; action: string; id: string; button: string }) {
  return (
    <form method="post" action={action}>
      <Csrf staff={staff} />
      <label for={id}>{t('expenses.reason')}</label>
      <textarea id={id} name="reason" rows={2} required maxlength={1000} />
      <p class="actions">
        <button type="submit">{button}</button>
      </p>
    </form>
  );
}

/** The receipt: a download when there is one; while the expense waits, a form to attach it (file last, token first). */
function Receipt({ t, staff, expense }: { t: Translate; staff: StaffSession; expense: ExpenseView }) {
  const mayAttach = (expense.mine || staff.roles.includes('treasurer')) && (expense.state === 'submitted' || expense.state === 'approved');
  return (
    <>
      <h2>{t('expenses.receipt')}</h2>
      {expense.receipt ? (
        <p>
          <a href={`/staff/expenses/${expense.id}/receipt`}>{t('expenses.receipt.download')}</a>
        </p>
      ) : (
        <p>{t('expenses.receipt.none')}</p>
      )}
      {!expense.receipt && mayAttach && (
        <form method="post" action={`/staff/expenses/${expense.id}/receipt`} enctype="multipart/form-data">
          <Csrf staff={staff} />
          <label for="receipt">{t('expenses.receipt.file')}</label>
          <input type="file" id="receipt" name="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" required />
          <p class="actions">
            <button type="submit">{t('expenses.receipt.add')}</button>
          </p>
        </form>
      )}
    </>
  );
}
