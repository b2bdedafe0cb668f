import { z } from 'zod';
import { isRole, ROLES, type Role } from '../auth/roles.ts';
import { isLang, LANGUAGES, type Lang } from '../i18n/lang.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, isCommonPassword } from '../auth/password-policy.ts';
import { CommandError, UsageError } from './errors.ts';

/** The rules of the web forms (src/auth/account-form.tsx), checked again at the command line's edge. */
const login = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{2,64}$/, 'A login is 2 to 64 characters: a-z, 0-9, ".", "_" or "-".');
const displayName = z.string().trim().min(1, 'A name is required.').max(100, 'A name has at most 100 characters.');
const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `A password has at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `A password has at most ${PASSWORD_MAX_LENGTH} characters.`)
  .refine(
    (value) => !isCommonPassword(value),
    'This password is one of the most commonly used, so attackers try it first. Choose another (a long sentence of your own works well).',
  );

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CommandError(parsed.error.issues[0]?.message ?? 'Invalid value.');
  return parsed.data;
}

export const checkLogin = (value: string): string => check(login, value);
export const checkDisplayName = (value: string): string => check(displayName, value);
export const checkPassword = (value: string): string => check(password, value);

export function parseLanguage(value: string | undefined): Lang {
  if (value === undefined) return 'en';
  if (!isLang(value)) throw new UsageError(`--language must be one of ${LANGUAGES.join(', ')}.`);
  return value;
}

/** "coordinator,caseworker" → roles, refusing unknown ones and an empty list. */
export function parseRoles(value: string): Role[] {
  const words = [...new Set(value.split(',').map((word) => word.trim()).filter(Boolean))];
  const unknown = words.filter((word) => !isRole(word));
  if (unknown.length > 0) throw new UsageError(`Unknown role ${unknown.join(', ')}; roles are ${ROLES.join(', ')}.`);
  if (words.length === 0) throw new UsageError('--roles needs at least one role.');
  return words.filter(isRole);
}
