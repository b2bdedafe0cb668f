import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { decryptJson, encryptJson } from '../crypto/primitives.ts';
import { openVaultAsUser, type KeyHolder, type OpenVault } from '../crypto/vaults.ts';
import { displayNames, findUserById } from '../auth/users.ts';
import { CASE_ROLES } from '../auth/roles.ts';
import { openContent, type RequestContent } from '../help/content.ts';
import { erasureRequested, openRequest, type OpenedRequest } from '../help/triage.ts';
import type { Need } from '../help/needs.ts';
import { assign } from './create-case.ts';

export const NEED_STATUSES = ['open', 'in_progress', 'done', 'not_needed'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export type CaseSummary = {
  id: string;
  pseudonym: string;
  status: 'open' | 'closed';
  urgent: boolean;
  language: string;
  country: string | null;
  requestId: string;
  updatedAt: Date;
  needs: { need: Need; status: NeedStatus }[];
  team: { userId: string; displayName: string }[];
};

export type CaseFile = {
  summary: CaseSummary;
  content: RequestContent;
  notes: { id: string; authorId: string; body: string; at: Date }[];
  conversation: OpenedRequest | null;
  erasureRequested: boolean;
};

type CaseRow = {
  id: string;
  pseudonym: string;
  status: 'open' | 'closed';
  urgent: boolean;
  language: string;
  country: string | null;
  request_id: string;
  updated_at: Date;
  core_vault_id: string;
  content: Uint8Array;
};

/** Summaries of several cases in three queries, whatever their number: lists stay fast. */
async function summarise(tx: Queryable, rows: CaseRow[]): Promise<CaseSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const needs = await tx.query<{ case_id: string; need: Need; status: NeedStatus }>(
    'select case_id, need, status from case_needs where case_id = any($1) order by need',
    [ids],
  );
  const team = await tx.query<{ case_id: string; user_id: string }>(
    'select case_id, user_id from case_assignments where case_id = any($1) order by assigned_at',
    [ids],
  );
  const names = await displayNames(tx, [...new Set(team.map((member) => member.user_id))]);
  return rows.map((row) => ({
    id: row.id,
    pseudonym: row.pseudonym,
    status: row.status,
    urgent: row.urgent,
    language: row.language,
    country: row.country,
    requestId: row.request_id,
    updatedAt: row.updated_at,
    needs: needs.filter((need) => need.case_id === row.id).map(({ need, status }) => ({ need, status })),
    team: team
      .filter((member) => member.case_id === row.id)
      .map((member) => ({ userId: member.user_id, displayName: names.get(member.user_id) ?? '—' })),
  }));
}

const CASE_COLUMNS = 'id, pseudonym, status, urgent, language, country, request_id, updated_at, core_vault_id, content';

/** Cases assigned to a user, or (for coordinators' overview) every open case; metadata only. */
export async function listCases(db: Queryable, scope: { assignedTo: string } | 'all-open'): Promise<CaseSummary[]> {
  const rows =
    scope === 'all-open'
      ? await db.query<CaseRow>(`select ${CASE_COLUMNS} from cases where status = 'open' order by urgent desc, updated_at desc`)
      : await db.query<CaseRow>(
          `select ${CASE_COLUMNS} from cases c where exists (select 1 from case_assignments a where a.case_id = c.id and a.user_id = $1)
           order by status, urgent desc, updated_at desc`,
          [scope.assignedTo],
        );
  return summarise(db, rows);
}

type Opened = { row: CaseRow; core: OpenVault };

/** Opens a case's core vault for a user with a grant; anyone else gets null, exactly like a missing case. */
async function openCore(tx: Queryable, holder: KeyHolder, caseId: string, purpose: string): Promise<Opened | null> {
  const [row] = await tx.query<CaseRow>(`select ${CASE_COLUMNS} from cases where id = $1`, [caseId]);
  if (!row) return null;
  const core = await openVaultAsUser(tx, holder, row.core_vault_id, purpose);
  return core ? { row, core } : null;
}

const notePlace = (id: string) => ({ table: 'case_notes', row: id, field: 'body' });

export async function openCase(db: Db, holder: KeyHolder, caseId: string): Promise<CaseFile | null> {
  return db.transaction(async (tx) => {
    const opened = await openCore(tx, holder, caseId, 'case.read');
    if (!opened) return null;
    const { row, core } = opened;
    const notes = await tx.query<{ id: string; author_id: string; body: Uint8Array; created_at: Date }>(
      'select id, author_id, body, created_at from case_notes where case_id = $1 order by created_at, id',
      [caseId],
    );
    const conversation = await openRequest(tx, holder, row.request_id);
    return {
      summary: (await summarise(tx, [row]))[0]!,
      content: openContent(core.key, 'cases', row.id, row.content),
      notes: notes.map((note) => ({ id: note.id, authorId: note.author_id, body: String(decryptJson(core.key, note.body, notePlace(note.id))), at: note.created_at })),
      conversation,
      erasureRequested: await erasureRequested(tx, row.request_id),
    };
  });
}

export async function addNote(db: Db, holder: KeyHolder, caseId: string, body: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const opened = await openCore(tx, holder, caseId, 'case.note');
    if (!opened) return false;
    const id = randomUUID();
    await tx.query('insert into case_notes (id, case_id, author_id, body) values ($1, $2, $3, $4)', [
      id,
      caseId,
      holder.userId,
      encryptJson(opened.core.key, body, notePlace(id)),
    ]);
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    await appendAudit(tx, holder.userId, { kind: 'case.note_added', caseId });
    return true;
  });
}

export async function setNeedStatus(db: Db, holder: KeyHolder, caseId: string, need: Need, status: NeedStatus): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openCore(tx, holder, caseId, 'case.need'))) return false;
    const rows = await tx.query('update case_needs set status = $3, updated_at = now() where case_id = $1 and need = $2 returning 1', [caseId, need, status]);
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    return rows.length > 0;
  });
}

/** Someone who holds the case adds a colleague who can follow cases. */
export async function assignColleague(db: Db, holder: KeyHolder, caseId: string, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const opened = await openCore(tx, holder, caseId, 'case.assign');
    if (!opened) return false;
    const user = await findUserById(tx, userId);
    if (!user?.active || !user.roles.some((role) => CASE_ROLES.includes(role))) return false;
    const conversation = await openRequest(tx, holder, opened.row.request_id);
    await assign(tx, holder, { caseId, coreVault: opened.core, conversationVault: conversation?.vault ?? null }, user);
    return true;
  });
}

/** Closes or reopens a case; only someone who can open it may. */
export async function setCaseStatus(db: Db, holder: KeyHolder, caseId: string, status: 'open' | 'closed'): Promise<boolean> {
  return db.transaction(async (tx) => {
    const opened = await openCore(tx, holder, caseId, 'case.status');
    if (!opened) return false;
    if (opened.row.status !== status) {
      await tx.query('update cases set status = $2, updated_at = now() where id = $1', [caseId, status]);
      await appendAudit(tx, holder.userId, { kind: 'case.status_changed', caseId, from: opened.row.status, to: status });
    }
    return true;
  });
}

/** A deactivated colleague leaves every case team (their vault grants are revoked separately). */
export async function removeFromAllCases(tx: Queryable, userId: string): Promise<void> {
  await tx.query('delete from case_assignments where user_id = $1', [userId]);
}
