import type { Lang } from '../i18n/lang.ts';

/**
 * Asylum procedures as data: a country's stages in order, with their names in every language
 * and the deadlines a stage's date sets. Adding Belgium or Germany is adding an entry here (ids
 * are lower-case words: they are stored in case_procedure_stages and case_deadlines.kind).
 */
export type ProcedureStage = {
  id: string;
  names: Record<Lang, string>;
  order: number;
  /** a branch off the main line (a Dublin claim), shown after it */
  branch?: 'dublin';
  /** the deadline this stage's date sets: its kind (a stage id) and the days allowed */
  sets?: { kind: string; days: number };
};

export type Procedure = { id: string; country: string; names: Record<Lang, string>; stages: ProcedureStage[] };

export const PROCEDURES: readonly Procedure[] = [
  {
    id: 'nl',
    country: 'NL',
    names: { en: 'Netherlands: asylum procedure', ru: 'Нидерланды: процедура убежища', nl: 'Nederland: asielprocedure' },
    stages: [
      { id: 'registration', order: 1, names: { en: 'Registration', ru: 'Регистрация', nl: 'Aanmelding en registratie' } },
      { id: 'first_interview', order: 2, names: { en: 'First interview', ru: 'Первое интервью', nl: 'Aanmeldgehoor' } },
      { id: 'preparation', order: 3, names: { en: 'Rest and preparation time', ru: 'Время отдыха и подготовки', nl: 'Rust- en voorbereidingstijd' } },
      { id: 'detailed_interview', order: 4, names: { en: 'Detailed interview', ru: 'Подробное интервью', nl: 'Nader gehoor' } },
      // CHECK AGAINST IND GUIDANCE before relying on it: in the general procedure the written view
      // is due the day after the intended decision; in the extended procedure, within 4 weeks.
      // The shorter one is used so that nobody learns of it too late; the team can move the date.
      {
        id: 'intended_decision',
        order: 5,
        names: { en: 'Intended decision', ru: 'Предварительное решение', nl: 'Voornemen' },
        sets: { kind: 'written_view', days: 1 },
      },
      { id: 'written_view', order: 6, names: { en: 'Written view', ru: 'Письменное возражение', nl: 'Zienswijze' } },
      // CHECK AGAINST IND GUIDANCE: appeal within 1 week after a decision in the general
      // procedure, 4 weeks in the extended procedure.
      { id: 'decision', order: 7, names: { en: 'Decision', ru: 'Решение', nl: 'Beschikking' }, sets: { kind: 'appeal', days: 7 } },
      // CHECK AGAINST IND GUIDANCE: further appeal within 1 week (general) or 4 weeks (extended).
      { id: 'appeal', order: 8, names: { en: 'Appeal', ru: 'Обжалование в суде', nl: 'Beroep' }, sets: { kind: 'further_appeal', days: 7 } },
      { id: 'further_appeal', order: 9, names: { en: 'Further appeal', ru: 'Апелляция', nl: 'Hoger beroep' } },
      // CHECK AGAINST IND GUIDANCE: appeal against a Dublin transfer decision within 1 week.
      {
        id: 'dublin_claim',
        order: 10,
        branch: 'dublin',
        names: { en: 'Dublin claim (another country responsible)', ru: 'Дублинская процедура (ответственна другая страна)', nl: 'Dublinclaim' },
      },
      {
        id: 'dublin_decision',
        order: 11,
        branch: 'dublin',
        names: { en: 'Dublin transfer decision', ru: 'Решение о передаче по Дублину', nl: 'Dublinbesluit (overdracht)' },
        sets: { kind: 'dublin_appeal', days: 7 },
      },
      { id: 'dublin_appeal', order: 12, branch: 'dublin', names: { en: 'Dublin appeal', ru: 'Обжалование по Дублину', nl: 'Beroep tegen Dublinbesluit' } },
    ],
  },
];

export function procedureById(id: string): Procedure | undefined {
  return PROCEDURES.find((procedure) => procedure.id === id);
}

export function stageOf(procedure: Procedure, stageId: string): ProcedureStage | undefined {
  return procedure.stages.find((stage) => stage.id === stageId);
}

/** Kinds of deadline that are not a stage of a procedure. */
export const OTHER_DEADLINE_KINDS = ['documents', 'other'] as const;

/** The deadline kinds a case with this procedure can have: its stages, and the general ones. */
export function deadlineKinds(procedure: Procedure | undefined): string[] {
  return [...(procedure?.stages.map((stage) => stage.id) ?? []), ...OTHER_DEADLINE_KINDS];
}

/** A deadline kind's name in a language: a stage of any procedure, or null for a general kind. */
export function stageName(kind: string, lang: Lang): string | null {
  for (const procedure of PROCEDURES) {
    const stage = stageOf(procedure, kind);
    if (stage) return stage.names[lang];
  }
  return null;
}
