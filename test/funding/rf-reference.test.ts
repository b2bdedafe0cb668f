import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  findRfReference,
  formatRfReference,
  isValidRfReference,
  newRfReference,
  normaliseRfReference,
  RF_BODY_DIGITS,
} from '../../src/funding/rf-reference.ts';

/** The check digits computed another way (one BigInt, not a running remainder), as ISO 11649 describes. */
function expectedCheckDigits(body: string): string {
  const numeric = `${body}RF00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, '0');
}

/** A random source for newRfReference that yields exactly these bytes, then fails the test if asked for more. */
function bytesFrom(values: number[]): (size: number) => Uint8Array {
  let offset = 0;
  return (size) => {
    assert.ok(offset < values.length, 'asked for more random bytes than the test gave');
    const slice = Uint8Array.from(values.slice(offset, offset + size));
    offset += size;
    return slice;
  };
}

const ourReference = fc.array(fc.integer({ min: 0, max: 249 }), { minLength: RF_BODY_DIGITS, maxLength: RF_BODY_DIGITS }).map((bytes) => newRfReference(bytesFrom(bytes)));

describe('test/funding/rf-reference.test.ts', () => {
  test('the published examples validate, in print and in electronic form', () => {
    // ISO 11649 and the EPC's implementation guidelines: "RF18 5390 0754 7034", and the same
    // reference padded with zeros to the full 21 characters.
    for (const valid of ['RF18 5390 0754 7034', 'RF18539007547034', 'RF18000000000539007547034', 'rf18 5390 0754 7034', ' RF18 5390 0754 7034 ']) {
      assert.equal(isValidRfReference(valid), true, valid);
    }
    assert.equal(normaliseRfReference('rf18 5390 0754 7034'), 'RF18539007547034');
    assert.equal(formatRfReference('RF18539007547034'), 'RF18 5390 0754 7034');
    assert.equal(formatRfReference('RF18000000000539007547034'), 'RF18 0000 0000 0539 0075 4703 4');
  });

  test('wrong check digits, other prefixes, bad characters and lengths are refused', () => {
    for (const invalid of [
      'RF17 5390 0754 7034',
      'RF19539007547034',
      'RG18539007547034',
      'FR18539007547034',
      'RF185390075470340000000000', // 26 characters: longer than the standard's 25
      'RF18',
      'RF1',
      '',
      'RF18-5390-0754-7034',
      'RF18 5390 0754 703Ä',
      '539007547034',
      'RF18539007547034; drop table pledges',
    ]) {
      assert.equal(isValidRfReference(invalid), false, invalid);
      assert.equal(normaliseRfReference(invalid), null, invalid);
    }
  });

  test('a new reference is RF, two check digits and 20 digits: 24 characters in six groups of four', () => {
    const reference = newRfReference();
    assert.match(reference, /^RF\d{22}$/);
    assert.equal(reference.length, 24);
    assert.equal(isValidRfReference(reference), true);
    assert.match(formatRfReference(reference), /^RF\d{2}( \d{4}){5}$/);
  });

  test('the check digits are those of ISO 7064 MOD 97-10, from the random digits drawn', () => {
    const reference = newRfReference(bytesFrom([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 249]));
    assert.equal(reference, `RF${expectedCheckDigits('01234567890123456789')}01234567890123456789`);
  });

  test('bytes of 250 and above are drawn again, so every digit stays equally likely', () => {
    const bytes = [255, 250, 7, ...Array(RF_BODY_DIGITS - 1).fill(3), ...Array(RF_BODY_DIGITS).fill(0)];
    assert.equal(newRfReference(bytesFrom(bytes)).slice(4), `7${'3'.repeat(RF_BODY_DIGITS - 1)}`);
  });

  test('references do not repeat and every position shows every digit', () => {
    const references = Array.from({ length: 2000 }, () => newRfReference());
    assert.equal(new Set(references).size, references.length);
    for (let position = 4; position < 24; position++) {
      // A digit missing from 2000 draws at one position has odds below 1e-80.
      assert.equal(new Set(references.map((reference) => reference[position])).size, 10, `position ${position}`);
    }
  });

  test('property: every reference we draw validates and normalises to itself', () => {
    fc.assert(
      fc.property(ourReference, (reference) => {
        assert.equal(normaliseRfReference(reference), reference);
        assert.equal(normaliseRfReference(formatRfReference(reference).toLowerCase()), reference);
        assert.equal(reference.slice(2, 4), expectedCheckDigits(reference.slice(4)));
      }),
      { numRuns: 500 },
    );
  });

  test('property: changing any one character fails (to another digit anywhere, or to anything in the first four)', () => {
    // The mod-97 check catches every change of one digit into another. A letter counts as two
    // digits, so a letter typed for a digit slips through about once in 97: one reason our
    // references hold digits only.
    const change = fc.tuple(ourReference, fc.nat({ max: 23 }), fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'));
    fc.assert(
      fc.property(change, ([reference, position, replacement]) => {
        fc.pre(reference[position] !== replacement && (position < 4 || /\d/.test(replacement)));
        const changed = reference.slice(0, position) + replacement + reference.slice(position + 1);
        assert.equal(isValidRfReference(changed), false, `${reference} → ${changed}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: swapping two neighbouring characters that differ fails', () => {
    fc.assert(
      fc.property(ourReference, fc.nat({ max: 22 }), (reference, position) => {
        fc.pre(reference[position] !== reference[position + 1]);
        const swapped = reference.slice(0, position) + reference[position + 1] + reference[position] + reference.slice(position + 2);
        assert.equal(isValidRfReference(swapped), false, `${reference} → ${swapped}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('findRfReference finds a reference a donor typed into the description, however grouped', () => {
    const reference = newRfReference();
    const printed = formatRfReference(reference);
    assert.equal(findRfReference(`Gift for shelter ${printed} thank you`), reference);
    assert.equal(findRfReference(`gift ${printed.toLowerCase().replace(/ /g, '-')}`), reference);
    assert.equal(findRfReference(`${printed} 2026-03-01`), reference, 'digits after it belong to something else');
    assert.equal(findRfReference('betaling RF18 5390 0754 7034'), 'RF18539007547034');
    assert.equal(findRfReference('Kenmerk RF17 5390 0754 7034'), null, 'a wrong check digit finds nothing');
    assert.equal(findRfReference('SURF18539007547034'), null, 'RF inside a word is not a reference');
    assert.equal(findRfReference('no reference here'), null);
  });
});
