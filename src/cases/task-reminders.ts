import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { findUserById } from '../auth/users.ts';
import { translator } from '../i18n/index.ts';
import { alertAddressOf, setAlertAddress } from '../notify/addresses.ts';
import { enqueueJob, JobError } from '../notify/jobs.ts';
import { onJob } from '../notify/job-handlers.ts';
import { zonedInstant } from '../notify/zoned-time.ts';
import { teamsOf } from './case-members.ts';
import { MY_WORK_PATH } from './case-mail.ts';
import { addDays, ASSOCIATION_ZONE, todayIn } from '../i18n/days.ts';

/**
 * Optional daily e-mail reminders: "You have 2 tasks due today or overdue", and nothing more —
 * no case, no person, no task title. A colleague opts in on My work; one job per opted-in user
 * runs each morning through the notify job runner and mails the count when it is not zero, at
 * most once per day (the association's calendar day). The address is the one notify keeps.
 */
export const REMINDER_HOUR = '07:00';

export type TaskReminders = { on: boolean; email: string | null };

const payloadSchema = z.object({ userId: z.uuid(), chain: z.uuid() });

/** The next reminder time strictly after `now`: 07:00 in Amsterdam, today or tomorrow. */
export function nextReminderAt(now: Date): Date {
  const today = todayIn(now);
  const at = zonedInstant(`${today}T${REMINDER_HOUR}`, ASSOCIATION_ZONE)!;
  return at > now ? at : zonedInstant(`${addDays(today, 1)}T${REMINDER_HOUR}`, ASSOCIATION_ZONE)!;
}

export async function taskRemindersOf(db: Queryable, userId: string): Promise<TaskReminders> {
  const [row] = await db.query<{ chain: string | null }>('select chain from task_reminders where user_id = $1', [userId]);
  return { on: row?.chain != null, email: await alertAddressOf(db, userId) };
}

/**
 * Turns the signed-in user's reminders on (with the address to use, kept as their notify
 * address) or off. Turning them on starts a new chain of daily jobs; the old chain's job, if
 * any, finds itself stale and ends.
 */
export async function setTaskReminders(db: Db, userId: string, choice: { on: true; email: string } | { on: false }, now = new Date()): Promise<void> {
  if (choice.on && (await alertAddressOf(db, userId)) !== choice.email) await setAlertAddress(db, userId, choice.email);
  await db.transaction(async (tx) => {
    if (choice.on) {
      const chain = randomUUID();
      await tx.query(
        `insert into task_reminders (user_id, chain) values ($1, $2)
         on conflict (user_id) do update set chain = excluded.chain`,
        [userId, chain],
      );
      await enqueueJob(tx, 'task.reminder', { userId, chain }, nextReminderAt(now));
    } else {
      // The row stays (with no chain) so that the day of the last e-mail is not forgotten.
      await tx.query('update task_reminders set chain = null where user_id = $1', [userId]);
    }
    await appendAudit(tx, userId, { kind: 'case.task_reminders_set', userId, on: choice.on });
  });
}

/**
 * The user's open tasks due on or before the day, on open cases whose team they are on through a
 * verified team row (as My work lists them). Bounded: the e-mail says "100 or more" at most.
 */
export async function countTasksDue(db: Queryable, userId: string, day: string): Promise<number> {
  const rows = await db.query<{ case_id: string }>(
    `select t.case_id from case_tasks t join cases c on c.id = t.case_id and c.status = 'open'
     where t.assignee_id = $1 and t.done_at is null and t.due_on <= $2::date
     order by t.due_on limit 100`,
    [userId, day],
  );
  if (rows.length === 0) return 0;
  const team = await teamsOf(db, [...new Set(rows.map((row) => row.case_id))]);
  const mine = new Set(team.filter((member) => member.userId === userId).map((member) => member.caseId));
  return rows.filter((row) => mine.has(row.case_id)).length;
}

onJob('task.reminder', {
  run: 'send',
  async handle(deps, payload, now) {
    const { userId, chain } = payloadSchema.parse(payload);
    const [current] = await deps.db.query<{ chain: string | null }>('select chain from task_reminders where user_id = $1', [userId]);
    // Turned off, or turned off and on again (a newer chain runs): this chain ends here.
    if (current?.chain !== chain) return null;
    const next = (tx: Queryable) => enqueueJob(tx, 'task.reminder', { userId, chain }, nextReminderAt(now)).then(() => undefined);
    const [user, address] = await Promise.all([findUserById(deps.db, userId), alertAddressOf(deps.db, userId)]);
    if (!user?.active) return null;
    const today = todayIn(now);
    const count = address ? await countTasksDue(deps.db, userId, today) : 0;
    if (!address || count === 0) return next;
    if (!deps.mailer) throw new JobError('not_configured');
    // Claimed before sending, so that no retry or second runner sends a second one today; a send
    // that fails gives the day back and the runner tries again later.
    const [claimed] = await deps.db.query<{ previous: string | null }>(
      `update task_reminders r set last_sent_on = $3::date from (select last_sent_on as previous from task_reminders where user_id = $1) p
       where r.user_id = $1 and r.chain = $2 and (r.last_sent_on is null or r.last_sent_on < $3::date)
       returning p.previous::text as previous`,
      [userId, chain, today],
    );
    if (!claimed) return next;
    const t = translator(user.language);
    const link = new URL(MY_WORK_PATH, deps.config.publicUrl).href;
    try {
      await deps.mailer.send({ to: address, subject: t('reminders.mail.subject', { n: count }), text: `${t('reminders.mail.body', { n: count })} ${link}\n\n${t('reminders.mail.footer')}` });
    } catch (error) {
      await deps.db.query('update task_reminders set last_sent_on = $3::date where user_id = $1 and chain = $2', [userId, chain, claimed.previous]);
      throw error;
    }
    return async (tx) => {
      await appendAudit(tx, null, { kind: 'case.mail_sent', userId, about: 'task_reminder' });
      await next(tx);
    };
  },
});
