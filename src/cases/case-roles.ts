import type { Role } from '../auth/roles.ts';

/**
 * The parts of a case, each sealed in a vault of its own, and the roles people hold on a case.
 * Grants follow the role (DESIGN.md): this table is the one place that says who reads what.
 */
export const CASE_PARTS = ['core', 'psych', 'legal', 'housing'] as const;
export type CasePart = (typeof CASE_PARTS)[number];

export const CASE_MEMBER_ROLES = ['coordinator', 'caseworker', 'psychologist', 'lawyer', 'housing_coordinator'] as const;
export type CaseRole = (typeof CASE_MEMBER_ROLES)[number];

const READERS: Record<CasePart, readonly CaseRole[]> = {
  core: ['caseworker', 'coordinator'],
  psych: ['psychologist'],
  legal: ['lawyer', 'caseworker'],
  housing: ['housing_coordinator'],
};

/** The parts a role on a case may read (and so is granted). */
export function partsFor(role: CaseRole): CasePart[] {
  return CASE_PARTS.filter((part) => READERS[part].includes(role));
}

export function readsPart(role: CaseRole, part: CasePart): boolean {
  return READERS[part].includes(role);
}

/** The conversation with the person follows the case's core: the caseworker and the coordinators on it. */
export function readsConversation(role: CaseRole): boolean {
  return readsPart(role, 'core');
}

/** Who may bring a colleague onto a case, or take one off: the caseworker and coordinators on it. */
export function managesTeam(role: CaseRole): boolean {
  return role === 'caseworker' || role === 'coordinator';
}

/** Which roles on a case a staff member's account allows. */
export function caseRolesFor(staffRoles: readonly Role[]): CaseRole[] {
  return CASE_MEMBER_ROLES.filter((role) => staffRoles.includes(role));
}

export function isCaseRole(value: unknown): value is CaseRole {
  return typeof value === 'string' && (CASE_MEMBER_ROLES as readonly string[]).includes(value);
}
