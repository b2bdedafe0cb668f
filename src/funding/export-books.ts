import { appendAudit } from '../audit/log.ts';
import type { Queryable } from '../db/client.ts';
import type { StaffSession } from '../web/context.ts';
import { listTransactions, type ExportTransaction } from './ledger-read.ts';
import { toCsv, toHledger } from './journal-export.ts';

export const EXPORT_FORMATS = ['csv', 'journal'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Days, YYYY-MM-DD, both included; either end may be open. */
export type ExportRange = { from: string | null; to: string | null };

/** Transactions per page: one page's rows in memory at a time, however large the books. */
const PAGE = 1_000;

/**
 * The books for the accountant, as a stream that reads the ledger page by page (keyset on seq)
 * while it is sent, so a million entries never sit in memory at once. The export is audited when
 * it is asked for: what leaves is the whole set of books in the range, whoever reads it later.
 */
export async function exportBooks(
  db: Queryable,
  staff: StaffSession,
  format: ExportFormat,
  range: ExportRange,
  pageSize = PAGE,
): Promise<ReadableStream<Uint8Array>> {
  await appendAudit(db, staff.userId, { kind: 'ledger.exported', format, from: range.from, to: range.to });
  const encoder = new TextEncoder();
  const header = format === 'csv' ? toCsv([]) : '';
  let fromSeq = 0n;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await listTransactions(db, {
        fromSeq,
        limit: pageSize,
        ...(range.from ? { occurredFrom: range.from } : {}),
        ...(range.to ? { occurredTo: range.to } : {}),
      });
      if (page.length === 0) {
        if (!started && header) controller.enqueue(encoder.encode(header));
        controller.close();
        return;
      }
      fromSeq = page.at(-1)!.seq;
      controller.enqueue(encoder.encode(started ? pageText(format, page, false) : header + pageText(format, page, true)));
      started = true;
    },
  });
}

/** One page's lines: toCsv repeats its header, which only the file's start keeps. */
function pageText(format: ExportFormat, page: ExportTransaction[], firstPage: boolean): string {
  if (format === 'csv') return toCsv(page).slice(toCsv([]).length);
  // Transactions are separated by a blank line, across pages as within one.
  return (firstPage ? '' : '\n') + toHledger(page);
}
