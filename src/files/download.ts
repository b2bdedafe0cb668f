/** An opened file as a download answer sends it: its name, type, size and its bytes as they are opened. */
export type DownloadableFile = { name: string; mediaType: string; size: number; bytes: AsyncIterable<Uint8Array> };

/** A name for Content-Disposition: an ASCII stand-in and the exact name encoded (RFC 6266 / 8187). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Streams a decrypted file to the browser, chunk by chunk as it is opened, never held whole. A
 * chunk that fails to open errors the stream: the download breaks off, short of its length.
 */
export function downloadResponse(file: DownloadableFile): Response {
  const chunks = file.bytes[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return?.(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': file.mediaType,
      'Content-Length': String(file.size),
      // Never shown in the page: saved as a file, whatever the browser thinks of its content.
      'Content-Disposition': attachment(file.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}
