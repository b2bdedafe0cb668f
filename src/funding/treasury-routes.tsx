import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { notFound } from '../web/errors.ts';
import { staffPage } from '../web/layout.tsx';
import { checkCsrfToken, staffOf } from '../auth/access.ts';
import { readUpload } from '../files/upload.ts';
import { CAMT053_DEFAULT_MAX_BYTES } from './camt053.ts';
import { formatEuros, parseEuros } from './money.ts';
import { PURPOSES } from './purposes.ts';
import { importStatement } from './import-statement.ts';
import { bookLineByHand, dismissLine, DISMISS_REASONS, readStatementLines } from './statement-lines.ts';
import { listPledges, PLEDGE_LISTS, readGiftAsTreasurer } from './read-pledges.ts';
import { bookBankCosts, linkDebitToExpense, listLinkableExpenses } from './reconcile-debit.ts';
import { bookPayout } from './book-payout.ts';

import { GiftPage, PledgesPage } from './treasury-views.tsx';
import { StatementsPage, type UploadOutcome } from './statement-views.tsx';
import { registerGiftMessages } from './gift-message-routes.tsx';
import { registerBooks } from './books-routes.tsx';
import { colleaguesLackingGiving, shareGivingVaults } from './share-giving-vaults.ts';
import { ShareGivingBox, shareForm, sharedCount } from './share-giving-views.tsx';
import { countDeliveries } from './payment-deliveries.ts';
import { DeliveriesNotice } from './payment-views.tsx';

/** Who keeps the books: the pledges, the donors, the bank statements. */
const TREASURER = staff('treasurer');

/** A statement file: the parser's own limit; the multipart envelope around it is small. */
const STATEMENT_MAX_BYTES = CAMT053_DEFAULT_MAX_BYTES;
const FORM_OVERHEAD_BYTES = 64 * 1024;

const uuid = z.uuid();

function uuidParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const listQuery = z.object({
  list: z.enum(PLEDGE_LISTS).catch('open'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const bookForm = z.object({ purpose: z.enum(PURPOSES) });
const dismissForm = z.object({
  reason: z.enum(DISMISS_REASONS),
  note: z
    .string()
    .max(4000)
    .optional()
    .transform((note) => note?.trim() || null)
    .refine((note) => note === null || [...note].length <= 1000),
});

const linkForm = z.object({ expense: z.uuid() });
/** Far above any settlement the association will see, far below the ledger's own limit. */
const MAX_PAYOUT_CENTS = 10n ** 11n;
/** A payout: the provider, and the gross its settlement report names (what the treasurer typed, in euros). */
const payoutForm = z.object({
  provider: z.enum(['mollie', 'stripe']),
  gross: z
    .string()
    .max(40)
    .transform((text) => parseEuros(text))
    .refine((cents) => cents !== null && cents > 0n && cents <= MAX_PAYOUT_CENTS),
});

/** The counts of an import, carried by the redirect that follows it. */
const IMPORTED = /^(\d{1,6})\.(\d{1,6})\.(\d{1,6})\.(\d{1,6})\.(\d{1,6})$/;
const DONE = [
  'booked', 'dismissed', 'not_waiting', 'not_euro', 'not_a_gift', 'bad_reason',
  'reconciled', 'paid', 'amount_differs', 'not_linkable', 'short', 'costs_booked', 'payout_booked', 'gross_below_net', 'bad_amount', 'bank_return',
] as const;

async function statementsPage(c: Context<AppEnv>, outcome?: UploadOutcome, status: 400 | 200 = 200) {
  const me = staffOf(c);
  const t = c.get('t');
  const lists = await readStatementLines(dbOf(c), me);
  const linkable = await listLinkableExpenses(dbOf(c), lists.debits.map((line) => line.amountCents));
  const done = DONE.find((code) => code === c.req.query('done'));
  // A payout the provider's balance could not cover: what the books hold there, in cents.
  const providerShort = /^(mollie|stripe)\.(\d{1,15})$/.exec(c.req.query('provider_short') ?? '');
  const notice = providerShort
    ? t(`statements.done.provider_short.${providerShort[1] as 'mollie' | 'stripe'}`, { amount: formatEuros(BigInt(providerShort[2]!), c.get('lang')) })
    : done && t(`statements.done.${done}`);
  const counts = IMPORTED.exec(c.req.query('imported') ?? '');
  const shown: UploadOutcome | undefined =
    outcome ?? (counts ? { summary: { fresh: Number(counts[1]), known: Number(counts[2]), booked: Number(counts[3]), waiting: Number(counts[4]), debits: Number(counts[5]) } } : undefined);
  return staffPage(
    c,
    t('statements.title'),
    <StatementsPage t={t} lang={c.get('lang')} staff={me} {...lists} linkable={linkable} outcome={shown} notice={notice || undefined} />,
    status,
  );
}

export function registerTreasury(app: App): void {
  route(app, 'GET', '/staff/funding', TREASURER, async (c) => {
    const query = listQuery.parse({ list: c.req.query('list'), page: c.req.query('page') });
    const { rows, more } = await listPledges(dbOf(c), query.list, query.page);
    const t = c.get('t');
    const me = staffOf(c);
    const lacking = await colleaguesLackingGiving(dbOf(c), me.userId, 'treasurer');
    const shared = sharedCount.parse(c.req.query('shared'));
    const sharing = (
      <>
        {shared !== undefined && (
          <p class="ok" role="status">
            {t('givingShare.done', { n: shared })}
          </p>
        )}
        <DeliveriesNotice t={t} lang={c.get('lang')} staff={me} counts={await countDeliveries(dbOf(c))} />
        <ShareGivingBox t={t} staff={me} action="/staff/funding/share" colleagues={lacking} />
      </>
    );
    return staffPage(c, t('treasury.title'), <PledgesPage t={t} lang={c.get('lang')} list={query.list} page={query.page} rows={rows} more={more} sharing={sharing} />);
  });

  route(app, 'POST', '/staff/funding/share', TREASURER, async (c) => {
    const form = shareForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    const count = await shareGivingVaults(dbOf(c), staffOf(c), form.data.user, 'treasurer');
    return c.redirect(`/staff/funding?shared=${count}`, 303);
  });

  route(app, 'GET', '/staff/funding/gifts/:id', TREASURER, async (c) => {
    const found = await readGiftAsTreasurer(dbOf(c), staffOf(c), uuidParam(c));
    if (!found) throw notFound();
    const t = c.get('t');
    return staffPage(c, t('treasury.gift.title'), <GiftPage t={t} lang={c.get('lang')} found={found} />);
  });

  route(app, 'GET', '/staff/funding/statements', TREASURER, (c) => statementsPage(c));

  route(
    app,
    'POST',
    '/staff/funding/statements',
    TREASURER,
    async (c) => {
      let file: Uint8Array | null = null;
      let tooLarge = false;
      await readUpload(c.req.raw, { fileBytes: STATEMENT_MAX_BYTES }, (fields) => checkCsrfToken(c, fields['_csrf']), async (_fields, incoming) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of incoming.bytes) chunks.push(chunk);
        tooLarge = incoming.tooLarge();
        file = Buffer.concat(chunks);
      });
      const bytes = file as Uint8Array | null;
      if (tooLarge) return statementsPage(c, { problem: 'too_large' }, 400);
      if (!bytes || bytes.length === 0) return statementsPage(c, { problem: 'no_file' }, 400);
      const result = await importStatement(dbOf(c), staffOf(c), c.get('deps').config.giving.bank, bytes);
      if (!result.ok) return statementsPage(c, { problem: result.problem, where: result.where }, 400);
      const { fresh, known, booked, waiting, debits } = result.summary;
      return c.redirect(`/staff/funding/statements?imported=${fresh}.${known}.${booked}.${waiting}.${debits}`, 303);
    },
    { streamedBody: { maxBytes: () => STATEMENT_MAX_BYTES + FORM_OVERHEAD_BYTES } },
  );

  route(app, 'POST', '/staff/funding/lines/:id/book', TREASURER, async (c) => {
    const id = uuidParam(c);
    const form = bookForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.redirect('/staff/funding/statements', 303);
    const done = await bookLineByHand(dbOf(c), staffOf(c), id, form.data.purpose);
    if (!done) throw notFound();
    return c.redirect(`/staff/funding/statements?done=${done}`, 303);
  });

  route(app, 'POST', '/staff/funding/lines/:id/dismiss', TREASURER, async (c) => {
    const id = uuidParam(c);
    const form = dismissForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.redirect('/staff/funding/statements', 303);
    const done = await dismissLine(dbOf(c), staffOf(c), id, form.data.reason, form.data.note);
    if (!done) throw notFound();
    return c.redirect(`/staff/funding/statements?done=${done}`, 303);
  });

  route(app, 'POST', '/staff/funding/lines/:id/link', TREASURER, async (c) => {
    const id = uuidParam(c);
    const form = linkForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.redirect('/staff/funding/statements', 303);
    const done = await linkDebitToExpense(dbOf(c), staffOf(c), id, form.data.expense);
    if (!done) throw notFound();
    return c.redirect(`/staff/funding/statements?done=${done}`, 303);
  });

  route(app, 'POST', '/staff/funding/lines/:id/costs', TREASURER, async (c) => {
    const done = await bookBankCosts(dbOf(c), staffOf(c), uuidParam(c));
    if (!done) throw notFound();
    return c.redirect(`/staff/funding/statements?done=${done === 'booked' ? 'costs_booked' : done}`, 303);
  });

  route(app, 'POST', '/staff/funding/lines/:id/payout', TREASURER, async (c) => {
    const id = uuidParam(c);
    const form = payoutForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.redirect('/staff/funding/statements?done=bad_amount', 303);
    const booked = await bookPayout(dbOf(c), staffOf(c), id, form.data.provider, form.data.gross!);
    if (!booked) throw notFound();
    if (booked.done === 'provider_short') return c.redirect(`/staff/funding/statements?provider_short=${form.data.provider}.${booked.balanceCents}`, 303);
    return c.redirect(`/staff/funding/statements?done=${booked.done === 'booked' ? 'payout_booked' : booked.done}`, 303);
  });

  registerGiftMessages(app);
  registerBooks(app);
}
