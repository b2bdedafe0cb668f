import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import jsqr from 'jsqr';
import { EPC_MAX_BYTES, EpcError, epcAmount, epcPayload, qrSvg, type EpcTransfer } from '../../src/funding/epc-qr.ts';
import { newRfReference } from '../../src/funding/rf-reference.ts';

const ours: EpcTransfer = { name: 'Stichting Beside', iban: 'NL91 ABNA 0417 1643 00', amountCents: 2500n };

function refused(transfer: EpcTransfer, code: string): void {
  assert.throws(() => epcPayload(transfer), (error: unknown) => error instanceof EpcError && error.code === code, code);
}

/** How many bytes of text fit in the payload beside these fields. */
function roomForText(transfer: EpcTransfer): number {
  return EPC_MAX_BYTES - (Buffer.byteLength(epcPayload({ ...transfer, text: 'x' })) - 1);
}

/** At most 140 characters of text (its limit) that take exactly `bytes` bytes: two-byte letters, then ASCII. */
function fill(bytes: number): string {
  assert.ok(bytes <= 280, `${bytes} bytes do not fit in 140 characters`);
  const twoByte = Math.max(0, bytes - 140);
  return 'é'.repeat(twoByte) + 'x'.repeat(bytes - 2 * twoByte);
}

/**
 * Reads the QR code back from the SVG as a phone would: draws the path's dark modules into a
 * bitmap (4 pixels a module) and decodes it with jsQR, an independent decoder.
 */
