import { electronicFormatIBAN, friendlyFormatIBAN, isSEPACountry, isValidBIC, isValidIBAN } from 'ibantools';

/**
 * IBANs through `ibantools` (maintained, no dependencies), which knows every country's length and
 * layout from the SWIFT IBAN registry as well as the mod-97 check: a home-made check would accept
 * a Dutch IBAN one digit short.
 */

/** What a person typed ("nl91 abna 0417 1643 00") in compact upper case, or null if it is not a valid IBAN. */
export function normaliseIban(text: string): string | null {
  const compact = electronicFormatIBAN(text.normalize('NFKC').replace(/\s/g, ''));
  return compact && isValidIBAN(compact) ? compact : null;
}

export function isValidIban(text: string): boolean {
  return normaliseIban(text) !== null;
}

/** Groups of four for print ("NL91 ABNA 0417 1643 00"). */
export function formatIban(iban: string): string {
  return friendlyFormatIBAN(iban.replace(/\s/g, '')) ?? '';
}

/** Whether a valid IBAN belongs to a country of the Single Euro Payments Area (what an EPC QR code may name). */
export function isSepaIban(iban: string): boolean {
  const compact = normaliseIban(iban);
  return compact !== null && isSEPACountry(compact.slice(0, 2));
}

/** A BIC of 8 or 11 characters with a known country, compact upper case, or null. */
export function normaliseBic(text: string): string | null {
  const compact = text.replace(/\s/g, '').toUpperCase();
  return isValidBIC(compact) ? compact : null;
}
