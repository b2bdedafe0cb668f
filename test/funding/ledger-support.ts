import { giftAccount, type Purpose } from '../../src/funding/purposes.ts';
import type { NewLedgerTransaction } from '../../src/funding/ledger.ts';

/** A gift paid to the bank for a purpose, as the campaign books one. */
export function gift(purpose: Purpose, cents: bigint, sourceRef?: string, occurredOn = '2025-03-14'): NewLedgerTransaction {
  return {
    kind: 'gift',
    occurredOn,
    description: 'Gift by bank transfer',
    ...(sourceRef === undefined ? {} : { sourceRef }),
    entries: [
      { account: 'assets:bank', amountCents: cents },
      { account: giftAccount(purpose), amountCents: -cents },
    ],
    actorUserId: null,
  };
}

/** A gift through Mollie with Mollie's fee taken from it: three entries. */
export function mollieGift(purpose: Purpose, cents: bigint, feeCents: bigint, sourceRef: string, occurredOn = '2025-03-14'): NewLedgerTransaction {
  return {
    kind: 'gift',
    occurredOn,
    description: 'Gift through Mollie',
    sourceRef,
    entries: [
      { account: 'assets:mollie', amountCents: cents - feeCents },
      { account: 'expenses:fees:mollie', amountCents: feeCents },
      { account: giftAccount(purpose), amountCents: -cents },
    ],
    actorUserId: null,
  };
}

/** Any 32 bytes, for rows written around postTransaction. */
export const SOME_HASH = new Uint8Array(32).fill(7);
