import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/log.ts';
import { findUserById, isConfirmedCoordinator } from '../auth/users.ts';
import { translator } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { alertAddressOf } from './addresses.ts';
import { JobError } from './jobs.ts';
import type { Mailer, OutgoingMail } from './mailer.ts';

export const mailPayload = z.object({ alertId: z.uuid(), userId: z.uuid() });

/** Where the e-mail sends its reader: the page with "I'm on it". No id: the link says nothing. */
export const ON_CALL_PATH = '/staff/on-call';

/**
 * The alert e-mail, in the colleague's language. It is made from the configuration and the
 * language alone — nothing of the request reaches this function, so nothing of it can leak into
 * an inbox, a mail server's logs or a phone's lock screen.
 */
export function alertMail(config: Pick<Config, 'publicUrl' | 'alertEscalateMinutes'>, lang: Lang, to: string): OutgoingMail {
  const t = translator(lang);
  const link = new URL(ON_CALL_PATH, config.publicUrl).href;
  return { to, subject: t('notify.mail.subject'), text: t('notify.mail.body', { link, minutes: config.alertEscalateMinutes }) };
}

export type MailDeps = { db: Db; config: Config; mailer: Mailer | null };

/**
 * Sends one colleague the alert, unless it no longer needs sending: someone said "I'm on it",
 * or the colleague is no longer a confirmed coordinator or has removed their address. Answers
 * the audit entry to write when the job is marked done, or null when nothing was sent.
 */
export async function mailAlert(deps: MailDeps, payload: unknown): Promise<((tx: Queryable) => Promise<void>) | null> {
  const { alertId, userId } = mailPayload.parse(payload);
  const { db } = deps;
  const [alert] = await db.query<{ acknowledged_at: Date | null }>('select acknowledged_at from urgent_alerts where id = $1', [alertId]);
  if (!alert || alert.acknowledged_at) return null;
  if (!(await isConfirmedCoordinator(db, userId, null))) return null;
  const [user, address] = await Promise.all([findUserById(db, userId), alertAddressOf(db, userId)]);
  if (!user || !address) return null;
  if (!deps.mailer) throw new JobError('not_configured');
  await deps.mailer.send(alertMail(deps.config, user.language, address));
  return (tx) => appendAudit(tx, null, { kind: 'alert.mail_sent', alertId, userId });
}

/** The audit entry of an alert e-mail given up after its last attempt. */
export function mailGivenUp(tx: Queryable, payload: unknown, error: string): Promise<void> {
  const parsed = mailPayload.safeParse(payload);
  if (!parsed.success) return Promise.resolve();
  return appendAudit(tx, null, { kind: 'alert.mail_failed', alertId: parsed.data.alertId, userId: parsed.data.userId, error });
}
