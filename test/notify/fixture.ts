import { createStaff, initialiseInstance, loggedIn, startTestApp, type Browser, type Instance, type StaffUser, type TestApp } from '../support/app.ts';
import { createMailer } from '../../src/notify/mailer.ts';
import type { JobDeps } from '../../src/notify/run-jobs.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/** A `datetime-local` value of an instant, read in UTC (the form is sent with zone UTC). */
export const utcLocal = (date: Date) => date.toISOString().slice(0, 16);

export const ADDRESSES = { onCall: 'alina.oncall@coordinators.test', backup: 'boris.backup@coordinators.test' } as const;

/**
 * A fresh installation with a real SMTP server on loopback: the administrator (a confirmed
 * coordinator without an address for alerts), Alina (on call now, reads Russian) and Boris
 * (a coordinator, not on call), both with addresses they set on the on-call page.
 */
export type OnCallRig = {
  t: TestApp;
  smtp: TestSmtp;
  deps: JobDeps;
  instance: Instance;
  admin: Browser;
  onCall: StaffUser;
  backup: StaffUser;
  close(): Promise<void>;
};

export async function onCallRig(options: { shift?: boolean } = {}): Promise<OnCallRig> {
  const smtp = await startSmtp();
  const t = await startTestApp({ SMTP_URL: smtp.url, SMTP_FROM: 'alerts@beside.test', ALERT_ESCALATE_MINUTES: '30' });
  const instance = await initialiseInstance(t.db);
  const onCall = await createStaff(t.db, { login: 'alina', roles: ['coordinator'], displayName: 'Alina', language: 'ru' });
  const backup = await createStaff(t.db, { login: 'boris', roles: ['coordinator'], displayName: 'Boris' });
  for (const [user, email] of [
    [onCall, ADDRESSES.onCall],
    [backup, ADDRESSES.backup],
  ] as const) {
    const saved = await (await loggedIn(t, user)).staffPost('/staff/on-call/address', { email });
    if (saved.status !== 303) throw new Error(`setting ${user.login}'s address answered ${saved.status}`);
  }
  const admin = await loggedIn(t, instance.admin);
  if (options.shift !== false) {
    const now = Date.now();
    const added = await admin.staffPost('/staff/on-call/shifts', {
      user: onCall.id,
      start: utcLocal(new Date(now - 3600_000)),
      end: utcLocal(new Date(now + 8 * 3600_000)),
      zone: 'UTC',
    });
    if (added.status !== 303) throw new Error(`adding the shift answered ${added.status}`);
  }
  const mailer = createMailer(t.config.smtp);
  return {
    t,
    smtp,
    deps: { db: t.db, config: t.config, mailer },
    instance,
    admin,
    onCall,
    backup,
    async close() {
      mailer?.close();
      await smtp.close();
      await t.close();
    },
  };
}

export async function alertOf(t: TestApp, requestId: string): Promise<string | undefined> {
  const [row] = await t.db.query<{ id: string }>('select id from urgent_alerts where request_id = $1', [requestId]);
  return row?.id;
}

export const minutesLater = (minutes: number, from = new Date()) => new Date(from.getTime() + minutes * 60_000);
