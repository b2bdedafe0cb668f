import type { Child } from 'hono/jsx';
import type { z } from 'zod';

/** What a form gives back after a failed check: the values as typed and a message per field. */
export type FormState<F extends string = string> = { values: Partial<Record<F, string | string[]>>; errors: Partial<Record<F, string>> };

export const emptyForm = <F extends string>(): FormState<F> => ({ values: {}, errors: {} });

/** Maps a schema's failures to the translated message each field shows. */
export function fieldErrors<F extends string>(error: z.ZodError, messages: Record<F, string>): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '') as F;
    if (field in messages && !errors[field]) errors[field] = messages[field];
  }
  return errors;
}

/** Reads a form body into plain strings and string lists, dropping uploaded files. */
export function formValues(body: Record<string, string | File | (string | File)[]>): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) values[key] = value.filter((v): v is string => typeof v === 'string');
    else if (typeof value === 'string') values[key] = value;
  }
  return values;
}

export function textOf(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

type FieldProps = {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  children: Child;
};

/** A labelled control with its hint and error, tied together for screen readers. */
export function Field(props: FieldProps) {
  return (
    <div class="field">
      <label for={props.name}>
        {props.label}
        {props.hint && (
          <span class="hint" id={`${props.name}-hint`}>
            {props.hint}
          </span>
        )}
      </label>
      {props.error && (
        <p class="error" id={`${props.name}-error`}>
          {props.error}
        </p>
      )}
      {props.children}
    </div>
  );
}

export function describedBy(name: string, hint: boolean, error: string | undefined): string | undefined {
  const ids = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

export function ErrorSummary(props: { errors: Record<string, string | undefined>; title: string }) {
  const list = Object.entries(props.errors).filter(([, message]) => message);
  if (list.length === 0) return null;
  return (
    <div class="notice" role="alert">
      <p>
        <strong>{props.title}</strong>
      </p>
      <ul>
        {list.map(([field, message]) => (
          <li>
            <a href={`#${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A filter of a GET search form: one choice among options, or "any" (the empty value). */
export function FilterSelect(props: { name: string; label: string; value: string | undefined; options: [string, string][]; any: string }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.any}</option>
        {props.options.map(([value, label]) => (
          <option value={value} selected={props.value === value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
