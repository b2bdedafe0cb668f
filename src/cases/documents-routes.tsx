import { downloadResponse } from '../files/download.ts';
import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { notFound } from '../web/errors.ts';
import { checkCsrfToken, staffOf } from '../auth/access.ts';
import { CASE_ROLES } from '../auth/roles.ts';
import { databaseFileStore } from '../files/store.ts';
import { readUpload } from '../files/upload.ts';
import { addDocument, mayAddDocuments } from './documents-add.ts';
import { openDocument } from './documents-open.ts';

const uuid = z.uuid();

function uuidParam(c: Context<AppEnv>, name: string): string {
  const parsed = uuid.safeParse(c.req.param(name) ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** The multipart envelope around the file: headers and the few small fields before it. */
const FORM_OVERHEAD_BYTES = 64 * 1024;


export function registerDocuments(app: App): void {
  route(
    app,
    'POST',
    '/staff/cases/:id/documents',
    staff(...CASE_ROLES),
    async (c) => {
      const id = uuidParam(c, 'id');
      const db = dbOf(c);
      const me = staffOf(c);
      const store = databaseFileStore(db);
      const fileBytes = c.get('deps').config.documentMaxBytes;
      // Deny before reading: someone off the case gets "not found" without a byte of the body read.
      if (!(await mayAddDocuments(db, me.userId, id))) throw notFound();
      let withFile = false;
      const uploaded = await readUpload(c.req.raw, { fileBytes }, (fields) => checkCsrfToken(c, fields['_csrf']), (fields, file) => {
        withFile = true;
        return addDocument(db, store, me, id, fields, file);
      });
      const outcome = withFile ? uploaded : await addDocument(db, store, me, id, {}, undefined);
      if (!outcome) throw notFound();
      const done = 'added' in outcome ? 'added' : outcome.refused;
      return c.redirect(`/staff/cases/${id}?document=${done}#documents`, 303);
    },
    { streamedBody: { maxBytes: (c) => c.get('deps').config.documentMaxBytes + FORM_OVERHEAD_BYTES } },
  );

  route(app, 'GET', '/staff/cases/:id/documents/:doc', staff(...CASE_ROLES), async (c) => {
    const db = dbOf(c);
    const opened = await openDocument(db, databaseFileStore(db), staffOf(c), uuidParam(c, 'id'), uuidParam(c, 'doc'));
    if (!opened) throw notFound();
    return downloadResponse(opened);
  });
}
