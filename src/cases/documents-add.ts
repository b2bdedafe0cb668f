import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { newFileKey, sealFileKey, type FileKey } from '../crypto/file-keys.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import type { FileStore } from '../files/store.ts';
import type { IncomingFile } from '../files/upload.ts';
import { CHUNK_BYTES, sealChunks, type SealedCount } from '../files/chunks.ts';
import { MEDIA_TYPES, checkFileName, detectType, nameFits, type MediaType, type Refusal } from '../files/content-check.ts';
import { stripPhotoMetadata } from '../files/strip-metadata.ts';
import { memberRole, openCaseAccess } from './case-access.ts';
import { readsPart } from './case-roles.ts';
import { DOCUMENT_KINDS, DOCUMENT_PARTS, documentField, type DocumentPart } from './documents.ts';

/** The fields of the upload form, which come before the file. */
export const documentForm = z.object({
  part: z.enum(DOCUMENT_PARTS),
  kind: z.enum(DOCUMENT_KINDS),
  description: z.string().trim().max(2000).default(''),
  original: z.literal('yes').optional(),
});

export type AddedDocument = { added: string } | { refused: Refusal } | null;

/** Whether someone may add a document to this part: on the case, in a role that reads the part. Nothing is opened. */
export async function mayAddDocument(db: Db, userId: string, caseId: string, part: DocumentPart): Promise<boolean> {
  const role = await memberRole(db, caseId, userId);
  return role !== null && readsPart(role, part);
}

/** Whether someone may add documents to the case at all (to one of its parts): asked before the body is read. */
export async function mayAddDocuments(db: Db, userId: string, caseId: string): Promise<boolean> {
  const role = await memberRole(db, caseId, userId);
  return role !== null && DOCUMENT_PARTS.some((part) => readsPart(role, part));
}

/** Reads the first chunk's worth: enough for the content's signature. */
async function readHead(bytes: AsyncIterator<Uint8Array>): Promise<{ head: Uint8Array; ended: boolean }> {
  const pieces: Uint8Array[] = [];
  let length = 0;
  while (length < CHUNK_BYTES) {
    const next = await bytes.next();
    if (next.done) return { head: Buffer.concat(pieces), ended: true };
    pieces.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(pieces), ended: false };
}

async function* concat(head: Uint8Array, rest: AsyncIterator<Uint8Array>, ended: boolean): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  if (ended) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

async function whole(bytes: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const piece of bytes) pieces.push(piece);
  return Buffer.concat(pieces);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export type Checked = { refused: Refusal } | { name: string; type: MediaType; bytes: AsyncIterable<Uint8Array>; buffered: boolean };

/** The rules on what is stored, by content: refused early, before anything is kept, where the content allows (also for expense receipts). */
export async function checkContent(file: IncomingFile, original: boolean): Promise<Checked> {
  const name = checkFileName(file.name);
  if (!name) return { refused: 'name' };
  const iterator = file.bytes[Symbol.asyncIterator]();
  const { head, ended } = await readHead(iterator);
  if (head.length === 0) return { refused: 'empty' };
  const type = await detectType(head);
  if (!type) return { refused: 'type' };
  if (!nameFits(name, type)) return { refused: 'mismatch' };
  if (type === 'image/heic' && !original) return { refused: 'heic' };
  const bytes = concat(head, iterator, ended);
  if (original || !MEDIA_TYPES[type].photo) return { name, type, bytes, buffered: false };
  // A photo to clean is decoded whole: the byte limit bounds it (see strip-metadata.ts).
  const all = await whole(bytes);
  if (file.tooLarge()) return { refused: 'size' };
  const stripped = await stripPhotoMetadata(all, type as 'image/jpeg' | 'image/png' | 'image/webp');
  return stripped ? { name, type, bytes: once(stripped), buffered: true } : { refused: 'image' };
}

/**
 * Adds a document to a part of a case: checked by content, a photo cleaned of its metadata unless
 * kept as evidence, sealed chunk by chunk with a key of its own as it streams in, then recorded
 * with that key sealed into the part's vault (audited). A refusal leaves nothing stored; someone
 * who may not add to the part gets null, like a missing case.
 */
export async function addDocument(
  db: Db,
  store: FileStore,
  holder: KeyHolder,
  caseId: string,
  fields: Record<string, string>,
  file: IncomingFile | undefined,
): Promise<AddedDocument> {
  const parsed = documentForm.safeParse(fields);
  if (!parsed.success || !file) return (await memberRole(db, caseId, holder.userId)) ? { refused: 'form' } : null;
  const form = parsed.data;
  if (!(await mayAddDocument(db, holder.userId, caseId, form.part))) return null;
  const original = form.original === 'yes';
  const checked = await checkContent(file, original);
  if ('refused' in checked) return checked;
  const fileId = randomUUID();
  const fileKey = newFileKey();
  const count: SealedCount = { bytes: 0, chunks: 0 };
  await store.put(fileId, sealChunks(fileKey, fileId, checked.bytes, count));
  const refusal: Refusal | null = file.tooLarge() ? 'size' : count.bytes === 0 ? 'empty' : null;
  if (refusal) {
    await store.delete(fileId);
    return { refused: refusal };
  }
  try {
    const added = await recordDocument(db, store, holder, caseId, form, { fileId, fileKey, count, type: checked.type, name: checked.name, original });
    if (!added) await store.delete(fileId);
    return added ? { added } : null;
  } catch (error) {
    await store.delete(fileId);
    throw error;
  }
}

type Stored = { fileId: string; fileKey: FileKey; count: SealedCount; type: MediaType; name: string; original: boolean };

/** The record of a stored file, in one short transaction: access is checked again, under the case's lock. */
async function recordDocument(db: Db, store: FileStore, holder: KeyHolder, caseId: string, form: z.infer<typeof documentForm>, stored: Stored): Promise<string | null> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'document_add', [form.part], true);
    const vault = access?.vaults[form.part];
    if (!access || !vault || !readsPart(access.role, form.part)) return null;
    const place = {
      id: randomUUID(),
      case_id: caseId,
      part: form.part,
      kind: form.kind,
      file_id: stored.fileId,
      media_type: stored.type,
      size: BigInt(stored.count.bytes),
      chunks: stored.count.chunks,
      original: stored.original,
      uploaded_by: holder.userId,
      created_at: new Date(),
    };
    const content = sealFileKey(vault, documentField, place, stored.fileKey, { name: stored.name, description: form.description });
    await tx.query(
      `insert into case_documents (id, case_id, part, vault_id, kind, file_id, media_type, size, chunks, original, content, uploaded_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [place.id, caseId, form.part, vault.id, form.kind, stored.fileId, stored.type, place.size.toString(), place.chunks, place.original, content, holder.userId, place.created_at],
    );
    await store.keep(tx, stored.fileId);
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    await appendAudit(tx, holder.userId, { kind: 'case.document_added', caseId, documentId: place.id, part: form.part, documentKind: form.kind });
    return place.id;
  });
}
