import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { findUserById } from '../auth/users.ts';
import { translator } from '../i18n/index.ts';
import { alertAddressOf, alertAddresses } from '../notify/addresses.ts';
import { enqueueJob, JobError } from '../notify/jobs.ts';
import { onJob } from '../notify/job-handlers.ts';

/**
 * Content-free e-mails about cases, sent through the notify job runner and mailer: "a check-in is
 * overdue", "someone opened one of your cases with break-glass access". Each names no case and no
 * person — only a link to the reader's own pages — and is rendered when sent, in the reader's
 * language, from the configuration alone.
 *
 * Addresses: staff have no e-mail column; the only addresses Beside keeps are the ones colleagues
 * set on the on-call page (notify's on_call_addresses), so a colleague without one gets no e-mail
 * and sees the notice on "My work" alone.
 */
export const CASE_MAIL_ABOUT = ['checkin_overdue', 'break_glass'] as const;
export type CaseMailAbout = (typeof CASE_MAIL_ABOUT)[number];

const payloadSchema = z.object({ userId: z.uuid(), about: z.enum(CASE_MAIL_ABOUT) });

export const MY_WORK_PATH = '/staff/my-work';

/** Queues one e-mail to each of these colleagues who has an address; answers how many were queued. */
export async function queueCaseMail(tx: Queryable, userIds: string[], about: CaseMailAbout, now: Date): Promise<number> {
  const addresses = await alertAddresses(tx, [...new Set(userIds)]);
  for (const userId of addresses.keys()) await enqueueJob(tx, 'case.mail', { userId, about }, now);
  return addresses.size;
}

onJob('case.mail', {
  run: 'send',
  async handle(deps, payload) {
    const { userId, about } = payloadSchema.parse(payload);
    const [user, address] = await Promise.all([findUserById(deps.db, userId), alertAddressOf(deps.db, userId)]);
    if (!user?.active || !address) return null;
    if (!deps.mailer) throw new JobError('not_configured');
    const t = translator(user.language);
    const link = new URL(MY_WORK_PATH, deps.config.publicUrl).href;
    const [subject, body] =
      about === 'checkin_overdue' ? [t('safety.mail.checkin.subject'), t('safety.mail.checkin.body')] : [t('safety.mail.breakGlass.subject'), t('safety.mail.breakGlass.body')];
    await deps.mailer.send({ to: address, subject, text: `${body} ${link}\n\n${t('safety.mail.footer')}` });
    return (tx) => appendAudit(tx, null, { kind: 'case.mail_sent', userId, about });
  },
});
