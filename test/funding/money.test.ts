import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decimalEuros, formatEuros, parseEuros } from '../../src/funding/money.ts';

/** Intl puts narrow and no-break spaces in some languages; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('test/funding/money.test.ts', () => {
  test('formatEuros in each language, with two decimals', () => {
    assert.equal(plain(formatEuros(123450n, 'nl')), '€ 1.234,50');
    assert.equal(plain(formatEuros(123450n, 'en')), '€1,234.50');
    assert.equal(plain(formatEuros(123450n, 'ru')), '1 234,50 €');
    assert.equal(plain(formatEuros(1n, 'en')), '€0.01');
    assert.equal(plain(formatEuros(0n, 'nl')), '€ 0,00');
    assert.equal(plain(formatEuros(-2550n, 'en')), '-€25.50');
  });

  test('formatEuros keeps every digit beyond 2^53 cents, where a float would not', () => {
    const huge = 2n ** 53n + 1n; // 9007199254740993 cents
    assert.notEqual(BigInt(Number(huge)), huge, 'a float really would lose it');
    assert.equal(plain(formatEuros(huge, 'en')), '€90,071,992,547,409.93');
    assert.equal(plain(formatEuros(huge, 'nl')), '€ 90.071.992.547.409,93');
    assert.equal(plain(formatEuros(-(2n ** 63n) + 1n, 'ru')), '-92 233 720 368 547 758,07 €');
  });

  test('decimalEuros: plain text for files and payloads', () => {
    assert.equal(decimalEuros(1n), '0.01');
    assert.equal(decimalEuros(-1n), '-0.01');
    assert.equal(decimalEuros(-2500n), '-25.00');
    assert.equal(decimalEuros(99_999_999_999n), '999999999.99');
  });

  test('parseEuros accepts what donors type in Dutch, English and Russian habits', () => {
    const accepted: [string, bigint][] = [
      ['25', 2500n],
      ['25,50', 2550n],
      ['25.50', 2550n],
      ['25,5', 2550n],
      ['0,01', 1n],
      ['€ 25', 2500n],
      ['€25', 2500n],
      ['25 €', 2500n],
      ['EUR 25,00', 2500n],
      ['  25  ', 2500n],
      ['1.234,56', 123456n],
      ['1,234.56', 123456n],
      ['1 234,56', 123456n],
      ['1\u00a0234,56', 123456n],
      ['1\u202f234,56', 123456n],
      ['1.234.567', 123456700n],
      ['1,234,567.89', 123456789n],
      ['１２,５０', 1250n],
      ['0', 0n],
    ];
    for (const [typed, cents] of accepted) assert.equal(parseEuros(typed), cents, JSON.stringify(typed));
  });

  test('parseEuros refuses negatives, fractions of a cent, ambiguity and junk', () => {
    for (const typed of [
      '-25',
      '−25',
      '- 25',
      '+25',
      '25.505',
      '25,505',
      '0,001',
      '1.000', // a thousand in Dutch, one euro in English: refused rather than guessed
      '1,000',
      '1.234.56',
      '1,234,56',
      '1.234 567',
      '12 34',
      '25.',
      '.50',
      ',50',
      '',
      '   ',
      '€',
      'abc',
      '25 euros',
      '1e3',
      '0x10',
      '25;DROP',
      '9999999999999',
      '25,50 €€',
    ]) {
      assert.equal(parseEuros(typed), null, JSON.stringify(typed));
    }
  });

  test('what parseEuros reads, formatEuros prints back the same amount', () => {
    for (const cents of [1n, 50n, 2550n, 123456n, 123456789n]) {
      for (const lang of ['nl', 'en'] as const) assert.equal(parseEuros(formatEuros(cents, lang)), cents, `${cents} in ${lang}`);
    }
    assert.equal(parseEuros(formatEuros(123456n, 'ru')), 123456n);
  });
});
