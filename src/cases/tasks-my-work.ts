import type { Db, Queryable } from '../db/client.ts';
import { openVaultAsUser, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import { teamsOf } from './case-members.ts';
import { CASE_MEMBER_ROLES, readsPart, type CasePart } from './case-roles.ts';
import { taskTitleField, taskTitleSchema } from './tracks-content.ts';
import { addDays, todayIn } from '../i18n/days.ts';
import { LIVE_EVACUATION_STATES, liveEvacuationSql } from './tracks.ts';
import { casesWithNews } from '../help/read-marks.ts';
import { countMyCasesWithNews } from './case-news.ts';

/**
 * "My work": a user's open cases, tasks due, legal deadlines within a week and emergencies
 * overdue for contact. Each list is one limited query over plain metadata, on an index, whatever
 * the number of cases; only task titles are decrypted, from the vaults the user holds.
 */
export const MY_WORK_LIMIT = 50;

export type MyCase = { id: string; pseudonym: string; urgent: boolean; emergency: boolean; updatedAt: Date; news: boolean };
export type MyTask = { id: string; caseId: string; pseudonym: string; title: string | null; dueOn: string };
export type MyDeadline = { id: string; caseId: string; pseudonym: string; kind: string; dueOn: string };
export type MyEmergency = { caseId: string; pseudonym: string; state: string; since: Date };
export type Listed<T> = { items: T[]; more: boolean };
/** `newsCount`: the user's open cases with a message from the person nobody on the team has read. */
export type MyWork = { cases: Listed<MyCase>; tasks: Listed<MyTask>; deadlines: Listed<MyDeadline>; emergencies: Listed<MyEmergency>; newsCount: number };

const LEGAL_READERS = CASE_MEMBER_ROLES.filter((role) => readsPart(role, 'legal'));

function listed<T>(rows: T[]): Listed<T> {
  return { items: rows.slice(0, MY_WORK_LIMIT), more: rows.length > MY_WORK_LIMIT };
}

/** Keeps the rows of cases the user is on through a team row Beside made (its tag verifies). */
async function onVerifiedTeams<T extends { case_id: string }>(tx: Queryable, userId: string, rows: T[]): Promise<T[]> {
  if (rows.length === 0) return rows;
  const team = await teamsOf(tx, [...new Set(rows.map((row) => row.case_id))]);
  const mine = new Set(team.filter((member) => member.userId === userId).map((member) => member.caseId));
  return rows.filter((row) => mine.has(row.case_id));
}

type TaskRow = { id: string; case_id: string; pseudonym: string; part: CasePart; vault_id: string; title: Uint8Array; assignee_id: string; due_on: string; created_by: string; created_at: Date };

async function readTitles(tx: Queryable, holder: KeyHolder, rows: TaskRow[]): Promise<MyTask[]> {
  const vaults = new Map<string, Vault | null>();
  for (const vaultId of new Set(rows.map((row) => row.vault_id))) vaults.set(vaultId, await openVaultAsUser(tx, holder, vaultId, 'case.my_work.task'));
  return rows.map((row) => {
    const opened = vaults.get(row.vault_id)?.tryOpen(taskTitleField, row, row.title, taskTitleSchema);
    return { id: row.id, caseId: row.case_id, pseudonym: row.pseudonym, title: opened?.ok ? opened.value : null, dueOn: row.due_on };
  });
}

export async function loadMyWork(db: Db, holder: KeyHolder, options: { everyEmergency: boolean }): Promise<MyWork> {
  const me = holder.userId;
  const limit = MY_WORK_LIMIT + 1;
  return db.transaction(async (tx) => {
    const cases = await onVerifiedTeams(tx, me, await tx.query<{ case_id: string; pseudonym: string; urgent: boolean; emergency: boolean; updated_at: Date }>(
      `select c.id as case_id, c.pseudonym, c.urgent, ${liveEvacuationSql('c.id')} as emergency, c.updated_at
       from case_members m join cases c on c.id = m.case_id
       where m.user_id = $1 and c.status = 'open'
       order by emergency desc, c.urgent desc, c.updated_at desc, c.id limit $2`,
      [me, limit],
    ));
    const tasks = await onVerifiedTeams(tx, me, await tx.query<TaskRow>(
      `select t.id, t.case_id, c.pseudonym, t.part, t.vault_id, t.title, t.assignee_id, t.due_on, t.created_by, t.created_at
       from case_tasks t join cases c on c.id = t.case_id
       where t.assignee_id = $1 and t.done_at is null and c.status = 'open'
       order by t.due_on, t.id limit $2`,
      [me, limit],
    ));
    const deadlines = await onVerifiedTeams(tx, me, await tx.query<{ id: string; case_id: string; pseudonym: string; kind: string; due_on: string }>(
      `select d.id, d.case_id, c.pseudonym, d.kind, d.due_on
       from case_members m join cases c on c.id = m.case_id and c.status = 'open'
       join case_deadlines d on d.case_id = m.case_id and d.done_at is null and d.due_on <= $2::date
       where m.user_id = $1 and m.role = any($3::text[])
       order by d.due_on, d.id limit $4`,
      [me, addDays(todayIn(), 7), LEGAL_READERS, limit],
    ));
    const emergencyRows = await tx.query<{ case_id: string; pseudonym: string; state: string; since: Date }>(
      `select t.case_id, c.pseudonym, t.state, coalesce(t.last_contact_at, t.opened_at) as since
       from case_tracks t join cases c on c.id = t.case_id and c.status = 'open'
       where t.track = 'evacuation' and t.state = any($1::text[])
         and coalesce(t.last_contact_at, t.opened_at) + make_interval(hours => t.contact_interval_hours) < now()
         and ($2 or exists (select 1 from case_members m where m.case_id = t.case_id and m.user_id = $3))
       order by since, t.case_id limit $4`,
      [[...LIVE_EVACUATION_STATES], options.everyEmergency, me, limit],
    );
    const emergencies = options.everyEmergency ? emergencyRows : await onVerifiedTeams(tx, me, emergencyRows);
    const news = await casesWithNews(tx, cases.map((row) => row.case_id));
    return {
      cases: listed(cases.map((row) => ({ id: row.case_id, pseudonym: row.pseudonym, urgent: row.urgent, emergency: row.emergency, updatedAt: row.updated_at, news: news.has(row.case_id) }))),
      tasks: { items: await readTitles(tx, holder, tasks.slice(0, MY_WORK_LIMIT)), more: tasks.length > MY_WORK_LIMIT },
      deadlines: listed(deadlines.map((row) => ({ id: row.id, caseId: row.case_id, pseudonym: row.pseudonym, kind: row.kind, dueOn: row.due_on }))),
      emergencies: listed(emergencies.map((row) => ({ caseId: row.case_id, pseudonym: row.pseudonym, state: row.state, since: row.since }))),
      newsCount: await countMyCasesWithNews(tx, me),
    };
  });
}
