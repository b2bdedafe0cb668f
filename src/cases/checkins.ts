import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { lastPersonMessages } from '../help/person-messages.ts';
import { enqueueJob } from '../notify/jobs.ts';
import { openCaseAccess } from './case-access.ts';
import { managesTeam } from './case-roles.ts';
import { memberRole, teamsOf } from './case-members.ts';

/**
 * Check-ins: for a person in danger, the caseworker and the person agree how often they hear from
 * each other. A message from the person (in any conversation of the case) or a check-in a
 * colleague records ("spoke to them by phone") counts; when the interval passes without one, the
 * case is overdue: shown in words on the case page, the case lists and "My work", and the
 * caseworker and coordinators on the case get one content-free e-mail (checkin-jobs.ts).
 */
export const CHECKIN_HOURS = { min: 1, max: 720 } as const;

export type CheckinRow = { case_id: string; interval_hours: number; last_checkin_at: Date; last_checkin_by: 'agreed' | 'staff' | 'person'; due_at: Date; alerted_due_at: Date | null };

export type Checkin = { intervalHours: number; lastAt: Date; lastBy: 'agreed' | 'staff' | 'person'; dueAt: Date; overdue: boolean };

const COLUMNS = 'case_id, interval_hours, last_checkin_at, last_checkin_by, due_at, alerted_due_at';

/** The schedule as it stands once the person's last message is counted: a pure rule. */
export function effectiveCheckin(row: CheckinRow, lastPerson: Date | undefined, now: Date): Checkin {
  const personLater = lastPerson !== undefined && lastPerson > row.last_checkin_at;
  const lastAt = personLater ? lastPerson : row.last_checkin_at;
  const dueAt = personLater ? new Date(lastPerson.getTime() + row.interval_hours * 3600_000) : row.due_at;
  return { intervalHours: row.interval_hours, lastAt, lastBy: personLater ? 'person' : row.last_checkin_by, dueAt, overdue: dueAt <= now };
}

/** The check-in schedules of these cases, person's messages counted (two indexed queries). */
export async function checkinsOf(tx: Queryable, caseIds: string[], now: Date = new Date()): Promise<Map<string, Checkin>> {
  if (caseIds.length === 0) return new Map();
  const rows = await tx.query<CheckinRow>(`select ${COLUMNS} from case_checkins where case_id = any($1::uuid[])`, [caseIds]);
  const person = await lastPersonMessages(tx, rows.map((row) => row.case_id));
  return new Map(rows.map((row) => [row.case_id, effectiveCheckin(row, person.get(row.case_id), now)]));
}

/** Of these cases, the open ones whose check-in is overdue: for the case lists. */
export async function overdueCheckins(tx: Queryable, caseIds: string[], now: Date = new Date()): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await tx.query<CheckinRow>(
    `select ${COLUMNS} from case_checkins k where k.case_id = any($1::uuid[]) and k.due_at <= $2
     and exists (select 1 from cases c where c.id = k.case_id and c.status = 'open')`,
    [caseIds, now],
  );
  const person = await lastPersonMessages(tx, rows.map((row) => row.case_id));
  return new Set(rows.filter((row) => effectiveCheckin(row, person.get(row.case_id), now).overdue).map((row) => row.case_id));
}

/** Whether someone may agree the interval: the rule setCheckinInterval applies, asked without opening anything. */
export async function maySetCheckins(db: Queryable, userId: string, caseId: string): Promise<boolean> {
  const role = await memberRole(db, caseId, userId);
  return role !== null && managesTeam(role);
}

async function schedule(tx: Queryable, caseId: string, dueAt: Date): Promise<void> {
  await enqueueJob(tx, 'checkin.due', { caseId }, dueAt);
}

/**
 * Agrees (or, with null, stops) the check-in interval: the caseworker or a coordinator on the case
 * who reads its core. Agreeing counts as a check-in now.
 */
export async function setCheckinInterval(db: Db, holder: KeyHolder, caseId: string, hours: number | null): Promise<boolean> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'checkins', ['core'], true);
    if (!access?.vaults.core || !managesTeam(access.role)) return false;
    if (hours === null) {
      const removed = await tx.query('delete from case_checkins where case_id = $1 returning 1', [caseId]);
      if (removed.length > 0) await appendAudit(tx, holder.userId, { kind: 'case.checkins_set', caseId, hours: null });
      return true;
    }
    const now = new Date();
    const dueAt = new Date(now.getTime() + hours * 3600_000);
    await tx.query(
      `insert into case_checkins (case_id, interval_hours, last_checkin_at, last_checkin_by, due_at, set_by, updated_at)
       values ($1, $2, $3, 'agreed', $4, $5, $3)
       on conflict (case_id) do update set interval_hours = excluded.interval_hours, last_checkin_at = excluded.last_checkin_at,
         last_checkin_by = 'agreed', due_at = excluded.due_at, set_by = excluded.set_by, updated_at = excluded.updated_at`,
      [caseId, hours, now, dueAt, holder.userId],
    );
    await schedule(tx, caseId, dueAt);
    await appendAudit(tx, holder.userId, { kind: 'case.checkins_set', caseId, hours });
    return true;
  });
}

