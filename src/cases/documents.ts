import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { sealedField } from '../crypto/sealed.ts';
import { openFileKey } from '../crypto/file-keys.ts';
import type { Vault } from '../crypto/vaults.ts';
import { displayNames } from '../auth/users.ts';
import type { MediaType } from '../files/content-check.ts';
import type { CaseAccess } from './case-access.ts';
import type { CasePart } from './case-roles.ts';

/** The parts of a case that hold documents: the housing part shows hosts what they need, no papers. */
export const DOCUMENT_PARTS = ['core', 'psych', 'legal'] as const satisfies readonly CasePart[];
export type DocumentPart = (typeof DOCUMENT_PARTS)[number];

export const DOCUMENT_KINDS = ['identity', 'medical', 'immigration', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/**
 * A document's name, description and file key, sealed in the vault of its part. Everything that
 * says what the file is (case, part, kind, type, size, chunk count, who and when) is bound to it:
 * changed in the database, the document no longer opens.
 */
export const documentField = sealedField({
  table: 'case_documents',
  field: 'content',
  vaultColumn: 'vault_id',
  bound: ['case_id', 'part', 'kind', 'file_id', 'media_type', 'size', 'chunks', 'original', 'uploaded_by', 'created_at'],
  shred: 'delete-row',
});

export const documentAboutSchema = z.object({ name: z.string().min(1).max(200), description: z.string().max(2000) });
export type DocumentAbout = z.infer<typeof documentAboutSchema>;

export type DocumentRow = {
  id: string;
  case_id: string;
  part: DocumentPart;
  vault_id: string;
  kind: DocumentKind;
  file_id: string;
  media_type: MediaType;
  size: string | number | bigint;
  chunks: number;
  original: boolean;
  content: Uint8Array;
  uploaded_by: string;
  created_at: Date;
};

export const DOCUMENT_COLUMNS = 'id, case_id, part, vault_id, kind, file_id, media_type, size, chunks, original, content, uploaded_by, created_at';

/** The place a document's sealed content is bound to, from its row (size as the exact integer it is). */
export function documentPlace(row: DocumentRow) {
  return {
    id: row.id,
    case_id: row.case_id,
    part: row.part,
    kind: row.kind,
    file_id: row.file_id,
    media_type: row.media_type,
    size: BigInt(row.size),
    chunks: row.chunks,
    original: row.original,
    uploaded_by: row.uploaded_by,
    created_at: row.created_at,
  };
}

/** A document as the case page lists it; `about` is null when it could not be verified. */
export type DocumentItem = {
  id: string;
  part: DocumentPart;
  kind: DocumentKind;
  about: DocumentAbout | null;
  mediaType: MediaType;
  size: number;
  original: boolean;
  uploadedBy: string;
  at: Date;
};

export function openAbout(vault: Vault, row: DocumentRow) {
  if (vault.id !== row.vault_id) return null;
  const opened = openFileKey(vault, documentField, documentPlace(row), row.content);
  const about = documentAboutSchema.safeParse(opened?.about);
  return opened && about.success ? { about: about.data, fileKey: opened.fileKey } : null;
}

/**
 * The documents of the parts of a case the viewer reads, newest first, from the vaults the caller
 * opened (the case page's openCasePage): nothing of a part they do not read.
 */
export async function readDocuments(tx: Queryable, access: CaseAccess): Promise<DocumentItem[]> {
  const parts = DOCUMENT_PARTS.filter((part) => access.vaults[part]);
  const rows = await tx.query<DocumentRow>(
    `select ${DOCUMENT_COLUMNS} from case_documents where case_id = $1 and part = any($2::text[]) order by created_at desc, id`,
    [access.row.id, parts],
  );
  const names = await displayNames(tx, [...new Set(rows.map((row) => row.uploaded_by))]);
  return rows.map((row) => ({
    id: row.id,
    part: row.part,
    kind: row.kind,
    about: openAbout(access.vaults[row.part]!, row)?.about ?? null,
    mediaType: row.media_type,
    size: Number(row.size),
    original: row.original,
    uploadedBy: names.get(row.uploaded_by) ?? '—',
    at: row.created_at,
  }));
}
