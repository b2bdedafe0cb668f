import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder, Vault } from '../crypto/vaults.ts';
import { displayNames, userPrincipal, verifiedUser } from '../auth/users.ts';
import { casesWaitingForAnswer, lockRequest, moveRequestIntoCase, openConversation, requestsOfCase, type OpenedRequest } from '../help/triage.ts';
import type { Need } from '../help/needs.ts';
import { CASE_COLUMNS, memberRole, openCaseAccess, vaultIdOf, type CaseAccess, type CaseRow } from './case-access.ts';
import { CASE_PARTS, managesTeam, partsFor, readsConversation, type CasePart, type CaseRole } from './case-roles.ts';
import { caseContentField, caseContentSchema, caseNoteField, mergeSafety, noteTextSchema, type CaseContent } from './content.ts';
import { caseContentFromRequest } from './create-case.ts';
import { sealPendingGrants, teamOf } from './team.ts';
import { teamsOf } from './case-members.ts';
import { liveEvacuationSql } from './tracks.ts';
import { overdueCheckins } from './checkins.ts';
import { casesWithNews } from '../help/read-marks.ts';
import { ASSOCIATION_ZONE } from '../i18n/days.ts';
import { lastCoercion } from '../help/duress.ts';

export const NEED_STATUSES = ['open', 'in_progress', 'done', 'not_needed'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export type CaseSummary = {
  id: string;
  pseudonym: string;
  status: 'open' | 'closed';
  origin: CaseRow['origin'];
  urgent: boolean;
  language: string;
  country: string | null;
  updatedAt: Date;
  needs: { need: Need; status: NeedStatus }[];
  team: { userId: string; displayName: string; role: CaseRole }[];
  /** the person wrote last in one of the case's conversations and waits for an answer */
  waiting: boolean;
  /** the person wrote something nobody on the team has read yet */
  news: boolean;
  /** the agreed check-in interval passed without a check-in (cases/checkins.ts) */
  checkinOverdue: boolean;
};

/** A note as read back; `body` is null when it could not be verified (changed in the database). */
export type CaseNote = { id: string; part: CasePart; authorId: string; body: string | null; at: Date };

export type CaseFile = {
  summary: CaseSummary;
  /** the viewer's role on the case and the parts they can read */
  role: CaseRole;
  parts: CasePart[];
  /** null when the viewer cannot read the core part; { ok: false } when it could not be verified */
  content: { ok: true; value: CaseContent } | { ok: false } | null;
  notes: CaseNote[];
  conversations: OpenedRequest[];
  erasureRequested: boolean;
  /** the last time the person opened one of the case's requests with their code for danger */
  coercedAt: Date | null;
  /** parts a member is entitled to but nobody who holds them has opened the case since */
  waitingGrants: { userId: string; part: CasePart }[];
};

/** Summaries of several cases in four queries, whatever their number: lists stay fast. */
async function summarise(tx: Queryable, rows: CaseRow[]): Promise<CaseSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const needs = await tx.query<{ case_id: string; need: Need; status: NeedStatus }>(
    'select case_id, need, status from case_needs where case_id = any($1::uuid[]) order by need',
    [ids],
  );
  // Only the rows Beside made: a team row a database writer inserted is no member, here either.
  const team = await teamsOf(tx, ids);
  const names = await displayNames(tx, [...new Set(team.map((member) => member.userId))]);
  const waiting = await casesWaitingForAnswer(tx, ids);
  const news = await casesWithNews(tx, ids);
  const checkinOverdue = await overdueCheckins(tx, ids);
  return rows.map((row) => ({
    id: row.id,
    pseudonym: row.pseudonym,
    status: row.status,
    origin: row.origin,
    urgent: row.urgent,
    language: row.language,
    country: row.country,
    updatedAt: row.updated_at,
    needs: needs.filter((need) => need.case_id === row.id).map(({ need, status }) => ({ need, status })),
    team: team
      .filter((member) => member.caseId === row.id)
      .map((member) => ({ userId: member.userId, displayName: names.get(member.userId) ?? '—', role: member.role })),
    waiting: waiting.has(row.id),
    news: news.has(row.id),
    checkinOverdue: checkinOverdue.has(row.id),
  }));
}

