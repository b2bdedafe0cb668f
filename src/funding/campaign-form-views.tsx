import type { z } from 'zod';
import type { Translate } from '../i18n/index.ts';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n/lang.ts';
import { Field, describedBy } from '../web/forms.tsx';
import { LIMITS } from './campaign-content.ts';

/**
 * The pieces the campaign's forms share: a text in each of the three languages, and the message
 * each refused field shows. A form that fails comes back with everything as it was typed.
 */
export type Values = Record<string, string>;
export type Errors = Record<string, string | undefined>;
export type FormState = { values: Values; errors: Errors };

export const blankForm = (values: Values = {}): FormState => ({ values, errors: {} });

/** Which limit a field of a text in three languages has, by its name without the language. */
function limitOf(base: string): number {
  if (base.startsWith('text_')) return LIMITS.purposeText;
  return LIMITS[base as keyof typeof LIMITS] ?? LIMITS.story;
}

/** The translated message of each refused field, named as the form names it. */
export function errorsOf(t: Translate, error: z.ZodError, values: Values): Errors {
  const errors: Errors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!field || errors[field]) continue;
    if (field === 'goal' || field.startsWith('goal_')) errors[field] = t('campaign.staff.error.goal');
    else if (field === 'ends_on' && issue.code === 'custom') errors[field] = t('campaign.staff.error.endsOn');
    else if (field === 'starts_on' || field === 'ends_on' || field === 'dated') errors[field] = t('campaign.staff.error.date');
    else {
      const base = field.replace(/_(ru|en|nl)$/, '');
      errors[field] = (values[field] ?? '').trim() === '' ? t('campaign.staff.error.required') : t('campaign.staff.error.text', { max: limitOf(base) });
    }
  }
  return errors;
}

/** One text in each language, each with its own label, language and error. */
export function LangTexts(props: { t: Translate; name: string; label: string; hint?: string; form: FormState; multiline?: boolean; required?: boolean; rows?: number }) {
  const { form } = props;
  const max = limitOf(props.name);
  return (
    <>
      {LANGUAGES.map((lang) => {
        const name = `${props.name}_${lang}`;
        const error = form.errors[name];
        const common = {
          id: name,
          name,
          lang,
          maxlength: max,
          required: props.required,
          'aria-invalid': error ? 'true' : undefined,
          'aria-describedby': describedBy(name, props.hint !== undefined, error),
        };
        return (
          <Field name={name} label={`${props.label} (${LANGUAGE_NAMES[lang]})`} hint={props.hint} error={error}>
            {props.multiline ? <textarea rows={props.rows ?? 6} {...common}>{form.values[name] ?? ''}</textarea> : <input type="text" value={form.values[name] ?? ''} {...common} />}
          </Field>
        );
      })}
    </>
  );
}

/** A single-line field: an amount or a date. */
export function Input(props: { name: string; label: string; hint?: string; form: FormState; type?: 'text' | 'date'; required?: boolean }) {
  const error = props.form.errors[props.name];
  return (
    <Field name={props.name} label={props.label} hint={props.hint} error={error}>
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.form.values[props.name] ?? ''}
        required={props.required}
        inputmode={props.type === 'date' ? undefined : 'decimal'}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint !== undefined, error)}
      />
    </Field>
  );
}

/** An amount of cents as an editor types it back: whole euros, or with two decimals. */
export function euroInput(cents: bigint): string {
  if (cents === 0n) return '';
  const rest = cents % 100n;
  return rest === 0n ? String(cents / 100n) : `${cents / 100n},${String(rest).padStart(2, '0')}`;
}