/** A colleague who reads the case's core heard from the person outside Beside (a call, a visit). */
export async function recordCheckin(db: Db, holder: KeyHolder, caseId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'checkin', ['core'], true);
    if (!access?.vaults.core) return false;
    const now = new Date();
    const [row] = await tx.query<{ due_at: Date }>(
      `update case_checkins set last_checkin_at = $2, last_checkin_by = 'staff', due_at = $2::timestamptz + make_interval(hours => interval_hours), updated_at = $2
       where case_id = $1 returning due_at`,
      [caseId, now],
    );
    if (!row) return true; // no interval agreed: nothing to record, and nothing refused
    await schedule(tx, caseId, row.due_at);
    await appendAudit(tx, holder.userId, { kind: 'case.checkin_recorded', caseId, by: 'staff' });
    return true;
  });
}

/**
 * Runs when a check-in falls due (and again at each re-scheduled time; a job whose time was moved
 * on finds nothing to do). The person's message since the last check-in counts as one and moves
 * the schedule on; otherwise the missed check-in is marked once and its e-mails queued once.
 * Answers what happened: 'missed' (the team is to be told), 'moved', or null.
 */
export async function settleDueCheckin(tx: Queryable, caseId: string, now: Date): Promise<'missed' | 'moved' | null> {
  const [row] = await tx.query<CheckinRow & { status: string }>(
    `select ${COLUMNS.split(', ').map((column) => `k.${column}`).join(', ')}, c.status from cases c join case_checkins k on k.case_id = c.id where c.id = $1 for update of c, k`,
    [caseId],
  );
  if (!row || row.status !== 'open' || row.due_at > now) return null;
  const person = (await lastPersonMessages(tx, [caseId])).get(caseId);
  const state = effectiveCheckin(row, person, now);
  if (person && person > row.last_checkin_at) {
    await tx.query(`update case_checkins set last_checkin_at = $2, last_checkin_by = 'person', due_at = $3, updated_at = $4 where case_id = $1`, [caseId, state.lastAt, state.dueAt, now]);
    await appendAudit(tx, null, { kind: 'case.checkin_recorded', caseId, by: 'person' });
    if (!state.overdue) {
      await schedule(tx, caseId, state.dueAt);
      return 'moved';
    }
  }
  // While it stays overdue, look again every interval: a message from the person then restarts
  // the schedule (help/ knows nothing of check-ins, so nothing else would).
  await schedule(tx, caseId, new Date(now.getTime() + row.interval_hours * 3600_000));
  if (row.alerted_due_at && row.alerted_due_at.getTime() === state.dueAt.getTime()) return null;
  await tx.query('update case_checkins set alerted_due_at = $2 where case_id = $1', [caseId, state.dueAt]);
  await appendAudit(tx, null, { kind: 'case.checkin_missed', caseId });
  return 'missed';
}

export type OverdueCheckin = { caseId: string; pseudonym: string; dueAt: Date; lastAt: Date };

/** "My work": the open cases the user is on whose check-in is overdue, most overdue first (limited). */
export async function myOverdueCheckins(tx: Queryable, userId: string, now: Date = new Date(), limit = 50): Promise<OverdueCheckin[]> {
  const rows = await tx.query<CheckinRow & { pseudonym: string }>(
    `select ${COLUMNS.split(', ').map((column) => `k.${column}`).join(', ')}, c.pseudonym
     from case_checkins k join cases c on c.id = k.case_id and c.status = 'open'
     join case_members m on m.case_id = k.case_id and m.user_id = $1
     where k.due_at <= $2 order by k.due_at, k.case_id limit $3`,
    [userId, now, limit],
  );
  const mine = new Set((await teamsOf(tx, rows.map((row) => row.case_id))).filter((m) => m.userId === userId).map((m) => m.caseId));
  const person = await lastPersonMessages(tx, rows.map((row) => row.case_id));
  return rows.flatMap((row) => {
    const state = effectiveCheckin(row, person.get(row.case_id), now);
    return mine.has(row.case_id) && state.overdue ? [{ caseId: row.case_id, pseudonym: row.pseudonym, dueAt: state.dueAt, lastAt: state.lastAt }] : [];
  });
}
