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

/** A name for Content-Disposition: an ASCII stand-in and the exact name encoded (RFC 6266 / 8187). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

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
    const chunks = opened.bytes[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // A chunk that fails to open errors the stream: the download breaks off, short of its length.
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return?.(undefined);
      },
    });
    return new Response(body, {
      headers: {
        'Content-Type': opened.mediaType,
        'Content-Length': String(opened.size),
        // Never shown in the page: saved as a file, whatever the browser thinks of its content.
        'Content-Disposition': attachment(opened.name),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  });
}
