import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newReceipt, normaliseReceipt, receiptDigits, receiptGroups } from '../../src/help/receipt.ts';

describe('test/help/receipt.test.ts', () => {
  test('a receipt is 20 digits in five groups of four: more than 64 bits', () => {
    const receipt = newReceipt();
    assert.match(receipt, /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/);
    assert.ok(20 * Math.log2(10) >= 64, '20 decimal digits carry at least 64 bits');
  });

  test('receipts do not repeat and every digit position varies', () => {
    const receipts = Array.from({ length: 2000 }, newReceipt);
    assert.equal(new Set(receipts).size, receipts.length);
    const digits = receipts.map((receipt) => receipt.replace(/-/g, ''));
    for (let position = 0; position < 20; position++) {
      const seen = new Set(digits.map((d) => d[position]));
      // With 2000 random receipts every position shows all ten digits (a miss has odds below 1e-80).
      assert.equal(seen.size, 10, `position ${position} shows only ${[...seen].join('')}`);
    }
  });

  test('normaliseReceipt accepts what a person types on a phone: any separator, full-width digits', () => {
    const canonical = '0123-4567-8901-2345-6789';
    for (const typed of [
      canonical,
      '01234567890123456789',
      '0123 4567 8901 2345 6789',
      '  0123 4567\t8901\n2345 6789  ',
      '0123–4567—8901‑2345‐6789',
      '0123.4567.8901.2345.6789',
      '0123/4567_8901-2345 6789',
      '01 23 45 67 89 01 23 45 67 89',
      '0123+4567+8901+2345+6789',
      '０１２３ ４５６７ ８９０１ ２３４５ ６７８９',
      '0123・4567・8901・2345・6789',
    ]) {
      assert.equal(normaliseReceipt(typed), canonical, JSON.stringify(typed));
    }
  });

  test('normaliseReceipt refuses anything that is not 20 digits', () => {
    for (const typed of [
      '',
      '0123-4567-8901-2345-678',
      '0123-4567-8901-2345-67890',
      '0123-4567-8901-2345-678a',
      'O123-4567-8901-2345-6789',
      '٠١٢٣-٤٥٦٧-٨٩٠١-٢٣٤٥-٦٧٨٩',
      "0123-4567-8901-2345-6789' or '1'='1",
    ]) {
      assert.equal(normaliseReceipt(typed), null, JSON.stringify(typed));
    }
  });

  test('receiptGroups cuts a receipt into the groups shown one by one', () => {
    assert.deepEqual(receiptGroups('0123-4567-8901-2345-6789'), ['0123', '4567', '8901', '2345', '6789']);
    assert.equal(receiptDigits('０１２３-45 67'), '01234567');
  });
});
