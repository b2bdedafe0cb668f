import { dbOf, type App } from '../web/context.ts';
import { PUBLIC, route, type Access } from '../web/route.ts';
import { notFound } from '../web/errors.ts';
import { FILE_CSP } from '../web/headers.ts';
import { checkCsrfToken, staffOf } from '../auth/access.ts';
import { readUpload } from '../files/upload.ts';
import { idParam } from './campaign-route-helpers.ts';
import { LOGO_MAX_BYTES, checkLogo, readSupporterLogo, removeSupporterLogo, setSupporterLogo, supporterExists, type LogoRefusal } from './supporter-logo.ts';

/** The multipart envelope around the file: headers and the CSRF token before it. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
/**
 * A file somewhat over the limit still arrives whole, so its sender is told "larger than 512 KB"
 * on the supporter's page (the parser stops keeping it at the limit); far larger, the post is
 * cut off as too large.
 */
const UPLOAD_MAX_BYTES = 4 * LOGO_MAX_BYTES + FORM_OVERHEAD_BYTES;

export function registerLogos(app: App, editors: Access): void {
  route(
    app,
    'POST',
    '/staff/campaign/supporters/:id/logo',
    editors,
    async (c) => {
      const id = idParam(c);
      const db = dbOf(c);
      const me = staffOf(c);
      // A wrong address reads no byte of the body.
      if (!(await supporterExists(db, id))) throw notFound();
      let outcome: 'saved' | LogoRefusal = 'form';
      await readUpload(c.req.raw, { fileBytes: LOGO_MAX_BYTES }, (fields) => checkCsrfToken(c, fields['_csrf']), async (_fields, file) => {
        // A browser sends an empty, nameless file when none was chosen.
        if (file.name === '') return;
        const logo = await checkLogo(file);
        if ('refused' in logo) outcome = logo.refused;
        else if (await setSupporterLogo(db, me.userId, id, logo)) outcome = 'saved';
        else throw notFound(); // removed while the file came in
      });
      return c.redirect(`/staff/campaign/supporters/${id}?logo=${outcome}`, 303);
    },
    { streamedBody: { maxBytes: () => UPLOAD_MAX_BYTES } },
  );

  route(app, 'POST', '/staff/campaign/supporters/:id/logo/remove', editors, async (c) => {
    const id = idParam(c);
    if (!(await removeSupporterLogo(dbOf(c), staffOf(c).userId, id))) throw notFound();
    return c.redirect(`/staff/campaign/supporters/${id}?logo=removed`, 303);
  });

  /**
   * The logo as the public sees it, from our own origin. Its bytes are an image sharp wrote, and
   * it is served as exactly that: its type, no sniffing, a policy under which nothing in it runs.
   * The home page names it with its tag (?v=), which changes with its bytes: that address may be
   * cached for a year; any other is checked again each time.
   */
  route(app, 'GET', '/campaign/logos/:id', PUBLIC, async (c) => {
    const logo = await readSupporterLogo(dbOf(c), idParam(c));
    if (!logo) throw notFound();
    const etag = `"${logo.tag}"`;
    const headers: Record<string, string> = {
      'Content-Type': logo.type,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': FILE_CSP,
      'Content-Disposition': 'inline',
      'Cache-Control': c.req.query('v') === logo.tag ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
    };
    if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
    return new Response(logo.bytes as Uint8Array<ArrayBuffer>, { headers: { ...headers, 'Content-Length': String(logo.bytes.length) } });
  });
}
