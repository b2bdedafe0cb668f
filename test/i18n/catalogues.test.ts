import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGUAGES, allCatalogues, pickLanguage, plural } from '../../src/i18n/index.ts';

/** Values for every parameter any message takes; a message that ignores one is fine. */
const SAMPLE = { name: 'Анна Test', threshold: 2, count: 3, n: 1, hours: 5, minutes: 7 };

function render(message: unknown): string {
  return typeof message === 'function' ? String((message as (values: unknown) => unknown)(SAMPLE)) : String(message);
}

describe('message catalogues', () => {
  const catalogues = allCatalogues();

  test('Russian, English and Dutch have exactly the same keys', () => {
    const english = Object.keys(catalogues.en).sort();
    assert.ok(english.length > 50, 'the catalogues should not be empty');
    for (const lang of LANGUAGES) assert.deepEqual(Object.keys(catalogues[lang]).sort(), english, `keys of ${lang}`);
  });

  test('every message renders to a non-empty text with every value filled in', () => {
    for (const lang of LANGUAGES) {
      for (const [key, message] of Object.entries(catalogues[lang])) {
        assert.ok(typeof message === 'string' || typeof message === 'function', `${lang} ${key} is text or a function`);
        const text = render(message);
        assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
        assert.doesNotMatch(text, /undefined|NaN|\[object /, `${lang} ${key} renders a missing value: ${text}`);
      }
    }
  });

  test('a message that takes values uses them in every language', () => {
    for (const [key, english] of Object.entries(catalogues.en)) {
      if (typeof english !== 'function') continue;
      const used = Object.entries(SAMPLE).filter(([, value]) => render(english).includes(String(value)));
      for (const lang of LANGUAGES) {
        const message: unknown = catalogues[lang][key];
        assert.equal(typeof message, 'function', `${lang} ${key} takes values as in English`);
        for (const [name, value] of used) assert.ok(render(message).includes(String(value)), `${lang} ${key} shows ${name}`);
      }
    }
  });

  test('Russian texts are in Russian (people asking for help often read nothing else)', () => {
    const names = new Set(['Signal', 'E-mail']);
    const untranslated = Object.entries(catalogues.ru)
      .map(([key, message]) => [key, render(message)] as const)
      .filter(([, text]) => !/[а-яё]/i.test(text) && !names.has(text));
    assert.deepEqual(untranslated, []);
  });
});

describe('plural', () => {
  const records = { one: '# запись', few: '# записи', many: '# записей', other: '# записи' };

  test('Russian has one, few and many', () => {
    assert.equal(plural('ru', 1, records), '1 запись');
    assert.equal(plural('ru', 2, records), '2 записи');
    assert.equal(plural('ru', 4, records), '4 записи');
    assert.equal(plural('ru', 5, records), '5 записей');
    assert.equal(plural('ru', 11, records), '11 записей');
    assert.equal(plural('ru', 12, records), '12 записей');
    assert.equal(plural('ru', 21, records), '21 запись');
    assert.equal(plural('ru', 22, records), '22 записи');
    assert.equal(plural('ru', 25, records), '25 записей');
    assert.equal(plural('ru', 0, records), '0 записей');
  });

  test('English and Dutch have one and other', () => {
    assert.equal(plural('en', 1, { one: '# entry', other: '# entries' }), '1 entry');
    assert.equal(plural('en', 2, { one: '# entry', other: '# entries' }), '2 entries');
    assert.equal(plural('nl', 1, { one: '# regel', other: '# regels' }), '1 regel');
    assert.equal(plural('nl', 0, { one: '# regel', other: '# regels' }), '0 regels');
  });

  test('a missing form falls back to other, and numbers are written the local way', () => {
    assert.equal(plural('ru', 5, { one: '# запись', other: '# записи' }), '5 записи');
    assert.equal(plural('ru', 1000, records), '1\u00a0000 записей');
    assert.equal(plural('en', 1000, { one: '# entry', other: '# entries' }), '1,000 entries');
  });
});

describe('pickLanguage', () => {
  test('nothing or nothing we speak chooses Russian', () => {
    assert.equal(pickLanguage(undefined), 'ru');
    assert.equal(pickLanguage(''), 'ru');
    assert.equal(pickLanguage('fr-FR,fr;q=0.9,de;q=0.8'), 'ru');
    assert.equal(pickLanguage(';;;,,,q=abc'), 'ru');
  });

  test('the first language we speak, by the browser\'s order and weights', () => {
    assert.equal(pickLanguage('en-US,en;q=0.9'), 'en');
    assert.equal(pickLanguage('nl-NL'), 'nl');
    assert.equal(pickLanguage('de-DE,nl;q=0.8,en;q=0.5'), 'nl');
    assert.equal(pickLanguage('en;q=0.5, ru;q=0.9'), 'ru');
    assert.equal(pickLanguage('RU-ru'), 'ru');
    assert.equal(pickLanguage('ce, ru;q=0.8, en;q=0.7'), 'ru');
  });

  test('a language refused with q=0 is not chosen', () => {
    assert.equal(pickLanguage('en;q=0, nl;q=0.1'), 'nl');
    assert.equal(pickLanguage('en;q=0'), 'ru');
  });
});
