import { Camt053Error, readAmount, readDate, readDirection, readOptionalAmount, signed, type Direction } from './camt053-fields.ts';
import { child, children, text } from './camt053-xml.ts';

/** One line of a statement as the ledger sees it: a movement of money with what identifies it. */
export type CamtLine = {
  bookingDate: string;
  valueDate: string | null;
  amountCents: bigint;
  currency: string;
  direction: Direction;
  /** A reversal (RvslInd): the bank undoes an earlier entry, e.g. a returned transfer. */
  reversal: boolean;
  structuredRef: string | null;
  unstructured: string | null;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  /** The bank's free text about the transaction or entry, for a person booking it by hand. */
  additionalInfo: string | null;
  /** Not shown; it only helps tell apart entries that have no reference of their own. */
  endToEndId: string | null;
};

export type ReadEntry = {
  /** The bank's reference for the entry, and the entry's number within its statement. */
  acctSvcrRef: string | null;
  ntryRef: string | null;
  lines: CamtLine[];
};

/**
 * The lines of one <Ntry>: one per <TxDtls> of a batch (each with its own amount), or one for the
 * entry. Only booked entries count: pending or informational ones are not money on the account.
 * A batch whose parts do not add up to the entry (amounts missing, another currency) becomes one
 * line without references, so nothing is matched on a guess and the treasurer books it by hand.
 */
export function readEntry(ntry: unknown, where: string): ReadEntry | null {
  const status = text(child(ntry, 'Sts')) ?? text(child(ntry, 'Sts', 'Cd'));
  if (status !== null && status !== 'BOOK') return null;

  const amount = readAmount(child(ntry, 'Amt'), where);
  const direction = readDirection(child(ntry, 'CdtDbtInd'), where);
  if (!direction) throw new Camt053Error('bad_entry', where);
  const bookingDate = readDate(child(ntry, 'BookgDt'), where);
  if (!bookingDate) throw new Camt053Error('bad_date', where);
  const base = {
    bookingDate,
    valueDate: readDate(child(ntry, 'ValDt'), where),
    currency: amount.currency,
    reversal: text(child(ntry, 'RvslInd')) === 'true',
  };
  const refs = { acctSvcrRef: text(child(ntry, 'AcctSvcrRef')), ntryRef: text(child(ntry, 'NtryRef')) };
  const entryInfo = text(child(ntry, 'AddtlNtryInf'));
  const details = children(ntry, 'NtryDtls').flatMap((part) => children(part, 'TxDtls'));

  if (details.length <= 1) {
    return { ...refs, lines: [{ ...base, ...describe(details[0], direction, entryInfo), amountCents: amount.cents, direction }] };
  }
  const parts = details.map((tx, index) => {
    const txWhere = `${where}, transaction ${index + 1}`;
    const money = readOptionalAmount(child(tx, 'Amt'), txWhere) ?? readOptionalAmount(child(tx, 'AmtDtls', 'TxAmt', 'Amt'), txWhere);
    return { tx, money, direction: readDirection(child(tx, 'CdtDbtInd'), txWhere) ?? direction };
  });
  const addsUp =
    parts.every((part) => part.money?.currency === amount.currency) &&
    parts.reduce((sum, part) => sum + signed(part.money?.cents ?? 0n, part.direction), 0n) === signed(amount.cents, direction);
  if (!addsUp) {
    return { ...refs, lines: [{ ...base, ...describe(undefined, direction, entryInfo), amountCents: amount.cents, direction }] };
  }
  return {
    ...refs,
    lines: parts.map((part) => ({ ...base, ...describe(part.tx, part.direction, entryInfo), amountCents: part.money?.cents ?? 0n, direction: part.direction })),
  };
}

type Description = Pick<CamtLine, 'structuredRef' | 'unstructured' | 'counterpartyName' | 'counterpartyIban' | 'additionalInfo' | 'endToEndId'>;

/** References and the other party of one transaction; who that is depends on the direction. */
function describe(tx: unknown, direction: Direction, entryInfo: string | null): Description {
  const remittance = child(tx, 'RmtInf');
  const structuredRef = children(remittance, 'Strd').map((part) => text(child(part, 'CdtrRefInf', 'Ref'))).find((ref) => ref !== null) ?? null;
  const unstructured = children(remittance, 'Ustrd').map(text).filter((part) => part !== null).join(' ');
  const [party, account] = direction === 'credit' ? ['Dbtr', 'DbtrAcct'] : ['Cdtr', 'CdtrAcct'];
  const parties = child(tx, 'RltdPties');
  const iban = text(child(parties, account, 'Id', 'IBAN'));
  return {
    structuredRef: structuredRef?.replace(/\s/g, '') ?? null,
    unstructured: unstructured === '' ? null : unstructured,
    // Versions 08 and later put the party one level down, under <Pty>.
    counterpartyName: text(child(parties, party, 'Nm')) ?? text(child(parties, party, 'Pty', 'Nm')),
    counterpartyIban: iban?.replace(/\s/g, '').toUpperCase() ?? null,
    additionalInfo: text(child(tx, 'AddtlTxInf')) ?? entryInfo,
    endToEndId: text(child(tx, 'Refs', 'EndToEndId')),
  };
}