function decodeSvg(svg: string): { bytes: Buffer; version: number } | null {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const path = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, command, a = '0', b = '0'] of path.matchAll(/([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
    if (command === 'M') [x, y] = [Number(a), Number(b) - 0.5];
    else if (command === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else for (let i = 0; i < Number(a); i++, x++) dark.add(`${x},${y}`);
  }
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py++) {
    for (let px = 0; px < width; px++) {
      if (!dark.has(`${Math.floor(px / scale)},${Math.floor(py / scale)}`)) continue;
      pixels.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
    }
  }
  // jsqr is CommonJS with an ES-style default export: as TypeScript sees it, the function is `.default`.
  const code = jsqr.default(pixels, width, width);
  return code ? { bytes: Buffer.from(code.binaryData), version: code.version } : null;
}

describe('test/funding/epc-qr.test.ts', () => {
  test('the EPC sample transfer to the Belgian Red Cross, line by line', () => {
    // EPC069-12's sample: BCD / 001 / 1 / SCT / BPOTBEB1 / Red Cross of Belgium /
    // BE72000000001616 / EUR1 / CHAR / (no reference) / Urgency fund / Sample EPC QR code.
    // Ours is version 002 with two decimals, no purpose code and no note to the payer.
    const payload = epcPayload({ name: 'Red Cross of Belgium', iban: 'BE72000000001616', bic: 'BPOTBEB1', amountCents: 100n, text: 'Urgency fund' });
    assert.deepEqual(payload.split('\n'), ['BCD', '002', '1', 'SCT', 'BPOTBEB1', 'Red Cross of Belgium', 'BE72000000001616', 'EUR1.00', '', '', 'Urgency fund']);
    assert.ok(!payload.includes('\r'));
  });

  test('a pledge by bank transfer: no BIC, the IBAN compact, the RF reference in its own line, nothing after it', () => {
    const payload = epcPayload({ ...ours, bic: '', amountCents: 1250n, reference: 'rf18 5390 0754 7034' });
    assert.equal(payload, 'BCD\n002\n1\nSCT\n\nStichting Beside\nNL91ABNA0417164300\nEUR12.50\n\nRF18539007547034');
  });

  test('a structured reference and a text never go together', () => {
    refused({ ...ours, reference: 'RF18539007547034', text: 'Gift' }, 'both_references');
  });

  test('amounts: a decimal point and two decimals, from 1 cent to 999 999 999.99 euros', () => {
    assert.equal(epcAmount(1n), 'EUR0.01');
    assert.equal(epcAmount(1250n), 'EUR12.50');
    assert.equal(epcAmount(100n), 'EUR1.00');
    assert.equal(epcAmount(99_999_999_999n), 'EUR999999999.99');
    for (const cents of [0n, -1n, -2500n, 100_000_000_000n]) refused({ ...ours, amountCents: cents }, 'bad_amount');
  });

  test('fields are checked: IBAN, BIC, reference, name and text', () => {
    refused({ ...ours, iban: 'NL92ABNA0417164300' }, 'bad_iban');
    refused({ ...ours, iban: 'PK36SCBL0000001123456702' }, 'bad_iban');
    refused({ ...ours, bic: 'NOTABIC' }, 'bad_bic');
    refused({ ...ours, reference: 'RF17539007547034' }, 'bad_reference');
    assert.equal(epcPayload({ ...ours, reference: ' ' }), epcPayload(ours), 'an empty reference is no reference');
    refused({ ...ours, name: '' }, 'bad_name');
    refused({ ...ours, name: '   ' }, 'bad_name');
    refused({ ...ours, name: 'x'.repeat(71) }, 'bad_name');
    assert.ok(epcPayload({ ...ours, name: 'x'.repeat(70) }));
    refused({ ...ours, text: 'x'.repeat(141) }, 'bad_text');
    assert.ok(epcPayload({ ...ours, text: 'x'.repeat(140) }));
  });

  test('a line break in a name or text cannot add or move a line (an attacker-chosen IBAN, say)', () => {
    refused({ ...ours, name: 'Beside\nNL02ABNA0123456789' }, 'bad_name');
    refused({ ...ours, name: 'Beside\r' + 'x' }, 'bad_name');
    refused({ ...ours, text: 'Gift\nRF18539007547034' }, 'bad_text');
    refused({ ...ours, text: 'Gift\u2028RF18539007547034' }, 'bad_text');
    refused({ ...ours, name: 'Beside\u0085NL02ABNA0123456789' }, 'bad_name');
  });

  test('names count in characters, the payload in UTF-8 bytes: at most 331', () => {
    const cyrillic = 'Ж'.repeat(70); // 70 characters, 140 bytes
    const room = roomForText({ ...ours, name: cyrillic, amountCents: 1250n });
    const exact = epcPayload({ ...ours, name: cyrillic, amountCents: 1250n, text: fill(room) });
    assert.equal(Buffer.byteLength(exact), EPC_MAX_BYTES);
    assert.ok(exact.length < EPC_MAX_BYTES, 'the same payload is fewer characters than bytes');
    refused({ ...ours, name: cyrillic, amountCents: 1250n, text: fill(room + 1) }, 'too_long');
  });

  test('the SVG is self-contained, named for screen readers, and decodes to the payload bytes', async () => {
    const payload = epcPayload({ ...ours, name: 'Фонд «Рядом» — Beside', reference: newRfReference() });
    const svg = await qrSvg(payload, 'QR code: pay "€25" <by bank>');
    assert.match(svg, /^<svg role="img" aria-label="QR code: pay &#34;€25&#34; &#60;by bank&#62;" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<title>QR code: pay &#34;€25&#34; &#60;by bank&#62;<\/title>/);
    assert.match(svg, /<path stroke="#000000" d="M[\d .Mmh]+"\/>/);
    assert.doesNotMatch(svg, /href|url\(|<script|<image|<foreignObject|@import/i);
    assert.deepEqual([...svg.matchAll(/https?:\/\/[^"]+/g)].map((m) => m[0]), ['http://www.w3.org/2000/svg'], 'the namespace is the only address');
    const decoded = decodeSvg(svg);
    assert.ok(decoded, 'jsQR reads the code');
    assert.deepEqual(decoded.bytes, Buffer.from(payload, 'utf8'));
  });

  test('the longest payload still fits a version-13 code, as the guidelines require', async () => {
    const longest = { ...ours, name: 'Ж'.repeat(70), bic: 'INGBNL2AXXX', amountCents: 99_999_999_999n };
    const payload = epcPayload({ ...longest, text: fill(roomForText(longest)) });
    assert.equal(Buffer.byteLength(payload), EPC_MAX_BYTES);
    const decoded = decodeSvg(await qrSvg(payload, 'QR'));
    assert.ok(decoded);
    assert.deepEqual(decoded.bytes, Buffer.from(payload, 'utf8'));
    assert.ok(decoded.version <= 13, `version ${decoded.version}`);
  });
});
