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

/** How many digits a receipt has, for the hint and the message about a code of the wrong length. */
export const RECEIPT_DIGITS = GROUPS * GROUP_LENGTH;

/**
 * The digits of what a person typed: full-width and other compatibility digits become ASCII
 * (NFKC) and everything else (spaces, dashes, any separator a keyboard offers) is dropped.
 */
export function receiptDigits(input: string): string {
  return input.normalize('NFKC').replace(/[^0-9]/g, '');
}

/** Accepts what a person types and answers the canonical form, or null when it is not 20 digits. */
export function normaliseReceipt(input: string): string | null {
  const digits = receiptDigits(input);
  if (digits.length !== RECEIPT_DIGITS) return null;
  return receiptGroups(digits).join('-');
}

/** The groups of four, for showing a receipt so that no group breaks across lines. */
export function receiptGroups(receipt: string): string[] {
  return receiptDigits(receipt).match(new RegExp(`\\d{1,${GROUP_LENGTH}}`, 'g')) ?? [];
}

/**
 * The duress code is the receipt with its last group replaced by four digits the person chose:
 * one short thing to remember, typed into the same field in the same shape, so someone watching
 * sees a code like any other. The first sixteen digits stay random, so it is no easier to guess
 * than a receipt.
 */
export const DURESS_ENDING_DIGITS = GROUP_LENGTH;

export function duressCode(receipt: string, ending: string): string {
  const groups = receiptGroups(receipt);
  return [...groups.slice(0, -1), ending].join('-');
}

/** The receipt's own last group: a duress ending must differ from it. */
export function lastGroup(receipt: string): string {
  return receiptGroups(receipt).at(-1) ?? '';
}
