/**
 * What the money buys. A gift names one of these (or "general": where most needed), an expense
 * spends from one, and the ledger keeps an income and a spending account for each, so every
 * public total is a balance the ledger already holds.
 */
export const PURPOSES = ['shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general'] as const;

export type Purpose = (typeof PURPOSES)[number];

export function isPurpose(value: unknown): value is Purpose {
  return typeof value === 'string' && (PURPOSES as readonly string[]).includes(value);
}

/** The income account a gift for this purpose is credited to. */
export function giftAccount(purpose: Purpose): `income:gifts:${Purpose}` {
  return `income:gifts:${purpose}`;
}

/** The expense account spending for this purpose is debited to. */
export function spendAccount(purpose: Purpose): `expenses:${Purpose}` {
  return `expenses:${purpose}`;
}
