import { z } from 'zod';
import { onJob } from '../notify/job-handlers.ts';
import { teamsOf } from './case-members.ts';
import { settleDueCheckin } from './checkins.ts';
import { queueCaseMail } from './case-mail.ts';

const payloadSchema = z.object({ caseId: z.uuid() });

/**
 * A check-in fell due: settled in the job's transaction (so a missed check-in is marked, and its
 * e-mails queued, exactly once), then the caseworker and the coordinators on the case are told.
 */
onJob('checkin.due', {
  run: 'transaction',
  async handle(tx, payload, now) {
    const { caseId } = payloadSchema.parse(payload);
    if ((await settleDueCheckin(tx, caseId, now)) !== 'missed') return;
    const team = await teamsOf(tx, [caseId]);
    const told = team.filter((member) => member.role === 'caseworker' || member.role === 'coordinator').map((member) => member.userId);
    await queueCaseMail(tx, told, 'checkin_overdue', now);
  },
});
