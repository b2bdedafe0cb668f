import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { addDays, daysUntil, isCalendarDate, todayIn } from '../../src/i18n/days.ts';
import { OTHER_DEADLINE_KINDS, PROCEDURES } from '../../src/cases/procedure-data.ts';
import { daysLeftText } from '../../src/cases/tracks-format.tsx';
import { LANGUAGES } from '../../src/i18n/lang.ts';

describe('test/cases/procedure.test.ts', () => {
  /** The rules under the procedure tracker: days counted in the association's zone, said with plural rules. */
  const noon = new Date('2026-03-10T11:00:00Z');

  describe('days left', () => {
    test('Russian says 1, 2, 5, 21 and 22 days with their own plural forms, left and overdue', () => {
      const ru = translator('ru');
      const expected: [number, string, string][] = [
        [1, 'остался 1 день', 'просрочено на 1 день'],
        [2, 'осталось 2 дня', 'просрочено на 2 дня'],
        [5, 'осталось 5 дней', 'просрочено на 5 дней'],
        [21, 'остался 21 день', 'просрочено на 21 день'],
        [22, 'осталось 22 дня', 'просрочено на 22 дня'],
      ];
      for (const [n, left, overdue] of expected) {
        assert.equal(daysLeftText(ru, addDays('2026-03-10', n), noon), left, `${n} days left`);
        assert.equal(daysLeftText(ru, addDays('2026-03-10', -n), noon), overdue, `${n} days overdue`);
      }
      assert.equal(daysLeftText(ru, '2026-03-10', noon), 'срок сегодня');
    });

    test('English and Dutch', () => {
      assert.equal(daysLeftText(translator('en'), '2026-03-13', noon), '3 days left');
      assert.equal(daysLeftText(translator('en'), '2026-03-09', noon), 'overdue by 1 day');
      assert.equal(daysLeftText(translator('nl'), '2026-03-11', noon), 'nog 1 dag');
      assert.equal(daysLeftText(translator('nl'), '2026-03-08', noon), '2 dagen te laat');
    });

    test('today is the day in Amsterdam, not on the server clock', () => {
      // 23:30 UTC on 1 December is already 2 December in Amsterdam (UTC+1).
      const lateUtc = new Date('2026-12-01T23:30:00Z');
      assert.equal(todayIn(lateUtc), '2026-12-02');
      assert.equal(daysUntil('2026-12-02', lateUtc), 0);
      // Summer time: 22:30 UTC on 30 June is 00:30 on 1 July in Amsterdam (UTC+2).
      assert.equal(todayIn(new Date('2026-06-30T22:30:00Z')), '2026-07-01');
      assert.equal(daysUntil('2026-07-01', new Date('2026-06-30T21:30:00Z')), 1);
    });

    test('calendar arithmetic and checks', () => {
      assert.equal(addDays('2026-02-27', 2), '2026-03-01');
      assert.equal(addDays('2028-02-28', 1), '2028-02-29');
      assert.equal(addDays('2026-01-01', -1), '2025-12-31');
      assert.equal(isCalendarDate('2026-02-30'), false);
      assert.equal(isCalendarDate('2026-2-3'), false);
      assert.equal(isCalendarDate('2028-02-29'), true);
    });
  });

  describe('procedures as data', () => {
    test('every stage has a unique id of the stored form, an order, and a name in every language; deadlines name a known kind', () => {
      for (const procedure of PROCEDURES) {
        assert.match(procedure.id, /^[a-z]{2}(_[a-z]{1,20})?$/, 'fits case_procedures.procedure');
        const ids = procedure.stages.map((stage) => stage.id);
        assert.equal(new Set(ids).size, ids.length, `${procedure.id}: unique stage ids`);
        assert.equal(new Set(procedure.stages.map((stage) => stage.order)).size, ids.length, `${procedure.id}: unique orders`);
        for (const stage of procedure.stages) {
          assert.match(stage.id, /^[a-z][a-z_]{1,40}$/, 'fits the database checks');
          for (const lang of LANGUAGES) assert.ok(stage.names[lang]?.trim(), `${stage.id} in ${lang}`);
          if (stage.sets) {
            assert.ok([...ids, ...OTHER_DEADLINE_KINDS].includes(stage.sets.kind), `${stage.id} sets a known kind`);
            assert.ok(Number.isInteger(stage.sets.days) && stage.sets.days > 0, `${stage.id}: whole days`);
          }
        }
      }
    });

    test('the Dutch procedure has its stages, the Dublin branch, and the written view after the intended decision', () => {
      const nl = PROCEDURES.find((procedure) => procedure.id === 'nl')!;
      const ids = nl.stages.map((stage) => stage.id);
      for (const id of ['registration', 'first_interview', 'preparation', 'detailed_interview', 'intended_decision', 'written_view', 'decision', 'appeal', 'further_appeal']) {
        assert.ok(ids.includes(id), id);
      }
      assert.ok(nl.stages.some((stage) => stage.branch === 'dublin'), 'a Dublin branch');
      assert.equal(nl.stages.find((stage) => stage.id === 'intended_decision')?.sets?.kind, 'written_view');
      assert.equal(nl.stages.find((stage) => stage.id === 'first_interview')?.names.nl, 'Aanmeldgehoor');
    });
  });
});
