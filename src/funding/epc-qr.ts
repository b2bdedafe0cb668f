import QRCode from 'qrcode';
import { isSepaIban, normaliseBic, normaliseIban } from './iban.ts';
import { decimalEuros } from './money.ts';
import { normaliseRfReference } from './rf-reference.ts';

/**
 * The EPC QR code (EPC069-12 "Quick Response Code: guidelines to enable data capture for the
 * initiation of a SEPA credit transfer", version 002) that Dutch, Belgian, German and Austrian
 * banking apps scan to fill in a transfer. Lines, joined by "\n":
 *
 *   BCD · 002 · 1 (UTF-8) · SCT · BIC (optional in 002) · name (≤ 70) · IBAN · EUR12.50 ·
 *   purpose code (empty) · structured reference (RF…) · unstructured text (≤ 140)
 *
 * A transfer carries a structured reference or a text, never both. The whole payload is at most
 * 331 bytes, what a version-13 code at error correction M holds in byte mode.
 */
export type EpcTransfer = {
  name: string;
  iban: string;
  bic?: string;
  amountCents: bigint;
  reference?: string;
  text?: string;
};

export type EpcErrorCode = 'bad_name' | 'bad_iban' | 'bad_bic' | 'bad_amount' | 'bad_reference' | 'bad_text' | 'both_references' | 'too_long';

export class EpcError extends Error {
  constructor(readonly code: EpcErrorCode) {
    super(`EPC QR payload refused: ${code}`);
    this.name = 'EpcError';
  }
}

export const EPC_MAX_BYTES = 331;
export const EPC_MIN_CENTS = 1n;
export const EPC_MAX_CENTS = 99_999_999_999n;

/** The payload for a QR code, or an EpcError naming the first field that cannot go in one. */
export function epcPayload(transfer: EpcTransfer): string {
  const name = transfer.name.trim();
  if (!fits(name, 70)) throw new EpcError('bad_name');
  const iban = normaliseIban(transfer.iban);
  if (!iban || !isSepaIban(iban)) throw new EpcError('bad_iban');
  const bic = transfer.bic === undefined || transfer.bic.trim() === '' ? '' : normaliseBic(transfer.bic);
  if (bic === null) throw new EpcError('bad_bic');
  const reference = transfer.reference === undefined || transfer.reference.trim() === '' ? '' : normaliseRfReference(transfer.reference);
  if (reference === null) throw new EpcError('bad_reference');
  const text = (transfer.text ?? '').trim();
  if (text !== '' && !fits(text, 140)) throw new EpcError('bad_text');
  if (reference !== '' && text !== '') throw new EpcError('both_references');

  const lines = ['BCD', '002', '1', 'SCT', bic, name, iban, epcAmount(transfer.amountCents), '', reference, text];
  // The guidelines let a payload end after its last filled element.
  while (lines.at(-1) === '') lines.pop();
  const payload = lines.join('\n');
  if (Buffer.byteLength(payload, 'utf8') > EPC_MAX_BYTES) throw new EpcError('too_long');
  return payload;
}

/** "EUR12.50": a decimal point and two decimals, from 0.01 to 999999999.99 euros. */
export function epcAmount(cents: bigint): string {
  if (typeof cents !== 'bigint' || cents < EPC_MIN_CENTS || cents > EPC_MAX_CENTS) throw new EpcError('bad_amount');
  return `EUR${decimalEuros(cents)}`;
}

/**
 * The QR code as inline SVG (error correction M, a quiet zone of four modules) with role="img" and
 * the accessible name the page gives it. One byte-mode segment holds the payload's UTF-8 bytes,
 * as the guidelines count them. Asynchronous because `qrcode` offers its SVG output only so.
 */
export async function qrSvg(payload: string, label: string): Promise<string> {
  const svg = await QRCode.toString([{ data: Buffer.from(payload, 'utf8'), mode: 'byte' }], {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
  });
  const name = escapeAttribute(label);
  return svg.trim().replace('<svg ', `<svg role="img" aria-label="${name}" `).replace(/(<svg[^>]*>)/, `$1<title>${name}</title>`);
}

/** Non-empty, at most `max` characters (not bytes), and nothing a reader could take for a line break. */
function fits(value: string, max: number): boolean {
  return value !== '' && [...value].length <= max && !/[\p{Cc}\p{Zl}\p{Zp}]/u.test(value);
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
