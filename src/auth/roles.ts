export const ROLES = [
  'administrator',
  'coordinator',
  'caseworker',
  'psychologist',
  'lawyer',
  'housing_coordinator',
  'treasurer',
  'editor',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles that may be assigned to follow a case, and so be granted its vaults. */
export const CASE_ROLES: readonly Role[] = ['coordinator', 'caseworker', 'psychologist', 'lawyer'];

/** Roles that may bring a colleague onto a case they hold; psychologists and lawyers may not. */
export const CASE_SHARING_ROLES: readonly Role[] = ['coordinator', 'caseworker'];
