import type { Queryable } from '../db/client.ts';
import type { KeyHolder, Opened, Vault } from '../crypto/vaults.ts';
import type { CaseAccess } from './case-access.ts';
import { CASE_PARTS, type CasePart, type CaseRole } from './case-roles.ts';
import { teamsOf } from './case-members.ts';
import { TRACK_COLUMNS, type TrackRow } from './tracks-access.ts';
import { openLogistics } from './tracks-evacuation.ts';
import {
  clothingItemField,
  clothingItemSchema,
  deadlineDetailField,
  deadlineDetailSchema,
  evacuationPlanField,
  evacuationPlanSchema,
  psychSessionField,
  psychSessionSchema,
  taskTitleField,
  taskTitleSchema,
  type ClothingItem,
  type EvacuationPlan,
  type PsychSession,
} from './tracks-content.ts';
import { procedureById, type Procedure } from './procedure-data.ts';
import { DEFAULT_CONTACT_INTERVAL_HOURS, contactOverdue, readsLogistics, type Track } from './tracks.ts';

/** What the case page shows of the tracks, mapped from rows: only what the viewer may read. */
export type TrackSummary = { track: Track; state: string; openedAt: Date; updatedAt: Date };

export type EvacuationView = {
  state: string;
  lastContactAt: Date | null;
  intervalHours: number;
  overdue: boolean;
  /** 'none': not written yet; 'shredded': destroyed after arrival; null: the viewer does not read it */
  plan: Opened<EvacuationPlan> | 'none' | 'shredded' | null;
};

export type ClothingView = { id: string; item: Opened<ClothingItem>; requestedAt: Date; handedOutOn: string | null; costCents: number };
export type SessionView = { id: string; session: Opened<PsychSession>; recordedBy: string; at: Date };
export type DeadlineView = { id: string; kind: string; dueOn: string; detail: Opened<string> | null; done: boolean; fromStage: string | null };
export type TaskView = { id: string; part: CasePart; title: Opened<string>; assigneeId: string; dueOn: string; done: boolean };

export type TracksFile = {
  caseId: string;
  role: CaseRole;
  parts: CasePart[];
  tracks: TrackSummary[];
  evacuation: EvacuationView | null;
  /** null: the viewer does not read the part these belong to */
  clothing: ClothingView[] | null;
  sessions: SessionView[] | null;
  legal: { procedure: Procedure | null; stages: Map<string, string>; deadlines: DeadlineView[] } | null;
  tasks: TaskView[];
  team: { userId: string; role: CaseRole }[];
};

async function readEvacuation(tx: Queryable, holder: KeyHolder, role: CaseRole, row: TrackRow, caseLocked: boolean): Promise<EvacuationView> {
  let plan: EvacuationView['plan'] = null;
  if (readsLogistics(role)) {
    const [vault] = row.logistics_vault_id
      ? await tx.query<{ shredded_at: Date | null }>('select shredded_at from vaults where id = $1', [row.logistics_vault_id])
      : [];
    if (!row.logistics_vault_id) plan = 'none';
    else if (vault?.shredded_at) plan = 'shredded';
    else {
      const logistics = await openLogistics(tx, holder, row, 'read', caseLocked);
      if (logistics && row.plan) plan = logistics.tryOpen(evacuationPlanField, row, row.plan, evacuationPlanSchema);
      else if (logistics) plan = 'none';
    }
  }
  const intervalHours = row.contact_interval_hours ?? DEFAULT_CONTACT_INTERVAL_HOURS;
  return {
    state: row.state,
    lastContactAt: row.last_contact_at,
    intervalHours,
    overdue: contactOverdue({ state: row.state, lastContactAt: row.last_contact_at, openedAt: row.opened_at, intervalHours }),
    plan,
  };
}

async function readClothing(tx: Queryable, caseId: string, core: Vault): Promise<ClothingView[]> {
  const rows = await tx.query<{ id: string; case_id: string; vault_id: string; details: Uint8Array; requested_at: Date; handed_out_on: string | null; cost_cents: number; created_by: string }>(
    'select id, case_id, vault_id, details, requested_at, handed_out_on, cost_cents, created_by from case_clothing_items where case_id = $1 order by requested_at, id limit 200',
    [caseId],
  );
  return rows
    .filter((row) => row.vault_id === core.id)
    .map((row) => ({
      id: row.id,
      item: core.tryOpen(clothingItemField, row, row.details, clothingItemSchema),
      requestedAt: row.requested_at,
      handedOutOn: row.handed_out_on,
      costCents: row.cost_cents,
    }));
}

