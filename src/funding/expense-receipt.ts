import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../audit/log.ts';
import { checkContent } from '../cases/documents-add.ts';
import { newFileKey, openFileKey, sealFileKey } from '../crypto/file-keys.ts';
import { openVaultAsUser } from '../crypto/vaults.ts';
import type { Db, Queryable } from '../db/client.ts';
import { openChunks, sealChunks, type SealedCount } from '../files/chunks.ts';
import type { Refusal } from '../files/content-check.ts';
import type { FileStore } from '../files/store.ts';
import type { IncomingFile } from '../files/upload.ts';
import type { StaffSession } from '../web/context.ts';
import { receiptField, RECEIPT_TYPES } from './expense-content.ts';

/**
 * Who may attach a receipt: the submitter or a treasurer, while the expense has none and stands
 * (submitted, approved or paid: a receipt often comes after the money went out, and the
 * accountant wants it then too); asked before the upload's body is read. Anyone else is told
 * "not found".
 */
export async function mayAttachReceipt(db: Queryable, staff: StaffSession, id: string): Promise<boolean> {
  const [row] = await db.query<{ submitted_by: string; state: string; receipt_file_id: string | null }>(
    'select submitted_by, state, receipt_file_id from expenses where id = $1',
    [id],
  );
  if (!row || (row.submitted_by !== staff.userId && !staff.roles.includes('treasurer'))) return false;
  return row.receipt_file_id === null && ['submitted', 'approved', 'paid'].includes(row.state);
}

export type Attached = { done: 'receipt_added' } | { refused: Refusal } | null;

/**
 * Stores a receipt as case documents are stored: checked by content (PDF, JPEG or PNG; a photo
 * cleaned of its metadata), sealed chunk by chunk with a key of its own as it streams in, that key
 * and the file's name sealed in the expense's vault. A refusal leaves nothing stored.
 */
export async function attachReceipt(db: Db, store: FileStore, staff: StaffSession, id: string, file: IncomingFile): Promise<Attached> {
  const checked = await checkContent(file, false);
  if ('refused' in checked) return checked;
  if (!(RECEIPT_TYPES as readonly string[]).includes(checked.type)) return { refused: 'type' };
  const fileId = randomUUID();
  const fileKey = newFileKey();
  const count: SealedCount = { bytes: 0, chunks: 0 };
  await store.put(fileId, sealChunks(fileKey, fileId, checked.bytes, count));
  const refusal: Refusal | null = file.tooLarge() ? 'size' : count.bytes === 0 ? 'empty' : null;
  if (refusal) {
    await store.delete(fileId);
    return { refused: refusal };
  }
  const recorded = await db
    .transaction(async (tx) => {
      const [row] = await tx.query<{ vault_id: string }>('select vault_id from expenses where id = $1 for update', [id]);
      if (!row || !(await mayAttachReceipt(tx, staff, id))) return false;
      const vault = await openVaultAsUser(tx, staff, row.vault_id, 'expense.receipt');
      if (!vault) return false;
      const place = { id, receipt_file_id: fileId, receipt_type: checked.type, receipt_size: BigInt(count.bytes), receipt_chunks: count.chunks };
      await tx.query('update expenses set receipt_file_id = $2, receipt_type = $3, receipt_size = $4, receipt_chunks = $5, receipt = $6 where id = $1', [
        id,
        fileId,
        checked.type,
        place.receipt_size,
        count.chunks,
        sealFileKey(vault, receiptField, place, fileKey, { name: checked.name }),
      ]);
      await store.keep(tx, fileId);
      await appendAudit(tx, staff.userId, { kind: 'expense.receipt_added', expenseId: id });
      return true;
    })
    .catch(async (error: unknown) => {
      await store.delete(fileId);
      throw error;
    });
  if (!recorded) await store.delete(fileId);
  return recorded ? { done: 'receipt_added' } : null;
}

export type OpenedReceipt = { name: string; mediaType: string; size: number; bytes: AsyncIterable<Uint8Array> };

/** The receipt for download, to the submitter or a treasurer who holds the vault; audited. Anyone else: null. */
export async function openReceipt(db: Db, store: FileStore, staff: StaffSession, id: string): Promise<OpenedReceipt | null> {
  const opened = await db.transaction(async (tx) => {
    const [row] = await tx.query<{ submitted_by: string; vault_id: string; receipt_file_id: string | null; receipt_type: string | null; receipt_size: bigint | null; receipt_chunks: number | null; receipt: Uint8Array | null }>(
      'select submitted_by, vault_id, receipt_file_id, receipt_type, receipt_size, receipt_chunks, receipt from expenses where id = $1',
      [id],
    );
    if (!row?.receipt || !row.receipt_file_id || (row.submitted_by !== staff.userId && !staff.roles.includes('treasurer'))) return null;
    const vault = await openVaultAsUser(tx, staff, row.vault_id, 'expense.receipt');
    const place = { id, receipt_file_id: row.receipt_file_id, receipt_type: row.receipt_type, receipt_size: row.receipt_size, receipt_chunks: row.receipt_chunks };
    const file = vault && openFileKey(vault, receiptField, place, row.receipt);
    const about = z.object({ name: z.string().min(1).max(200) }).safeParse(file?.about);
    if (!file || !about.success) return null;
    await appendAudit(tx, staff.userId, { kind: 'expense.receipt_downloaded', expenseId: id });
    return { fileId: row.receipt_file_id, type: row.receipt_type!, size: Number(row.receipt_size), chunks: row.receipt_chunks!, name: about.data.name, fileKey: file.fileKey };
  });
  if (!opened) return null;
  const chunks = openChunks(opened.fileKey, opened.fileId, opened.chunks, store.get(opened.fileId));
  const first = await chunks.next(); // throws when the first chunk is not the one stored
  if (first.done) throw new Error('A receipt without chunks.');
  async function* bytes() {
    yield first.value as Uint8Array;
    yield* chunks;
  }
  return { name: opened.name, mediaType: opened.type, size: opened.size, bytes: bytes() };
}
