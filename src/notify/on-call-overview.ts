import type { Db } from '../db/client.ts';
import { confirmedCoordinators, displayNames } from '../auth/users.ts';
import { alertAddressOf } from './addresses.ts';
import { listAlerts, type AlertSummary } from './alerts.ts';
import { listTroubledJobs } from './jobs.ts';
import { mailPayload } from './mail-alert.ts';
import { listComingShifts, mayManageRota, type Shift } from './rota.ts';

export type FailingMail = { to: string; attempts: number; error: string; failed: boolean; retryAt: Date };

/** What the on-call page shows a coordinator: alerts, the rota, their address and failing e-mails. */
export type OnCallOverview = {
  alerts: AlertSummary[];
  shifts: Shift[];
  mayManage: boolean;
  /** who may be put on call, for the form (only when mayManage) */
  coordinators: { id: string; name: string }[];
  myAddress: string | null;
  failing: FailingMail[];
};

export async function onCallOverview(db: Db, userId: string, now = new Date()): Promise<OnCallOverview> {
  const mayManage = await mayManageRota(db, userId);
  const [alerts, shifts, myAddress, troubled, coordinators] = await Promise.all([
    listAlerts(db, now),
    listComingShifts(db, now),
    alertAddressOf(db, userId),
    listTroubledJobs(db, 'alert.mail'),
    mayManage ? confirmedCoordinators(db, userId) : Promise.resolve([]),
  ]);
  const recipients = troubled.map((job) => mailPayload.safeParse(job.payload).data?.userId ?? '');
  const names = await displayNames(db, recipients.filter(Boolean));
  return {
    alerts,
    shifts,
    mayManage,
    coordinators: coordinators.map((user) => ({ id: user.id, name: user.displayName })),
    myAddress,
    failing: troubled.map((job, i) => ({ to: names.get(recipients[i]!) ?? '—', attempts: job.attempts, error: job.lastError, failed: job.failed, retryAt: job.retryAt })),
  };
}