export type CaseStatus = CaseSummary['status'];

/** Whose cases a list shows: a member's, or (for coordinators) every case. */
export type CaseScope = { memberId: string } | 'all';

/**
 * Cases a user is on, or (for coordinators' overview) every case; open or closed ones, or both
 * when no status is named. Metadata only. Unpaged: for short lists (a user's open cases to join a
 * request to); the case list pages through listCasePage (case-pages.ts).
 */
export async function listCases(db: Queryable, scope: CaseScope, status?: CaseStatus, find: CaseFind = {}): Promise<CaseSummary[]> {
  const params: unknown[] = [];
  const where = caseListConditions(scope, status, find, params);
  const rows = await db.query<CaseRow>(
    `select ${CASE_COLUMNS} from cases c where ${where.join(' and ')}
     order by ${scope === 'all' ? '' : 'c.status, '}${liveEvacuationSql('c.id')} desc, c.urgent desc, c.updated_at desc, c.id`,
    params,
  );
  return summariseListed(db, scope, rows);
}

/** What a case list selects: its status (both when none is named), what was asked for, and whose cases. */
export function caseListConditions(scope: CaseScope, status: CaseStatus | undefined, find: CaseFind, params: unknown[]): string[] {
  const where = ['true', ...findConditions(find, params)];
  if (status) where.push(`c.status = $${params.push(status)}`);
  if (scope !== 'all') where.push(`exists (select 1 from case_members m where m.case_id = c.id and m.user_id = $${params.push(scope.memberId)})`);
  return where;
}

/** Summaries of a list's rows; a case is on someone's list only through a team row whose tag verifies. */
export async function summariseListed(db: Queryable, scope: CaseScope, rows: CaseRow[]): Promise<CaseSummary[]> {
  const summaries = await summarise(db, rows);
  return scope === 'all' ? summaries : summaries.filter((summary) => summary.team.some((member) => member.userId === scope.memberId));
}

/**
 * Finding cases by plain metadata only (never by decrypting): the start of a pseudonym, a need,
 * language, country, a team member, the day opened (in the association's zone).
 */
export type CaseFind = {
  pseudonym?: string;
  need?: Need;
  language?: string;
  country?: string;
  memberId?: string;
  from?: string;
  to?: string;
  /** cases joined from requests whose ids start with this (the short reference the inbox shows) */
  caseIds?: string[];
};

