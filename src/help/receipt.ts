import { randomInt } from 'node:crypto';

/**
 * A receipt is 20 random digits (66 bits) in five groups of four: easy to type on a phone keypad,
 * too many to guess, and the only way back to a request.
 */
const GROUPS = 5;
const GROUP_LENGTH = 4;

export function newReceipt(): string {
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) groups.push(String(randomInt(0, 10 ** GROUP_LENGTH)).padStart(GROUP_LENGTH, '0'));
  return groups.join('-');
}

/** Accepts what a person types (spaces, dashes, other separators) and answers the canonical form, or null. */
export function normaliseReceipt(input: string): string | null {
  const digits = input.replace(/[\s\-‐‑–—._/]/g, '');
  if (!new RegExp(`^\\d{${GROUPS * GROUP_LENGTH}}$`).test(digits)) return null;
  return (digits.match(new RegExp(`\\d{${GROUP_LENGTH}}`, 'g')) ?? []).join('-');
}
