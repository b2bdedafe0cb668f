import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { describedBy, ErrorSummary, Field, textOf, type FormState } from '../web/forms.tsx';

type Props = { t: Translate; lang: Lang };
export type StatementFields = 'email' | 'year';

/** The yearly statement form: the address the donor gave with, and the year. */
export function StatementForm({ t, lang, form, years, problem }: Props & { form: FormState<StatementFields>; years: number[]; problem?: string }) {
  const email = textOf(form.values.email);
  const chosen = textOf(form.values.year) || String(years[1] ?? years[0]);
  return (
    <>
      <h1>{t('donor.statementPage.title')}</h1>
      <p>{t('donor.statementPage.intro')}</p>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorSummary errors={form.errors} title={t('web.formErrors')} />
      <form method="post" action={`/${lang}/give/statement`} novalidate>
        <Field name="email" label={t('donor.statementPage.email')} error={form.errors.email}>
          <input type="email" id="email" name="email" value={email} autocomplete="email" inputmode="email" aria-invalid={form.errors.email ? 'true' : undefined} aria-describedby={describedBy('email', false, form.errors.email)} />
        </Field>
        <Field name="year" label={t('donor.statementPage.year')} error={form.errors.year}>
          <select id="year" name="year" aria-invalid={form.errors.year ? 'true' : undefined} aria-describedby={describedBy('year', false, form.errors.year)}>
            {years.map((year) => (
              <option value={String(year)} selected={chosen === String(year)}>
                {year}
              </option>
            ))}
          </select>
        </Field>
        <p class="actions">
          <button type="submit">{t('donor.statementPage.submit')}</button>
        </p>
      </form>
    </>
  );
}

/** The one answer to every well-formed request, whether or not the address gave. */
export function StatementAsked({ t, lang }: Props) {
  return (
    <>
      <h1>{t('donor.statementPage.sentTitle')}</h1>
      <p role="status" data-statement-asked>
        {t('donor.statementPage.sent')}
      </p>
      <p>
        <a href={`/${lang}/give`}>{t('give.title')}</a>
      </p>
    </>
  );
}

export function StatementUnavailable({ t, lang }: Props) {
  return (
    <>
      <h1>{t('donor.statementPage.unavailableTitle')}</h1>
      <p data-statement-unavailable>{t('donor.statementPage.unavailable')}</p>
      <p>
        <a href={`/${lang}/`}>{t('web.error.back')}</a>
      </p>
    </>
  );
}
