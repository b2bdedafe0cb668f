import { fileTypeFromBuffer } from 'file-type';

/**
 * What may be stored, decided by the file's content, never by its name: scans (PDF) and photos.
 * Plain text is not taken: it has no signature to check, and text belongs in a note.
 * HEIC photos cannot be cleaned of their metadata here (no HEVC decoder), so they are taken
 * only as originals kept deliberately as evidence.
 */
export const MEDIA_TYPES = {
  'application/pdf': { extensions: ['pdf'], photo: false },
  'image/jpeg': { extensions: ['jpg', 'jpeg'], photo: true },
  'image/png': { extensions: ['png'], photo: true },
  'image/webp': { extensions: ['webp'], photo: true },
  'image/heic': { extensions: ['heic', 'heif'], photo: false },
} as const;

export type MediaType = keyof typeof MEDIA_TYPES;

const DETECTED: Record<string, MediaType> = {
  'application/pdf': 'application/pdf',
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/heic': 'image/heic',
  'image/heif': 'image/heic',
};

/** Why an upload was refused: each has its own message on the case page. */
export const REFUSALS = ['form', 'name', 'type', 'mismatch', 'heic', 'size', 'empty', 'image'] as const;
export type Refusal = (typeof REFUSALS)[number];

export const MAX_NAME_LENGTH = 200;

/**
 * A file name as the person gave it, or null when it is not a plain name: a path (slashes,
 * "..", a leading dot), control or invisible format characters (NUL, bidi overrides that make
 * "gpj.exe" read as "exe.jpg"), or no extension to compare with the content.
 */
export function checkFileName(raw: string): string | null {
  const name = raw.normalize('NFC');
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return null;
  if (/[/\\]/.test(name) || /\p{C}/u.test(name)) return null;
  if (name.startsWith('.') || name.endsWith('.') || name.trim() !== name) return null;
  return /\.[A-Za-z0-9]{1,8}$/.test(name) ? name : null;
}

export function extensionOf(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1).toLowerCase();
}

/** The type the content shows, if it is one Beside stores. */
export async function detectType(head: Uint8Array): Promise<MediaType | null> {
  const found = await fileTypeFromBuffer(head);
  return (found && DETECTED[found.mime]) ?? null;
}

/** A name that says another type than the content is refused: someone may be misled by it. */
export function nameFits(name: string, type: MediaType): boolean {
  return (MEDIA_TYPES[type].extensions as readonly string[]).includes(extensionOf(name));
}