async function readSessions(tx: Queryable, caseId: string, psych: Vault): Promise<SessionView[]> {
  const rows = await tx.query<{ id: string; case_id: string; vault_id: string; session: Uint8Array; recorded_by: string; created_at: Date }>(
    'select id, case_id, vault_id, session, recorded_by, created_at from case_psych_sessions where case_id = $1 order by created_at desc, id limit 200',
    [caseId],
  );
  return rows
    .filter((row) => row.vault_id === psych.id)
    .map((row) => ({ id: row.id, session: psych.tryOpen(psychSessionField, row, row.session, psychSessionSchema), recordedBy: row.recorded_by, at: row.created_at }));
}

async function readLegal(tx: Queryable, caseId: string, legal: Vault): Promise<NonNullable<TracksFile['legal']>> {
  const [procedure] = await tx.query<{ procedure: string }>('select procedure from case_procedures where case_id = $1', [caseId]);
  const stages = await tx.query<{ stage: string; stage_on: string }>('select stage, stage_on from case_procedure_stages where case_id = $1', [caseId]);
  const rows = await tx.query<{ id: string; case_id: string; vault_id: string; kind: string; due_on: string; detail: Uint8Array | null; from_stage: string | null; done_at: Date | null; created_by: string; created_at: Date }>(
    `select id, case_id, vault_id, kind, due_on, detail, from_stage, done_at, created_by, created_at from case_deadlines
     where case_id = $1 order by done_at is not null, due_on, id limit 200`,
    [caseId],
  );
  return {
    procedure: (procedure && procedureById(procedure.procedure)) || null,
    stages: new Map(stages.map((row) => [row.stage, row.stage_on])),
    deadlines: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      dueOn: row.due_on,
      detail: row.detail && row.vault_id === legal.id ? legal.tryOpen(deadlineDetailField, row, row.detail, deadlineDetailSchema) : null,
      done: row.done_at !== null,
      fromStage: row.from_stage,
    })),
  };
}

async function readTasks(tx: Queryable, caseId: string, vaults: Partial<Record<CasePart, Vault>>): Promise<TaskView[]> {
  const rows = await tx.query<{ id: string; case_id: string; part: CasePart; vault_id: string; title: Uint8Array; assignee_id: string; due_on: string; done_at: Date | null; created_by: string; created_at: Date }>(
    `select id, case_id, part, vault_id, title, assignee_id, due_on, done_at, created_by, created_at from case_tasks
     where case_id = $1 and part = any($2::text[]) order by done_at is not null, due_on, id limit 200`,
    [caseId, CASE_PARTS.filter((part) => vaults[part])],
  );
  return rows.flatMap((row) => {
    const vault = vaults[row.part];
    if (!vault || vault.id !== row.vault_id) return [];
    return [{ id: row.id, part: row.part, title: vault.tryOpen(taskTitleField, row, row.title, taskTitleSchema), assigneeId: row.assignee_id, dueOn: row.due_on, done: row.done_at !== null }];
  });
}

/**
 * The service tracks and tasks of a case, as one member may see them: the states of every
 * track, and the records of the parts whose vaults they hold, read with the vaults the caller
 * opened (the case page's openCasePage). `caseLocked`: the caller holds the case row, so a
 * departed colleague's key to the evacuation plan may be taken away on the way.
 */
export async function readTracks(tx: Queryable, holder: KeyHolder, access: CaseAccess, caseLocked: boolean): Promise<TracksFile> {
  const { vaults, role } = access;
  const caseId = access.row.id;
  const rows = await tx.query<TrackRow>(`select ${TRACK_COLUMNS} from case_tracks where case_id = $1 order by opened_at, id`, [caseId]);
  const evacuationRow = rows.find((row) => row.track === 'evacuation');
  // Only the rows Beside made: a team row a database writer inserted is offered no task.
  const team = await teamsOf(tx, [caseId]);
  return {
    caseId,
    role,
    parts: CASE_PARTS.filter((part) => vaults[part]),
    tracks: rows.map((row) => ({ track: row.track, state: row.state, openedAt: row.opened_at, updatedAt: row.updated_at })),
    evacuation: evacuationRow ? await readEvacuation(tx, holder, role, evacuationRow, caseLocked) : null,
    clothing: vaults.core ? await readClothing(tx, caseId, vaults.core) : null,
    sessions: vaults.psych ? await readSessions(tx, caseId, vaults.psych) : null,
    legal: vaults.legal ? await readLegal(tx, caseId, vaults.legal) : null,
    tasks: await readTasks(tx, caseId, vaults),
    team: team.map((member) => ({ userId: member.userId, role: member.role })),
  };
}
