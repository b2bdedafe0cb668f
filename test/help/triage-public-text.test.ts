/**
 * The rule behind every piece of public text on the triage and case pages (src/web/public-text.tsx):
 * which direction controls are shown as markers and which are kept. The layout itself is tested in
 * Chromium (test/e2e/staff-isolation.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { neutralise, neutralisePieces } from '../../src/web/public-text.tsx';

describe('direction controls in public text', () => {
  test('overrides, embeddings and isolates are always shown, never kept', () => {
    assert.equal(neutralise('\u202Egnp.exe'), '⟨U+202E⟩gnp.exe');
    assert.equal(neutralise('a\u202Ab\u202Bc\u202Cd\u202De'), 'a⟨U+202A⟩b⟨U+202B⟩c⟨U+202C⟩d⟨U+202D⟩e');
    assert.equal(neutralise('\u2066x\u2067y\u2068z\u2069'), '⟨U+2066⟩x⟨U+2067⟩y⟨U+2068⟩z⟨U+2069⟩');
    // Even inside right-to-left text, where isolation is the page's job, not the text's.
    assert.equal(neutralise('שלום \u202Dabc'), 'שלום ⟨U+202D⟩abc');
  });

  test('invisible marks are kept in right-to-left writing and shown elsewhere', () => {
    assert.equal(neutralise('+7 928 \u200F123 45 67'), '+7 928 ⟨U+200F⟩123 45 67');
    assert.equal(neutralise('abc\u200Edef\u061C'), 'abc⟨U+200E⟩def⟨U+061C⟩');
    assert.equal(neutralise('مدينة \u200Fنصر'), 'مدينة \u200Fنصر');
    assert.equal(neutralise('עברית\u200E 123'), 'עברית\u200E 123');
  });

  test('ordinary text is left exactly as written', () => {
    for (const text of ['', 'Грозный', 'Hello, world', 'line one\nline two', 'emoji 🏳️‍🌈 and zero\u200Bwidth', 'مرحبا بالعالم']) {
      assert.equal(neutralise(text), text);
      assert.deepEqual(neutralisePieces(text), text ? [{ text }] : []);
    }
  });

  test('the pieces keep the order of the text', () => {
    assert.deepEqual(neutralisePieces('a\u202Eb'), [{ text: 'a' }, { control: 'U+202E' }, { text: 'b' }]);
    assert.deepEqual(neutralisePieces('\u2067\u2069'), [{ control: 'U+2067' }, { control: 'U+2069' }]);
  });
});
