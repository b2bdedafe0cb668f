import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGUAGES, allCatalogues, pickLanguage, plural, type Lang } from '../../src/i18n/index.ts';

/** Values for the parameters most messages take; any other parameter gets a value of its own. */
const KNOWN: Record<string, string | number> = { name: 'Анна Test', threshold: 2, count: 3, n: 1, hours: 5, minutes: 7 };
const invented = new Map<string, number>();

/**
 * Answers every parameter, so that a message added with a new parameter is still rendered. Each
 * name keeps one value in every language: a language that reads `v.hour` where English reads
 * `v.hours` shows another number, and the "uses them in every language" test notices.
 */
const SAMPLE = new Proxy(KNOWN, {
  get(known, property) {
    if (typeof property !== 'string') return undefined;
    if (property in known) return known[property];
    if (!invented.has(property)) invented.set(property, 101 + invented.size);
    return invented.get(property);
  },
});

function render(message: unknown, values: object = SAMPLE): string {
  return typeof message === 'function' ? String((message as (values: unknown) => unknown)(values)) : String(message);
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

/**
 * Where a number meets a noun, the noun takes the form the number asks for: «1 запись, 2 записи,
 * 5 записей, 21 запись», "1 entry, 2 entries". Every message that takes values is rendered with
 * these counts given to every parameter; with the digits taken out, what is left shows which
 * form was chosen.
 */
const COUNTS = [1, 2, 5, 11, 21, 22] as const;

/**
 * Messages whose words rightly stay the same whatever the number: in every language (the key) or
 * in one ("nl:key"). Each entry says why; a message that is not here must inflect.
 */
const NOT_COUNTS: Record<string, string> = {
  'staff.nav.logout': 'the value is a colleague\'s name',
  'auth.coordinators.done': 'the value is a colleague\'s name',
  'auth.shares.share': 'a share\'s number on its sheet ("Share 3"), not how many there are',
  'triage.waited': 'abbreviated units (ч, мин; h, min; u, min) do not inflect',
  'expenses.short': 'the value is an amount of money, formatted ("€ 10,00"), not a count of things',
  'nl:help.sent.next': 'Dutch "uur" stays singular after a number ("binnen 2 uur")',
  'nl:status.none': 'Dutch "uur" stays singular after a number ("binnen 2 uur")',
  'directory.refer.for': 'the value is a case\'s pseudonym',
  'directory.referral.ended': 'the value is a date and time',
  'timeline.heading': 'the value is a case\'s pseudonym',
  'timeline.note': 'the value is the name of a part of the case',
  'timeline.referral': 'the values are a helper\'s name and kind',
  'timeline.event.case.assigned': 'the values are a colleague\'s name and role',
  'timeline.event.case.member_removed': 'the value is a colleague\'s name',
  'timeline.event.case.status_changed': 'the value is a status',
  'timeline.event.request.status_changed': 'the value is a status',
  'timeline.event.case.document_added': 'the value is the name of a part of the case',
  'timeline.event.case.track_opened': 'the value is a track\'s name',
  'timeline.event.case.track_state_changed': 'the values are a track\'s name and state',
  'timeline.event.case.track_recorded': 'the values are a track\'s name and what was recorded',
  'timeline.event.case.task_changed': 'the value is what happened to the task',
  'nl:overview.hours': 'Dutch says “1 uur” and “2 uur”: a unit of time keeps its singular after a number',
  'queue.counts.over': 'the number alone ("more than 999"); the noun after it is a message of its own, in the number\'s form',
  'pay.description': 'the value is the association\'s name',
  'pay.description.monthly': 'the value is the association\'s name',
  'pay.way.onlineHint': 'the value is the payment provider\'s name (Mollie, Stripe)',
  'pay.go.intro': 'the value is the payment provider\'s name (Mollie, Stripe)',
  'pay.go.button': 'the value is the payment provider\'s name (Mollie, Stripe)',
  'pay.unreachable': 'the value is the payment provider\'s name (Mollie, Stripe)',
  'pay.return.waiting': 'the value is the payment provider\'s name (Mollie, Stripe)',
  'pay.return.failed': 'the value is the payment provider\'s name (Mollie, Stripe)',
  'pay.monthly.unreachable': 'the value is the payment provider\'s name (Mollie, Stripe)',
  'pay.monthly.cancelled': 'the value is a date',
  'statements.done.provider_short.mollie': 'the value is an amount of money, formatted ("€80.00")',
  'statements.done.provider_short.stripe': 'the value is an amount of money, formatted ("€80.00")',
  'donor.thanks.subject': 'the values are a receipt number and the association\'s name',
  'donor.thanks.intro': 'the value is the association\'s name',
  'donor.thanks.closing': 'the value is the association\'s name',
  'donor.statement.subject': 'the values are a year and the association\'s name',
  'donor.pdf.title': 'the value is a year',
  'donor.pdf.deduction': 'the value is a year',
  'donor.pdf.filename': 'the value is a year',
};

/** Values that answer the count for any parameter, so the test need not know their names. */
function everyParameter(count: number): object {
  return new Proxy({}, { get: (_, property) => (typeof property === 'string' ? count : undefined) });
}

/** The message as rendered with the count, digits taken out: what is left is the form chosen. */
function formFor(message: unknown, count: number): string {
  return render(message, everyParameter(count)).replace(/[\d\u00a0\u202f]/g, '');
}

/** The words around the first place the count shows, for a failure a person can read. */
function around(text: string, count: number): string {
  const at = Math.max(0, text.indexOf(String(count)));
  return `…${text.slice(Math.max(0, at - 20), at + 25)}…`;
}

/** What is wrong with the forms one message chooses in one language, or nothing. */
function pluralProblem(lang: Lang, key: string, message: unknown): string | undefined {
  let forms: Record<number, string>;
  try {
    forms = Object.fromEntries(COUNTS.map((count) => [count, formFor(message, count)]));
  } catch (error) {
    return `cannot be rendered with a number (${String(error)}): if its values are not counts, list it in NOT_COUNTS`;
  }
  const same = (a: number, b: number) => forms[a] === forms[b];
  const shown = () => [1, 2, 5].map((count) => around(render(message, everyParameter(count)), count)).join(' | ');
  const inflects = COUNTS.some((count) => forms[count] !== forms[1]);
  if (!inflects && (key in NOT_COUNTS || `${lang}:${key}` in NOT_COUNTS)) return undefined;
  if (!inflects) return `does not change with the number: ${shown()}`;
  if (lang === 'ru') {
    const right = same(1, 21) && same(2, 22) && same(5, 11) && !same(1, 2) && !same(1, 5) && !same(2, 5);
    return right ? undefined : `needs one (1, 21), few (2, 22) and many (5, 11): ${shown()}`;
  }
  const right = !same(1, 2) && COUNTS.every((count) => count === 1 || same(count, 2));
  return right ? undefined : `needs one form for 1 and another for 2, 5, 11, 21, 22: ${shown()}`;
}

describe('counts in every language', () => {
  const catalogues = allCatalogues();

  test('where a number meets a noun, the noun has the form the number asks for (1, 2, 5, 11, 21, 22)', () => {
    const problems: string[] = [];
    for (const lang of LANGUAGES) {
      for (const [key, message] of Object.entries(catalogues[lang])) {
        if (typeof message !== 'function') continue;
        const problem = pluralProblem(lang, key, message);
        if (problem) problems.push(`${lang} ${key} ${problem}`);
      }
    }
    assert.ok(problems.length === 0, `messages with the wrong plural forms:\n${problems.join('\n')}`);
  });

  test('the check itself notices a missing form, and the lists name only messages that exist', () => {
    const missingMany = (v: { count: number }) => plural('ru', v.count, { one: 'Эти # часть', other: 'Эти # части' });
    const rightRussian = (v: { count: number }) => plural('ru', v.count, { one: '# запись', few: '# записи', many: '# записей', other: '# записи' });
    const fixedEnglish = (v: { count: number }) => `Shared ${v.count} request(s).`;
    assert.ok(pluralProblem('ru', 'example', missingMany), '«Эти 5 части» is caught');
    assert.ok(pluralProblem('en', 'example', fixedEnglish), '"request(s)" is caught');
    assert.equal(pluralProblem('ru', 'example', rightRussian), undefined, 'the right forms pass');
    for (const entry of Object.keys(NOT_COUNTS)) {
      const key = entry.replace(/^(ru|en|nl):/, '');
      assert.ok(key in catalogues.en, `${key} is still a message`);
    }
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
