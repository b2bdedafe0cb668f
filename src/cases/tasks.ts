import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { openCaseAccess } from './case-access.ts';
import { teamOf } from './case-members.ts';
import { readsPart, type CasePart } from './case-roles.ts';
import { taskTitleField } from './tracks-content.ts';

/**
 * Tasks on a case: assigned to a member of its team, with a due date. The title is sealed in the
 * vault of the part it belongs to (core by default), so only who reads that part reads it; the
 * assignee must be one of them. Only the team sees or assigns tasks.
 */
export type NewTask = { title: string; assigneeId: string; due: string; part: CasePart };

export async function addTask(db: Db, holder: KeyHolder, caseId: string, task: NewTask): Promise<boolean> {
  return db.transaction(async (tx) => {
    const vault = (await openCaseAccess(tx, holder, caseId, 'task', [task.part], true))?.vaults[task.part];
    if (!vault) return false;
    const assignee = (await teamOf(tx, caseId, holder.userId)).find((member) => member.userId === task.assigneeId);
    if (!assignee || !readsPart(assignee.role, task.part)) return false;
    const place = { id: randomUUID(), case_id: caseId, part: task.part, assignee_id: task.assigneeId, created_by: holder.userId, created_at: new Date() };
    await tx.query(
      `insert into case_tasks (id, case_id, part, vault_id, title, assignee_id, due_on, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [place.id, caseId, task.part, vault.id, vault.seal(taskTitleField, place, task.title), task.assigneeId, task.due, holder.userId, place.created_at],
    );
    await appendAudit(tx, holder.userId, { kind: 'case.task_changed', caseId, taskId: place.id, change: 'added' });
    return true;
  });
}

/** Ticks a task done, or opens it again: anyone on the team who reads the task's part. */
export async function setTaskDone(db: Db, holder: KeyHolder, caseId: string, taskId: string, done: boolean): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [task] = await tx.query<{ part: CasePart; done_at: Date | null }>('select part, done_at from case_tasks where id = $1 and case_id = $2', [taskId, caseId]);
    if (!task || !(await openCaseAccess(tx, holder, caseId, 'task', [task.part], true))?.vaults[task.part]) return false;
    if ((task.done_at !== null) !== done) {
      await tx.query('update case_tasks set done_at = case when $2 then now() else null end where id = $1', [taskId, done]);
      await appendAudit(tx, holder.userId, { kind: 'case.task_changed', caseId, taskId, change: done ? 'done' : 'reopened' });
    }
    return true;
  });
}
