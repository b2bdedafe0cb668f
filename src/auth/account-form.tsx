import { z } from 'zod';
import type { Translate } from '../i18n/index.ts';
import { LANGUAGES, LANGUAGE_NAMES, type Lang } from '../i18n/lang.ts';
import { Field, describedBy, fieldErrors, textOf, type FormState } from '../web/forms.tsx';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, isCommonPassword } from './password-policy.ts';

/** The fields a new staff account needs, shared by the setup page and invitations. */
export const accountSchema = z.object({
  login: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{2,64}$/),
  displayName: z.string().trim().min(1).max(100),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH)
    .max(PASSWORD_MAX_LENGTH)
    .refine((password) => !isCommonPassword(password), { params: { common: true } }),
  language: z.enum(LANGUAGES),
});

export type AccountFields = keyof z.infer<typeof accountSchema>;

export function accountMessages(t: Translate): Record<AccountFields, string> {
  return {
    login: t('auth.field.login'),
    displayName: t('auth.field.name'),
    password: t('auth.field.password'),
    language: t('web.error.bad_request'),
  };
}

/** The message each field shows; a common password gets its own, since its length was fine. */
export function accountErrors(error: z.ZodError, t: Translate): Partial<Record<AccountFields, string>> {
  const errors = fieldErrors(error, accountMessages(t));
  const passwordIssues = error.issues.filter((issue) => issue.path[0] === 'password');
  if (passwordIssues.length > 0 && passwordIssues.every((issue) => issue.code === 'custom')) errors.password = t('auth.field.passwordCommon');
  return errors;
}

export function AccountFieldset(props: { t: Translate; form: FormState<AccountFields>; lang: Lang }) {
  const { t, form } = props;
  const chosen = textOf(form.values.language) || props.lang;
  return (
    <>
      <Field name="login" label={t('auth.login.login')} hint={t('auth.field.login')} error={form.errors.login}>
        <input
          id="login"
          name="login"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          required
          value={textOf(form.values.login)}
          aria-invalid={form.errors.login ? 'true' : undefined}
          aria-describedby={describedBy('login', true, form.errors.login)}
        />
      </Field>
      <Field name="displayName" label={t('auth.setup.name')} error={form.errors.displayName}>
        <input
          id="displayName"
          name="displayName"
          type="text"
          autocomplete="name"
          required
          value={textOf(form.values.displayName)}
          aria-invalid={form.errors.displayName ? 'true' : undefined}
          aria-describedby={describedBy('displayName', false, form.errors.displayName)}
        />
      </Field>
      <Field name="password" label={t('auth.login.password')} hint={t('auth.setup.passwordHint')} error={form.errors.password}>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength={12}
          required
          aria-invalid={form.errors.password ? 'true' : undefined}
          aria-describedby={describedBy('password', true, form.errors.password)}
        />
      </Field>
      <Field name="language" label={t('auth.setup.language')}>
        <select id="language" name="language">
          {LANGUAGES.map((lang) => (
            <option value={lang} selected={lang === chosen}>
              {LANGUAGE_NAMES[lang]}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}
