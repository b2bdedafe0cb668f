import type { FileKey } from '../crypto/file-keys.ts';

/** Plain bytes per sealed chunk: small enough to keep memory flat, large enough that overhead is tiny. */
export const CHUNK_BYTES = 64 * 1024;

/** Cuts a byte stream into chunks of `size` (the last may be shorter), knowing which one is last. */
export async function* rechunk(source: AsyncIterable<Uint8Array>, size = CHUNK_BYTES): AsyncGenerator<{ bytes: Uint8Array; last: boolean }> {
  let buffer = new Uint8Array(size);
  let filled = 0;
  let pending: Uint8Array | null = null; // a full chunk held back until we know whether more follows
  for await (const piece of source) {
    let offset = 0;
    while (offset < piece.length) {
      if (filled === size) {
        if (pending) yield { bytes: pending, last: false };
        pending = buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
      const take = Math.min(size - filled, piece.length - offset);
      buffer.set(piece.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
    }
  }
  if (filled === 0) {
    if (pending) yield { bytes: pending, last: true };
    return;
  }
  if (pending) yield { bytes: pending, last: false };
  yield { bytes: buffer.subarray(0, filled), last: true };
}

/** What a file's plain bytes came to once sealed: counted as they pass, for the record kept afterwards. */
export type SealedCount = { bytes: number; chunks: number };

/** Seals each chunk with the file key, its position and whether it is the last. */
export async function* sealChunks(fileKey: FileKey, fileId: string, source: AsyncIterable<Uint8Array>, count: SealedCount): AsyncGenerator<Uint8Array> {
  for await (const { bytes, last } of rechunk(source)) {
    yield fileKey.sealChunk(fileId, count.chunks, bytes, last);
    count.chunks += 1;
    count.bytes += bytes.length;
  }
}

/**
 * Opens a file's sealed chunks in order. Exactly `chunks` must come, each at its place, the last
 * marked last: anything else throws before a wrong byte is given out.
 */
export async function* openChunks(fileKey: FileKey, fileId: string, chunks: number, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let index = 0;
  for await (const box of source) {
    if (index >= chunks) throw new Error('A file has more chunks than it was stored with.');
    yield fileKey.openChunk(fileId, index, box, index === chunks - 1);
    index += 1;
  }
  if (index !== chunks) throw new Error('A file has fewer chunks than it was stored with.');
}
