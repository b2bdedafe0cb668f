import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { confirmedCoordinators, displayNames, isConfirmedCoordinator } from '../auth/users.ts';
import { alertAddresses } from './addresses.ts';

/**
 * The on-call rota: who is on call when. The one rule for who may change it — a confirmed
 * coordinator (an administrator who gave themselves the role cannot rearrange who is alerted) —
 * and for who may be on call: a confirmed coordinator, the only colleague a new request is
 * sealed to.
 */
export function mayManageRota(db: Queryable, userId: string): Promise<boolean> {
  return isConfirmedCoordinator(db, userId);
}

export type Shift = { id: string; userId: string; name: string; startsAt: Date; endsAt: Date; hasAddress: boolean };

export type NewShift = { userId: string; startsAt: Date; endsAt: Date };

export type AddShiftOutcome = 'added' | 'forbidden' | 'not_coordinator' | 'past';

export async function addShift(db: Db, actorId: string, shift: NewShift, now = new Date()): Promise<AddShiftOutcome> {
  return db.transaction(async (tx) => {
    if (!(await mayManageRota(tx, actorId))) return 'forbidden';
    if (!(await isConfirmedCoordinator(tx, shift.userId, actorId))) return 'not_coordinator';
    if (shift.endsAt <= now) return 'past';
    const id = randomUUID();
    await tx.query('insert into on_call_shifts (id, user_id, starts_at, ends_at, created_by) values ($1, $2, $3, $4, $5)', [
      id,
      shift.userId,
      shift.startsAt,
      shift.endsAt,
      actorId,
    ]);
    await appendAudit(tx, actorId, { kind: 'on_call.shift_added', shiftId: id, userId: shift.userId });
    return 'added';
  });
}

/** Answers false, as for a missing shift, when the actor may not change the rota. */
export async function removeShift(db: Db, actorId: string, shiftId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await mayManageRota(tx, actorId))) return false;
    const [row] = await tx.query<{ user_id: string }>('delete from on_call_shifts where id = $1 returning user_id', [shiftId]);
    if (!row) return false;
    await appendAudit(tx, actorId, { kind: 'on_call.shift_removed', shiftId, userId: row.user_id });
    return true;
  });
}

/** Shifts that have not ended, soonest first. */
export async function listComingShifts(db: Queryable, now: Date, limit = 100): Promise<Shift[]> {
  const rows = await db.query<{ id: string; user_id: string; starts_at: Date; ends_at: Date }>(
    'select id, user_id, starts_at, ends_at from on_call_shifts where ends_at > $1 order by starts_at, ends_at limit $2',
    [now, limit],
  );
  const ids = [...new Set(rows.map((row) => row.user_id))];
  const [names, addresses] = await Promise.all([displayNames(db, ids), alertAddresses(db, ids)]);
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    name: names.get(row.user_id) ?? '—',
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    hasAddress: addresses.has(row.user_id),
  }));
}

/**
 * Everyone an alert could go to, in the order of escalation: on call now, then by the start of
 * their next shift, then every other confirmed coordinator; only confirmed coordinators with an
 * address. `onCallNow` says who is on call at `now`.
 */
export async function alertCandidates(tx: Queryable, now: Date): Promise<{ ordered: { userId: string; email: string }[]; onCallNow: Set<string> }> {
  const shifts = await tx.query<{ user_id: string; starts_at: Date }>(
    'select user_id, starts_at from on_call_shifts where ends_at > $1 order by starts_at limit 200',
    [now],
  );
  const coordinators = await confirmedCoordinators(tx);
  const confirmed = new Set(coordinators.map((user) => user.id));
  const order = [...new Set([...shifts.map((shift) => shift.user_id), ...coordinators.map((user) => user.id)])].filter((id) => confirmed.has(id));
  const addresses = await alertAddresses(tx, order);
  const onCallNow = new Set(shifts.filter((shift) => shift.starts_at <= now && confirmed.has(shift.user_id)).map((shift) => shift.user_id));
  return { ordered: order.filter((id) => addresses.has(id)).map((userId) => ({ userId, email: addresses.get(userId)! })), onCallNow };
}
