import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatIban, isSepaIban, isValidIban, normaliseBic, normaliseIban } from '../../src/funding/iban.ts';

describe('test/funding/iban.test.ts', () => {
  test('valid IBANs in any spacing and case normalise to compact upper case', () => {
    assert.equal(normaliseIban('NL91ABNA0417164300'), 'NL91ABNA0417164300');
    assert.equal(normaliseIban(' nl91 abna 0417 1643 00 '), 'NL91ABNA0417164300');
    assert.equal(normaliseIban('BE72 0000 0000 1616'), 'BE72000000001616');
    assert.equal(normaliseIban('DE89 3704 0044 0532 0130 00'), 'DE89370400440532013000');
    assert.equal(isValidIban('NL91 ABNA 0417 1643 00'), true);
  });

  test('a wrong check digit, a wrong length or an unknown country is refused', () => {
    for (const invalid of [
      'NL92ABNA0417164300', // check digits
      'NL91ABNA0417164301', // one digit changed
      'NL91ABNA041716430', // one short
      'NL91ABNA04171643000', // one long
      'XX91ABNA0417164300', // no such country
      'NL91ABNA0417164300; --',
      '',
    ]) {
      assert.equal(isValidIban(invalid), false, invalid);
      assert.equal(normaliseIban(invalid), null, invalid);
    }
  });

  test('formatIban prints groups of four', () => {
    assert.equal(formatIban('NL91ABNA0417164300'), 'NL91 ABNA 0417 1643 00');
    assert.equal(formatIban('NL91 ABNA 0417 1643 00'), 'NL91 ABNA 0417 1643 00');
  });

  test('only IBANs of the euro payments area may appear in an EPC QR code', () => {
    assert.equal(isSepaIban('NL91ABNA0417164300'), true);
    assert.equal(isSepaIban('CH9300762011623852957'), true);
    // A valid Pakistani IBAN is still not a SEPA account.
    assert.equal(isValidIban('PK36SCBL0000001123456702'), true);
    assert.equal(isSepaIban('PK36SCBL0000001123456702'), false);
  });

  test('BICs of 8 or 11 characters', () => {
    assert.equal(normaliseBic('abnanl2a'), 'ABNANL2A');
    assert.equal(normaliseBic('BPOTBEB1'), 'BPOTBEB1');
    assert.equal(normaliseBic('INGBNL2AXXX'), 'INGBNL2AXXX');
    assert.equal(normaliseBic('ABNANL2'), null);
    assert.equal(normaliseBic('ABNA NL 2A'), 'ABNANL2A');
    assert.equal(normaliseBic('ABNAXX2A'), null);
  });
});
