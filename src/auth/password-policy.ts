import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * What a staff password must be, wherever one is chosen (setup page, invitation, command line):
 * long enough, and not among the passwords attackers try first. The list is the common-password
 * dictionary of zxcvbn-ts (@zxcvbn-ts/language-common: about 49,000 passwords ranked by how often
 * they appear in published password leaks), installed with the package: nothing is looked up over
 * the network.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

let common: Set<string> | undefined;

/** Whether a password is on the common-password list, ignoring case and surrounding spaces. */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return common.has(password.trim().toLowerCase());
}

/** How many passwords the list holds (for the documentation and tests). */
export function commonPasswordCount(): number {
  isCommonPassword('');
  return common!.size;
}
