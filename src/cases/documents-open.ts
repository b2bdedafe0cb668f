import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import type { FileStore } from '../files/store.ts';
import { openChunks } from '../files/chunks.ts';
import type { MediaType } from '../files/content-check.ts';
import { openCaseAccess } from './case-access.ts';
import { DOCUMENT_COLUMNS, openAbout, type DocumentRow } from './documents.ts';

/** A document on its way out: what the answer's headers need, and its plain bytes chunk by chunk. */
export type OpenedDocument = { name: string; mediaType: MediaType; size: number; bytes: AsyncIterable<Uint8Array> };

/**
 * Opens a document for download, for a member of the case who reads its part: audited, with the
 * decryption of the part's vault. The bytes are read and opened chunk by chunk as they are sent;
 * the first is opened before answering, so a broken file mostly fails before any header goes out,
 * and a later broken chunk ends the stream with an error instead of wrong bytes.
 * Anyone else, a missing document, or one whose record was changed: null.
 */
export async function openDocument(db: Db, store: FileStore, holder: KeyHolder, caseId: string, documentId: string): Promise<OpenedDocument | null> {
  const opened = await db.transaction(async (tx) => {
    const [row] = await tx.query<DocumentRow>(`select ${DOCUMENT_COLUMNS} from case_documents where id = $1 and case_id = $2`, [documentId, caseId]);
    if (!row) return null;
    const vault = (await openCaseAccess(tx, holder, caseId, 'document', [row.part]))?.vaults[row.part];
    const file = vault && openAbout(vault, row);
    if (!file) return null;
    await appendAudit(tx, holder.userId, { kind: 'case.document_downloaded', caseId, documentId, part: row.part });
    return { row, file };
  });
  if (!opened) return null;
  const { row, file } = opened;
  const chunks = openChunks(file.fileKey, row.file_id, row.chunks, store.get(row.file_id));
  const first = await chunks.next(); // throws when the first chunk is not the one stored
  if (first.done) throw new Error('A document without chunks.');
  async function* bytes() {
    yield first.value as Uint8Array;
    yield* chunks;
  }
  return { name: file.about.name, mediaType: row.media_type, size: Number(row.size), bytes: bytes() };
}
