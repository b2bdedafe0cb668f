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

/** Roles that may be on a case team, and so be granted some of its vaults (cases/case-roles.ts says which). */
export const CASE_ROLES: readonly Role[] = ['coordinator', 'caseworker', 'psychologist', 'lawyer', 'housing_coordinator'];

/**
 * Roles that may manage a case's team or status; the operation then checks their role on that
 * case (cases/case-roles.ts managesTeam), so routes and forms ask the same rule.
 */
export const CASE_SHARING_ROLES: readonly Role[] = ['coordinator', 'caseworker'];

/** Who triages: reads the inbox, changes a request's status, opens cases. */
export const TRIAGE_ROLES: readonly Role[] = ['coordinator'];

export function mayTriage(roles: readonly Role[]): boolean {
  return roles.some((role) => TRIAGE_ROLES.includes(role));
}