/** Cases whose pseudonym starts with this, whatever the case of its letters (cases_pseudonym_prefix). */
export function pseudonymStarts(pseudonym: string, params: unknown[], alias = 'c'): string {
  return `lower(${alias}.pseudonym) like $${params.push(pseudonym.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`))} || '%'`;
}

function findConditions(find: CaseFind, params: unknown[]): string[] {
  const where: string[] = [];
  if (find.pseudonym) where.push(pseudonymStarts(find.pseudonym, params));
  if (find.need) where.push(`exists (select 1 from case_needs n where n.case_id = c.id and n.need = $${params.push(find.need)})`);
  if (find.language) where.push(`c.language = $${params.push(find.language)}`);
  if (find.country) where.push(`c.country = $${params.push(find.country)}`);
  if (find.memberId) where.push(`exists (select 1 from case_members fm where fm.case_id = c.id and fm.user_id = $${params.push(find.memberId)})`);
  if (find.from) where.push(`c.created_at >= ($${params.push(find.from)}::date)::timestamp at time zone '${ASSOCIATION_ZONE}'`);
  if (find.to) where.push(`c.created_at < ($${params.push(find.to)}::date + 1)::timestamp at time zone '${ASSOCIATION_ZONE}'`);
  if (find.caseIds) where.push(`c.id = any($${params.push(find.caseIds)}::uuid[])`);
  return where;
}

type NoteRow = { id: string; case_id: string; part: CasePart; vault_id: string; author_id: string; body: Uint8Array; created_at: Date };

function readNotes(rows: NoteRow[], vaults: Partial<Record<CasePart, Vault>>): CaseNote[] {
  return rows.flatMap((row) => {
    const vault = vaults[row.part];
    if (!vault || vault.id !== row.vault_id) return [];
    const opened = vault.tryOpen(caseNoteField, row, row.body, noteTextSchema);
    return [{ id: row.id, part: row.part, authorId: row.author_id, body: opened.ok ? opened.value : null, at: row.created_at }];
  });
}

async function waitingGrants(tx: Queryable, access: CaseAccess): Promise<{ userId: string; part: CasePart }[]> {
  const rows = await tx.query<{ user_id: string; part: CasePart }>(
    `select m.user_id, p.part from case_members m
     cross join unnest($2::text[], $3::uuid[]) as p(part, vault_id)
     where m.case_id = $1 and not exists (
       select 1 from vault_keys k where k.vault_id = p.vault_id and k.principal_kind = 'user' and k.principal_ref = m.user_id::text)`,
    [access.row.id, [...CASE_PARTS], CASE_PARTS.map((part) => vaultIdOf(access.row, part))],
  );
  // sealPendingGrants has just audited any row that fails: read the verified team without a second entry.
  const team = new Map((await teamsOf(tx, [access.row.id])).map((member) => [member.userId, member.role]));
  return rows.filter((row) => {
    const role = team.get(row.user_id);
    return role !== undefined && partsFor(role).includes(row.part);
  }).map((row) => ({ userId: row.user_id, part: row.part }));
}

/**
 * Opens a case for a member of its team: the parts they hold, the notes of those parts, and the
 * conversations if their role follows them. Grants waiting for someone who holds a part are sealed
 * on the way (audited). Anyone else gets null, exactly like a missing case.
 */
export async function openCase(db: Db, holder: KeyHolder, caseId: string): Promise<CaseFile | null> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'read');
    return access ? readCaseFile(tx, holder, access) : null;
  });
}

/**
 * The case file from vaults the caller has opened (openCase, the case page's openCasePage), so
 * that one page view opens, and audits, each vault once.
 */
export async function readCaseFile(tx: Queryable, holder: KeyHolder, access: CaseAccess): Promise<CaseFile> {
  await sealPendingGrants(tx, holder, access);
  const { row, vaults, role } = access;
  const noteRows = await tx.query<NoteRow>(
    'select id, case_id, part, vault_id, author_id, body, created_at from case_notes where case_id = $1 order by created_at, id',
    [row.id],
  );
  const requests = await requestsOfCase(tx, row.id);
  const conversations: OpenedRequest[] = [];
  if (readsConversation(role)) {
    for (const request of requests) {
      const opened = await openConversation(tx, holder, request.id);
      if (opened) conversations.push(opened);
    }
  }
  const core = vaults.core;
  return {
    summary: (await summarise(tx, [row]))[0]!,
    role,
    parts: CASE_PARTS.filter((part) => vaults[part]),
    content: core && row.content ? core.tryOpen(caseContentField, row, row.content, caseContentSchema) : null,
    notes: readNotes(noteRows, vaults),
    conversations,
    erasureRequested: requests.some((request) => request.erasureRequested),
    coercedAt: lastCoercion(requests),
    waitingGrants: await waitingGrants(tx, access),
  };
}

/** Writes one note, sealed in its part's vault with case, part, author and time bound to it. */
async function insertNote(tx: Queryable, vault: Vault, caseId: string, part: CasePart, authorId: string, body: string): Promise<void> {
  const place = { id: randomUUID(), case_id: caseId, part, author_id: authorId, created_at: new Date() };
  await tx.query('insert into case_notes (id, case_id, part, vault_id, author_id, body, created_at) values ($1, $2, $3, $4, $5, $6, $7)', [
    place.id,
    caseId,
    part,
    vault.id,
    authorId,
    vault.seal(caseNoteField, place, body),
    place.created_at,
  ]);
}

/** A note in one part of the case, sealed into that part's vault: only who reads the part may write it. */
export async function addNote(db: Db, holder: KeyHolder, caseId: string, part: CasePart, body: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // The case row before its vaults, as everywhere (removing a member rotates vaults under the row's lock).
    const access = await openCaseAccess(tx, holder, caseId, 'note', [part], true);
    const vault = access?.vaults[part];
    if (!vault) return false;
    await insertNote(tx, vault, caseId, part, holder.userId, body);
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    await appendAudit(tx, holder.userId, { kind: 'case.note_added', caseId, part });
    return true;
  });
}

/** Need statuses are plain metadata, but only the team members who read the core change them. */
export async function setNeedStatus(db: Db, holder: KeyHolder, caseId: string, need: Need, status: NeedStatus): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openCaseAccess(tx, holder, caseId, 'need', ['core'], true))?.vaults.core) return false;
    const rows = await tx.query('update case_needs set status = $3, updated_at = now() where case_id = $1 and need = $2 returning 1', [caseId, need, status]);
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    return rows.length > 0;
  });
}

/** Closes or reopens a case: the caseworker or a coordinator on it. */
export async function setCaseStatus(db: Db, holder: KeyHolder, caseId: string, status: 'open' | 'closed'): Promise<boolean> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'status', ['core'], true);
    if (!access || !managesTeam(access.role)) return false;
    if (access.row.status !== status) {
      await tx.query("update cases set status = $2, closed_at = case when $2 = 'closed' then now() end, updated_at = now() where id = $1", [caseId, status]);
      await appendAudit(tx, holder.userId, { kind: 'case.status_changed', caseId, from: access.row.status, to: status });
    }
    return true;
  });
}

/** Whether someone may close or reopen the case: the rule setCaseStatus applies, asked without opening anything. */
export async function mayChangeCaseStatus(db: Queryable, userId: string, caseId: string): Promise<boolean> {
  const role = await memberRole(db, caseId, userId);
  return role !== null && managesTeam(role);
}

/**
 * A joined request's safety answers reach the top of the case page (a warning about a checked
 * phone must not end up in a note). A case whose content cannot be verified is left as it is.
 */
async function keepSafetyAnswers(tx: Queryable, access: CaseAccess, joined: CaseContent['safety']): Promise<void> {
  const core = access.vaults.core!;
  const { row } = access;
  const opened = row.content ? core.tryOpen(caseContentField, row, row.content, caseContentSchema) : { ok: true as const, value: caseContentSchema.parse({}) };
  if (!opened.ok) return;
  const safety = mergeSafety(opened.value.safety, joined);
  if (!safety) return;
  await tx.query('update cases set content = $2 where id = $1', [row.id, core.seal(caseContentField, row, { ...opened.value, safety })]);
}

/**
 * Joins a second request from the same person to their case: its conversation follows the case
 * (rotated to the team), and what the person wrote in it becomes a note in the core part. Only a
 * coordinator who can open the request and manages the case's team may.
 */
export async function joinRequestToCase(db: Db, holder: KeyHolder, requestId: string, caseId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockRequest(tx, requestId);
    const access = await openCaseAccess(tx, holder, caseId, 'join', ['core'], true);
    if (!access?.vaults.core || !managesTeam(access.role)) return false;
    const [current] = await tx.query<{ case_id: string | null }>('select case_id from help_requests where id = $1', [requestId]);
    if (current?.case_id === caseId) return (await openConversation(tx, holder, requestId)) !== null; // joined already
    const team = await teamOf(tx, caseId, holder.userId);
    const readers = [];
    for (const member of team.filter((m) => readsConversation(m.role))) {
      const user = await verifiedUser(tx, member.userId, holder.userId);
      if (user?.active && user.entitled) readers.push(userPrincipal(user));
    }
    const moved = await moveRequestIntoCase(tx, holder, requestId, caseId, readers);
    if (!moved) return false;
    const content = caseContentFromRequest(moved.content);
    const text = [content.story, content.whereNow, content.contacts].filter(Boolean).join('\n\n');
    if (text) await insertNote(tx, access.vaults.core, caseId, 'core', holder.userId, text);
    await keepSafetyAnswers(tx, access, content.safety);
    for (const need of moved.summary.needs) {
      await tx.query('insert into case_needs (case_id, need) values ($1, $2) on conflict do nothing', [caseId, need]);
    }
    await tx.query('update cases set updated_at = now(), urgent = urgent or $2 where id = $1', [caseId, moved.summary.urgent]);
    await appendAudit(tx, holder.userId, { kind: 'case.request_joined', caseId, requestId });
    return true;
  });
}
