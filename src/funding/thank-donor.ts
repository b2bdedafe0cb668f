import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { onJob } from '../notify/job-handlers.ts';
import { JobError } from '../notify/jobs.ts';
import { forgetThanks, thanksFor } from './donor-mail.ts';
import { thanksMail, type ThankedGift } from './thanks-mail.tsx';
import type { Purpose } from './purposes.ts';

/**
 * The 'gift.thanks' job (queued by src/funding/gift-received.ts): e-mails the donor's receipt
 * once, then forgets the server-readable address. A job whose gift or address is gone (sent
 * already, never kept) sends nothing; one given up after its last attempt forgets the address too.
 */
const payload = z.object({ giftId: z.uuid() });

async function receivedGift(db: Queryable, giftId: string): Promise<ThankedGift | null> {
  const [row] = await db.query<{ amount_cents: bigint; purpose: Purpose; received_on: string; ledger_seq: bigint; frequency: 'once' | 'monthly' }>(
    "select amount_cents, purpose, received_on, ledger_seq, frequency from gifts where id = $1 and state = 'received'",
    [giftId],
  );
  // The receipt number is the ledger transaction's: the accountant finds the gift by it.
  return row ? { amountCents: row.amount_cents, purpose: row.purpose, receivedOn: row.received_on, receipt: String(row.ledger_seq), monthly: row.frequency === 'monthly' } : null;
}

onJob('gift.thanks', {
  run: 'send',
  async handle(deps, raw) {
    const { giftId } = payload.parse(raw);
    const [gift, contact] = await Promise.all([receivedGift(deps.db, giftId), thanksFor(deps.db, giftId)]);
    if (!contact) return null;
    if (!gift) return (tx) => forgetThanks(tx, giftId);
    if (!deps.mailer) throw new JobError('not_configured');
    await deps.mailer.send(thanksMail(deps.config, gift, contact.email, contact.lang, contact.manage));
    return async (tx) => {
      await forgetThanks(tx, giftId);
      await appendAudit(tx, null, { kind: 'gift.thanks_sent', giftId });
    };
  },
  async givenUp(tx, raw, code) {
    const parsed = payload.safeParse(raw);
    if (!parsed.success) return;
    await forgetThanks(tx, parsed.data.giftId);
    await appendAudit(tx, null, { kind: 'gift.thanks_failed', giftId: parsed.data.giftId, error: code });
  },
});
