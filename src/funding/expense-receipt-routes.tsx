import type { Context } from 'hono';
import { z } from 'zod';
import { checkCsrfToken, staffOf } from '../auth/access.ts';
import { downloadResponse } from '../files/download.ts';
import { databaseFileStore } from '../files/store.ts';
import { readUpload } from '../files/upload.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { notFound } from '../web/errors.ts';
import { route, staff } from '../web/route.ts';
import { RECEIPT_MAX_BYTES } from './expense-content.ts';
import { attachReceipt, mayAttachReceipt, openReceipt } from './expense-receipt.ts';

/** The multipart envelope around the file: headers and the token before it. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

const uuid = z.uuid();
function uuidParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** An expense's receipt: attached by its submitter or a treasurer, read by them; to anyone else "not found". */
export function registerExpenseReceipts(app: App): void {
  route(
    app,
    'POST',
    '/staff/expenses/:id/receipt',
    staff('any'),
    async (c) => {
      const id = uuidParam(c);
      const db = dbOf(c);
      const me = staffOf(c);
      // Asked before the body is read: nobody else streams a file at us.
      if (!(await mayAttachReceipt(db, me, id))) throw notFound();
      const outcome = await readUpload(c.req.raw, { fileBytes: RECEIPT_MAX_BYTES }, (fields) => checkCsrfToken(c, fields['_csrf']), (_fields, file) =>
        attachReceipt(db, databaseFileStore(db), me, id, file),
      );
      if (outcome === null) throw notFound();
      const done = outcome === undefined ? 'refused=form' : 'done' in outcome ? 'done=receipt_added' : `refused=${outcome.refused}`;
      return c.redirect(`/staff/expenses/${id}?${done}`, 303);
    },
    { streamedBody: { maxBytes: () => RECEIPT_MAX_BYTES + FORM_OVERHEAD_BYTES } },
  );

  route(app, 'GET', '/staff/expenses/:id/receipt', staff('any'), async (c) => {
    const db = dbOf(c);
    const opened = await openReceipt(db, databaseFileStore(db), staffOf(c), uuidParam(c));
    if (!opened) throw notFound();
    return downloadResponse(opened);
  });
}
