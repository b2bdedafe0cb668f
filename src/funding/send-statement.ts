import { z } from 'zod';
import { appendAudit } from '../audit/log.ts';
import { donorTag } from '../crypto/donor-mail-box.ts';
import { todayIn } from '../i18n/days.ts';
import { translator } from '../i18n/index.ts';
import { onJob } from '../notify/job-handlers.ts';
import { JobError } from '../notify/jobs.ts';
import { formatEuros } from './money.ts';
import { forgetStatementRequest, openStatementRequest } from './request-statement.ts';
import { statementGifts } from './statement-gifts.ts';
import { renderStatementPdf } from './statement-pdf.ts';

/**
 * The 'gift.statement' job (src/funding/request-statement.ts): renders the year's statement as
 * a PDF and e-mails it, then forgets the request with its address. Gifts are read when it runs,
 * so a refund booked in between is already deducted.
 */
const payload = z.object({ requestId: z.uuid() });

onJob('gift.statement', {
  run: 'send',
  async handle(deps, raw) {
    const { requestId } = payload.parse(raw);
    const request = await openStatementRequest(deps.db, requestId);
    if (!request) return (tx) => forgetStatementRequest(tx, requestId);
    const gifts = await statementGifts(deps.db, donorTag(request.email), request.year);
    // An address that gave nothing that year (or had it all given back) hears nothing.
    if (gifts.length === 0) return (tx) => forgetStatementRequest(tx, requestId);
    if (!deps.mailer) throw new JobError('not_configured');
    const t = translator(request.lang);
    const org = deps.config.orgName;
    const total = gifts.reduce((sum, gift) => sum + gift.netCents, 0n);
    const pdf = await renderStatementPdf(deps.config, request.lang, { year: request.year, email: request.email, issuedOn: todayIn(), gifts });
    await deps.mailer.send({
      to: request.email,
      subject: t('donor.statement.subject', { year: request.year, org }),
      text: t('donor.statement.body', { year: request.year, org, n: gifts.length, total: formatEuros(total, request.lang) }),
      attachments: [{ filename: t('donor.pdf.filename', { year: request.year }), content: pdf, contentType: 'application/pdf' }],
    });
    return async (tx) => {
      await forgetStatementRequest(tx, requestId);
      await appendAudit(tx, null, { kind: 'gift.statement_sent', requestId, year: request.year, gifts: gifts.length });
    };
  },
  async givenUp(tx, raw, code) {
    const parsed = payload.safeParse(raw);
    if (!parsed.success) return;
    await forgetStatementRequest(tx, parsed.data.requestId);
    await appendAudit(tx, null, { kind: 'gift.statement_failed', requestId: parsed.data.requestId, error: code });
  },
});
