import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { displayNames, isConfirmedCoordinator } from '../auth/users.ts';

/**
 * "I'm on it": stops the alert's escalation. Only a confirmed coordinator may say it (one who can
 * read new requests); a missing alert and a refused colleague get the same false. A second tap,
 * or a colleague who was a moment later, changes nothing and is not an error.
 */
export async function acknowledgeAlert(db: Db, userId: string, alertId: string, now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await isConfirmedCoordinator(tx, userId))) return false;
    const [alert] = await tx.query<{ acknowledged_at: Date | null }>('select acknowledged_at from urgent_alerts where id = $1 for update', [alertId]);
    if (!alert) return false;
    if (alert.acknowledged_at) return true;
    await tx.query('update urgent_alerts set acknowledged_by = $2, acknowledged_at = $3 where id = $1', [alertId, userId, now]);
    await appendAudit(tx, userId, { kind: 'alert.acknowledged', alertId, userId });
    return true;
  });
}

/**
 * A coordinator claimed the request itself ("I'm on it" in the inbox, src/help/claim-request.ts):
 * its alert counts as acknowledged, by them, so nobody else is woken for it. Runs in the claim's
 * transaction, which holds the request's row: request, then alert, the order a claim always takes
 * (an alert round locks the alert alone). An alert acknowledged already keeps who took it first.
 */
export async function acknowledgeAlertsOfRequest(tx: Queryable, userId: string, requestId: string, now: Date): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    'update urgent_alerts set acknowledged_by = $2, acknowledged_at = $3 where request_id = $1 and acknowledged_at is null returning id',
    [requestId, userId, now],
  );
  for (const row of rows) await appendAudit(tx, userId, { kind: 'alert.acknowledged', alertId: row.id, userId });
  return rows.length;
}

/** How many urgent alerts nobody has said "I'm on it" to (for the inbox's banner). */
export async function countWaitingAlerts(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from urgent_alerts where acknowledged_at is null');
  return row?.n ?? 0;
}

export type AlertSummary = {
  id: string;
  requestId: string;
  createdAt: Date;
  alerted: number;
  exhausted: boolean;
  taken: { name: string; at: Date } | null;
};

/** Alerts nobody has taken, oldest first, then those taken in the last day, newest first. */
export async function listAlerts(db: Queryable, now: Date): Promise<AlertSummary[]> {
  type Row = { id: string; request_id: string; created_at: Date; exhausted: boolean; acknowledged_by: string | null; acknowledged_at: Date | null; alerted: number };
  const columns = `id, request_id, created_at, exhausted, acknowledged_by, acknowledged_at,
    (select count(*)::int from alert_recipients r where r.alert_id = a.id) as alerted`;
  const waiting = await db.query<Row>(`select ${columns} from urgent_alerts a where acknowledged_at is null order by created_at limit 50`);
  const taken = await db.query<Row>(
    `select ${columns} from urgent_alerts a where created_at > $1 and acknowledged_at is not null order by created_at desc limit 20`,
    [new Date(now.getTime() - 24 * 3600_000)],
  );
  const rows = [...waiting, ...taken];
  const names = await displayNames(db, rows.flatMap((row) => (row.acknowledged_by ? [row.acknowledged_by] : [])));
  return rows.map((row) => ({
    id: row.id,
    requestId: row.request_id,
    createdAt: row.created_at,
    alerted: row.alerted,
    exhausted: row.exhausted,
    taken: row.acknowledged_at ? { name: (row.acknowledged_by && names.get(row.acknowledged_by)) || '—', at: row.acknowledged_at } : null,
  }));
}
