import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder, Vault } from '../crypto/vaults.ts';
import { openCaseAccess } from './case-access.ts';
import { deadlineDetailField } from './tracks-content.ts';
import { addDays } from '../i18n/days.ts';
import { deadlineKinds, procedureById, stageOf } from './procedure-data.ts';

/**
 * The asylum procedure of a case (its country's stages, procedure-data.ts), each stage's date
 * and the deadlines. Dates and kinds are plain (My work needs them); a deadline's detail is
 * sealed in the legal vault. Everything here is for who reads the legal part: the lawyer and
 * the caseworker on the case.
 */
async function openLegal(tx: Queryable, holder: KeyHolder, caseId: string): Promise<Vault | null> {
  return (await openCaseAccess(tx, holder, caseId, 'procedure', ['legal'], true))?.vaults.legal ?? null;
}

async function procedureOf(tx: Queryable, caseId: string) {
  const [row] = await tx.query<{ procedure: string }>('select procedure from case_procedures where case_id = $1', [caseId]);
  return row ? procedureById(row.procedure) : undefined;
}

/** Chooses the country's procedure the case follows; stages already dated stay. */
export async function chooseProcedure(db: Db, holder: KeyHolder, caseId: string, procedureId: string): Promise<boolean> {
  if (!procedureById(procedureId)) return false;
  return db.transaction(async (tx) => {
    if (!(await openLegal(tx, holder, caseId))) return false;
    await tx.query(
      `insert into case_procedures (case_id, procedure, chosen_by) values ($1, $2, $3)
       on conflict (case_id) do update set procedure = excluded.procedure, chosen_by = excluded.chosen_by, chosen_at = now()`,
      [caseId, procedureId, holder.userId],
    );
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'legal', record: 'procedure' });
    return true;
  });
}

/**
 * The date a stage happened (or is set for). A stage that sets a deadline (a written view after
 * an intended decision) makes it, or moves it while it is open; submitting the same date twice
 * leaves one stage and one deadline.
 */
export async function recordStageDate(db: Db, holder: KeyHolder, caseId: string, stageId: string, date: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const legal = await openLegal(tx, holder, caseId);
    const procedure = legal ? await procedureOf(tx, caseId) : undefined;
    const stage = procedure && stageOf(procedure, stageId);
    if (!legal || !stage) return false;
    await tx.query(
      `insert into case_procedure_stages (case_id, stage, stage_on, recorded_by) values ($1, $2, $3, $4)
       on conflict (case_id, stage) do update set stage_on = excluded.stage_on, recorded_by = excluded.recorded_by, updated_at = now()`,
      [caseId, stageId, date, holder.userId],
    );
    if (stage.sets) {
      await tx.query(
        `insert into case_deadlines (id, case_id, vault_id, kind, due_on, from_stage, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (case_id, from_stage) where from_stage is not null do update set due_on = excluded.due_on where case_deadlines.done_at is null`,
        [randomUUID(), caseId, legal.id, stage.sets.kind, addDays(date, stage.sets.days), stageId, holder.userId, new Date()],
      );
    }
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'legal', record: 'stage' });
    return true;
  });
}

/** A deadline the team sets: its kind and due date plain, its detail sealed in legal. */
export async function addDeadline(db: Db, holder: KeyHolder, caseId: string, input: { kind: string; due: string; detail?: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const legal = await openLegal(tx, holder, caseId);
    if (!legal || !deadlineKinds(await procedureOf(tx, caseId)).includes(input.kind)) return false;
    const place = { id: randomUUID(), case_id: caseId, kind: input.kind, created_by: holder.userId, created_at: new Date() };
    await tx.query(
      'insert into case_deadlines (id, case_id, vault_id, kind, due_on, detail, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)',
      [place.id, caseId, legal.id, input.kind, input.due, input.detail ? legal.seal(deadlineDetailField, place, input.detail) : null, holder.userId, place.created_at],
    );
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'legal', record: 'deadline' });
    return true;
  });
}

/** Marks a deadline met (or open again). */
export async function setDeadlineDone(db: Db, holder: KeyHolder, caseId: string, deadlineId: string, done: boolean): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openLegal(tx, holder, caseId))) return false;
    const rows = await tx.query(
      `update case_deadlines set done_at = case when $3 then coalesce(done_at, now()) else null end where id = $1 and case_id = $2 returning 1`,
      [deadlineId, caseId, done],
    );
    if (rows.length === 0) return false;
    await appendAudit(tx, holder.userId, { kind: 'case.track_recorded', caseId, track: 'legal', record: done ? 'deadline_met' : 'deadline_reopened' });
    return true;
  });
}
