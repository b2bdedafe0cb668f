import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { AppError } from '../web/errors.ts';

/**
 * The file's bytes through one iterator that a consumer may leave early without ending it
 * (no return()), so that what is left can be drained and the parser goes on to the end.
 */
function incoming(name: string, stream: Readable & { truncated?: boolean }): IncomingFile & { drain(): Promise<void> } {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let ended = false;
  const next = async (): Promise<IteratorResult<Uint8Array>> => {
    if (ended) return { done: true, value: undefined };
    try {
      const result = await iterator.next();
      if (result.done) ended = true;
      return result;
    } catch (error) {
      ended = true;
      throw error;
    }
  };
  return {
    name,
    bytes: { [Symbol.asyncIterator]: () => ({ next }) },
    tooLarge: () => stream.truncated === true,
    async drain() {
      try {
        while (!(await next()).done);
      } catch {
        // the request broke off: nothing left to read
      }
    },
  };
}

/** The one file of an upload form, as it streams in. */
export type IncomingFile = {
  /** the name exactly as the browser sent it, path and all (checked by the caller, never trimmed to a basename) */
  name: string;
  bytes: AsyncIterable<Uint8Array>;
  /** true once the file ran past the byte limit: the stream then ended early */
  tooLarge(): boolean;
};

/**
 * Reads a multipart form from the raw request stream, never buffering the whole body: the fields
 * that come before the file (our forms put the file last), then hands the file's stream to
 * `onFile` while it arrives. Whatever `onFile` leaves unread is drained, so the answer goes out
 * after the whole request was received. Fields after the file and any second file are ignored.
 *
 * `verify` sees the fields before the file is taken (or at the end, when there is no file) and
 * throws to refuse the post: the route's CSRF check (checkCsrfToken), as no guard reads a
 * streamed body.
 */
export async function readUpload<T>(
  request: Request,
  limits: { fileBytes: number },
  verify: (fields: Record<string, string>) => void,
  onFile: (fields: Record<string, string>, file: IncomingFile) => Promise<T>,
): Promise<T | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!request.body || !type.toLowerCase().startsWith('multipart/form-data')) throw new AppError('bad_request');
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': type },
      preservePath: true,
      defParamCharset: 'utf8',
      limits: { fileSize: limits.fileBytes, files: 1, fields: 20, fieldSize: 10_000, parts: 25 },
    });
  } catch {
    throw new AppError('bad_request');
  }
  const source = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
  return new Promise<T | undefined>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let handled: Promise<T> | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.unpipe(parser);
      source.destroy();
      // Let onFile clean up (delete what it stored) before the request ends in an error.
      void Promise.allSettled([handled]).then(() => reject(error instanceof AppError ? error : new AppError('bad_request')));
    };
    parser.on('field', (name, value) => {
      if (!handled) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (handled || name !== 'file') {
        stream.resume();
        return;
      }
      try {
        verify({ ...fields });
      } catch (error) {
        stream.resume();
        fail(error);
        return;
      }
      const file = incoming(info.filename ?? '', stream);
      handled = onFile({ ...fields }, file).finally(() => file.drain());
      source.once('error', (error) => stream.destroy(error));
    });
    parser.on('close', () => {
      if (failed) return;
      if (!handled) {
        try {
          verify({ ...fields });
        } catch (error) {
          reject(error);
          return;
        }
      }
      (handled ?? Promise.resolve(undefined)).then(resolve, reject);
    });
    parser.on('error', fail);
    source.on('error', fail);
    source.pipe(parser);
  });
}
