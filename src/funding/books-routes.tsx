import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { staffOf } from '../auth/access.ts';
import { exportBooks, type ExportFormat, type ExportRange } from './export-books.ts';
import { checkBooks } from './check-books.ts';
import { BooksPage } from './books-views.tsx';
import type { LedgerVerdict } from './ledger-check.ts';

/** The books are the treasurer's: exports carry every transaction, "check" reads them all. */
const TREASURER = staff('treasurer');

const day = z.union([z.literal(''), z.iso.date()]).optional().transform((value) => value || null);
const rangeQuery = z
  .object({ from: day, to: day })
  .refine((range) => range.from === null || range.to === null || range.from <= range.to);

const FILES: Record<ExportFormat, { name: string; type: string }> = {
  csv: { name: 'csv', type: 'text/csv; charset=utf-8; header=present' },
  journal: { name: 'journal', type: 'text/plain; charset=utf-8' },
};

function booksPage(c: Context<AppEnv>, shown: { verdict?: LedgerVerdict; badRange?: boolean } = {}) {
  const t = c.get('t');
  const range = { from: c.req.query('from') ?? '', to: c.req.query('to') ?? '' };
  return staffPage(c, t('books.title'), <BooksPage t={t} staff={staffOf(c)} range={range} {...shown} />, shown.badRange ? 400 : 200);
}

/** A file name that says what the export holds: beside-books-2026-01-01-2026-12-31.csv. */
function fileName(format: ExportFormat, range: ExportRange): string {
  return `beside-books${range.from ? `-from-${range.from}` : ''}${range.to ? `-to-${range.to}` : ''}.${FILES[format].name}`;
}

async function download(c: Context<AppEnv>, format: ExportFormat) {
  const range = rangeQuery.safeParse({ from: c.req.query('from'), to: c.req.query('to') });
  if (!range.success) return booksPage(c, { badRange: true });
  const body = await exportBooks(dbOf(c), staffOf(c), format, range.data);
  return new Response(body, {
    headers: {
      'Content-Type': FILES[format].type,
      'Content-Disposition': `attachment; filename="${fileName(format, range.data)}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}

export function registerBooks(app: App): void {
  route(app, 'GET', '/staff/funding/books', TREASURER, (c) => booksPage(c));
  route(app, 'GET', '/staff/funding/export.csv', TREASURER, (c) => download(c, 'csv'));
  route(app, 'GET', '/staff/funding/export.journal', TREASURER, (c) => download(c, 'journal'));
  route(app, 'POST', '/staff/funding/books/check', TREASURER, async (c) => booksPage(c, { verdict: await checkBooks(dbOf(c), staffOf(c)) }));
}
