import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { formatDay } from '../i18n/days.ts';
import { decimalEuros } from './money.ts';
import { PURPOSES } from './purposes.ts';
import { DEBIT_DISMISS_REASONS, DISMISS_REASONS, type DismissReason, type LineView } from './statement-lines.ts';
import type { LinkableExpense } from './reconcile-debit.ts';

/**
 * What the treasurer can do with a bank statement's line that waits, each a plain form (no
 * script): a credit is booked as a gift or as a provider's payout, or marked "not a gift"; a
 * payment out is linked to the expense it paid, booked as bank costs, or left out of the books.
 */
type Props = { t: Translate; staff: StaffSession; line: LineView };

export function WaitingActions({ t, staff, line }: Props) {
  const bookable = line.currency === 'EUR' && line.reason !== 'reversal';
  return (
    <>
      {bookable && (
        <form method="post" action={`/staff/funding/lines/${line.id}/book`}>
          <Csrf staff={staff} />
          <label for={`purpose-${line.id}`}>{t('statements.bookFor')}</label>
          <select id={`purpose-${line.id}`} name="purpose">
            {PURPOSES.map((purpose) => (
              <option value={purpose} selected={(line.pledge?.purpose ?? 'general') === purpose}>
                {t(`purpose.${purpose}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t('statements.book')}</button>
        </form>
      )}
      {bookable && (
        <form method="post" action={`/staff/funding/lines/${line.id}/payout`}>
          <Csrf staff={staff} />
          <label for={`provider-${line.id}`}>{t('statements.payoutFrom')}</label>
          <select id={`provider-${line.id}`} name="provider">
            <option value="mollie">Mollie</option>
            <option value="stripe">Stripe</option>
          </select>
          <label for={`gross-${line.id}`}>{t('statements.payoutGross')}</label>
          <p class="meta" id={`gross-hint-${line.id}`}>
            {t('statements.payoutGross.hint')}
          </p>
          <input type="text" id={`gross-${line.id}`} name="gross" inputmode="decimal" value={decimalEuros(line.amountCents)} aria-describedby={`gross-hint-${line.id}`} required />
          <button type="submit" class="secondary">
            {t('statements.payout')}
          </button>
        </form>
      )}
      <DismissForm t={t} staff={staff} line={line} reasons={DISMISS_REASONS} label={t('statements.dismiss')} />
    </>
  );
}

function DismissForm({ t, staff, line, reasons, label }: Props & { reasons: readonly DismissReason[]; label: string }) {
  return (
    <form method="post" action={`/staff/funding/lines/${line.id}/dismiss`}>
      <Csrf staff={staff} />
      <label for={`reason-${line.id}`}>{t('statements.dismissWhy')}</label>
      <select id={`reason-${line.id}`} name="reason">
        {reasons.map((reason) => (
          <option value={reason}>{t(`statements.dismiss.${reason}`)}</option>
        ))}
      </select>
      <label for={`note-${line.id}`}>{t('statements.note')}</label>
      <input type="text" id={`note-${line.id}`} name="note" maxlength={1000} />
      <button type="submit" class="secondary">
        {label}
      </button>
    </form>
  );
}

/** A payment out: linked to the expense it paid (one of exactly its amount), booked as bank costs, or left out of the books. */
export function DebitActions({ t, lang, staff, line, expenses }: Props & { lang: Lang; expenses: LinkableExpense[] }) {
  if (line.currency !== 'EUR') return <span class="meta">{t('statements.done.not_euro')}</span>;
  return (
    <>
      {expenses.length === 0 ? (
        <p class="meta">{t('statements.link.none')}</p>
      ) : (
        <form method="post" action={`/staff/funding/lines/${line.id}/link`}>
          <Csrf staff={staff} />
          <label for={`expense-${line.id}`}>{t('statements.linkWhich')}</label>
          <select id={`expense-${line.id}`} name="expense">
            {expenses.map((expense) => (
              <option value={expense.id}>
                {formatDay(lang, expense.spentOn)} · {t(`expenses.category.${expense.category}`)} · {t(`purpose.${expense.purpose}`)} ·{' '}
                {expense.paid ? t('statements.expense.paid') : t('statements.expense.approved')}
              </option>
            ))}
          </select>
          <button type="submit">{t('statements.link')}</button>
        </form>
      )}
      <form method="post" action={`/staff/funding/lines/${line.id}/costs`}>
        <Csrf staff={staff} />
        <button type="submit" class="secondary">
          {t('statements.costs')}
        </button>
      </form>
      <DismissForm t={t} staff={staff} line={line} reasons={DEBIT_DISMISS_REASONS} label={t('statements.skip')} />
    </>
  );
}

/** What became of a decided line. */
export function Outcome({ t, line }: { t: Translate; line: LineView }) {
  if (line.state === 'reconciled' && line.expenseId) return <a href={`/staff/expenses/${line.expenseId}`}>{t('statements.outcome.reconciled')}</a>;
  if (line.state === 'dismissed') {
    const what = line.direction === 'debit' ? t('statements.outcome.left_out') : t('statements.outcome.dismissed');
    return <>{`${what}: ${line.dismissReason ? t(`statements.dismiss.${line.dismissReason}`) : ''}`}</>;
  }
  if (line.bookedAs === 'payout') return <>{`${t('statements.outcome.payout')}: ${line.provider === 'stripe' ? 'Stripe' : 'Mollie'}`}</>;
  if (line.bookedAs === 'bank_costs') return <>{t('statements.outcome.bank_costs')}</>;
  return <>{`${t('statements.outcome.booked')}: ${line.purpose ? t(`purpose.${line.purpose}`) : ''}`}</>;
}
