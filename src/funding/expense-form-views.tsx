import type { Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { EXPENSE_CATEGORIES } from './expense-content.ts';
import { PURPOSES } from './purposes.ts';

export const EXPENSE_PROBLEMS = ['amount', 'description', 'case', 'spentOn'] as const;
export type ExpenseProblem = (typeof EXPENSE_PROBLEMS)[number];

/** What was typed, shown again with the problems when the form is refused. */
export type ExpenseDraft = { amount: string; purpose: string; category: string; spentOn: string; description: string; caseId: string };

/** The form any staff member fills in to record an expense. */
export function ExpenseForm({ t, staff, draft, problems }: { t: Translate; staff: StaffSession; draft: ExpenseDraft; problems: ExpenseProblem[] }) {
  const problem = (field: ExpenseProblem) =>
    problems.includes(field) ? (
      <p class="error" id={`${field}-problem`}>
        {t(`expenses.problem.${field}`)}
      </p>
    ) : null;
  const described = (field: ExpenseProblem, hint?: string) => [problems.includes(field) ? `${field}-problem` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <h1>{t('expenses.new')}</h1>
      <p>{t('expenses.intro')}</p>
      {problems.length > 0 && (
        <p class="error" role="alert">
          {t('expenses.problem')}
        </p>
      )}
      <form method="post" action="/staff/expenses/new">
        <Csrf staff={staff} />
        <label for="amount">{t('expenses.amount')}</label>
        <p class="meta" id="amount-hint">
          {t('expenses.amountHint')}
        </p>
        {problem('amount')}
        <input id="amount" name="amount" inputmode="decimal" required value={draft.amount} aria-describedby={described('amount', 'amount-hint')} />
        <label for="purpose">{t('expenses.purpose')}</label>
        <select id="purpose" name="purpose">
          {PURPOSES.map((purpose) => (
            <option value={purpose} selected={draft.purpose === purpose}>
              {t(`purpose.${purpose}`)}
            </option>
          ))}
        </select>
        <label for="category">{t('expenses.category')}</label>
        <select id="category" name="category">
          {EXPENSE_CATEGORIES.map((category) => (
            <option value={category} selected={draft.category === category}>
              {t(`expenses.category.${category}`)}
            </option>
          ))}
        </select>
        <label for="spentOn">{t('expenses.spentOn')}</label>
        {problem('spentOn')}
        <input type="date" id="spentOn" name="spentOn" required value={draft.spentOn} aria-describedby={described('spentOn')} />
        <label for="description">{t('expenses.description')}</label>
        <p class="meta" id="description-hint">
          {t('expenses.descriptionHint')}
        </p>
        {problem('description')}
        <textarea id="description" name="description" rows={4} required maxlength={2000} aria-describedby={described('description', 'description-hint')}>
          {draft.description}
        </textarea>
        <label for="caseId">{t('expenses.case')}</label>
        {problem('case')}
        <input id="caseId" name="caseId" value={draft.caseId} autocomplete="off" aria-describedby={described('case')} />
        <p class="actions">
          <button type="submit">{t('expenses.submit')}</button>
        </p>
      </form>
    </>
  );
}
