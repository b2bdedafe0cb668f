import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { formatSize } from '../../src/cases/documents-views.tsx';

describe('test/cases/documents-messages.test.ts', () => {
  test('documents are counted with each language’s plural forms (1, 2, 5, 21, 22)', () => {
    const count = (lang: 'en' | 'ru' | 'nl', n: number) => translator(lang)('documents.count', { n });
    assert.deepEqual([1, 2, 5, 21, 22].map((n) => count('ru', n)), ['1 документ', '2 документа', '5 документов', '21 документ', '22 документа'], 'Russian');
    assert.deepEqual([1, 2, 5, 21, 22].map((n) => count('en', n)), ['1 document', '2 documents', '5 documents', '21 documents', '22 documents'], 'English');
    assert.deepEqual([1, 2, 5, 21, 22].map((n) => count('nl', n)), ['1 document', '2 documenten', '5 documenten', '21 documenten', '22 documenten'], 'Dutch');
  });

  test('sizes carry their unit in the reader’s language', () => {
    assert.equal(formatSize('en', 2.5 * 1024 * 1024), '2.5 MB', 'English');
    assert.match(formatSize('ru', 2.5 * 1024 * 1024), /^2,5\sМБ$/, 'Russian');
    assert.match(formatSize('nl', 2.5 * 1024 * 1024), /^2,5\sMB$/, 'Dutch');
    assert.match(formatSize('en', 2048), /^2 kB$/, 'small files in kilobytes');
  });
});
