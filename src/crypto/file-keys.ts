import { decryptBytes, encryptBytes, newDataKey } from './primitives.ts';
import type { Sealed, SealedField, SealedPlace, Vault } from './vaults.ts';

/**
 * Files: each file has a random key of its own that seals its chunks; the file key itself is
 * sealed into the vault of the part it belongs to, with the file's name and description. So the
 * vault's rotation re-seals one small value per file (never the chunks), and shredding the vault
 * leaves the chunks unopenable. The key never leaves this module: domain code holds a handle.
 *
 * Each chunk is XChaCha20-Poly1305 with the file id, the chunk's position and whether it is the
 * last as associated data (the STREAM construction): a chunk moved, swapped, dropped or a file cut
 * short fails to open instead of giving wrong bytes.
 */
export interface FileKey {
  sealChunk(fileId: string, index: number, plain: Uint8Array, last: boolean): Uint8Array;
  /** Throws when the chunk is not the one sealed at this place. */
  openChunk(fileId: string, index: number, box: Uint8Array, last: boolean): Uint8Array;
}

const fileKeys = new WeakMap<FileKey, Uint8Array>();

function chunkPlace(fileId: string, index: number, last: boolean): Uint8Array {
  return new TextEncoder().encode(`beside/file/v1|${fileId}|${index}|${last ? 'last' : 'more'}`);
}

function handle(key: Uint8Array): FileKey {
  const fileKey: FileKey = {
    sealChunk: (fileId, index, plain, last) => encryptBytes(key, plain, chunkPlace(fileId, index, last)),
    openChunk: (fileId, index, box, last) => decryptBytes(key, box, chunkPlace(fileId, index, last)),
  };
  fileKeys.set(fileKey, key);
  return fileKey;
}

export function newFileKey(): FileKey {
  return handle(newDataKey());
}

/** Seals the file key with what describes the file (`about`: name, description…) as one field of the vault. */
export function sealFileKey<B extends string>(vault: Vault, field: SealedField<B>, place: SealedPlace<B>, fileKey: FileKey, about: unknown): Sealed {
  const key = fileKeys.get(fileKey);
  if (!key) throw new Error('Not a file key.');
  return vault.seal(field, place, { about, key: Buffer.from(key).toString('base64') });
}

/** Opens a sealed file key; null when the row, its place or its bound metadata was changed. */
export function openFileKey<B extends string>(
  vault: Vault,
  field: SealedField<B>,
  place: SealedPlace<B>,
  box: Uint8Array,
): { about: unknown; fileKey: FileKey } | null {
  try {
    const value = vault.open(field, place, box) as { about?: unknown; key?: unknown };
    if (typeof value?.key !== 'string') return null;
    const key = new Uint8Array(Buffer.from(value.key, 'base64'));
    if (key.length !== 32) return null;
    return { about: value.about, fileKey: handle(key) };
  } catch {
    return null;
  }
}
