import type { Db, Queryable } from '../db/client.ts';

/**
 * Where files' bytes live: sealed chunks only (the store never sees a key, a name or a plain
 * byte). The database store is the default, so one backup holds everything and any Beside
 * process serves any file; an S3-compatible store can implement the same interface later.
 */
export interface FileStore {
  /** Stores a new file's sealed chunks as they come, in order. Nothing is left when `chunks` throws. */
  put(fileId: string, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  /** The sealed chunks in order, read one at a time (never the whole file at once). */
  get(fileId: string): AsyncIterable<Uint8Array>;
  delete(fileId: string): Promise<void>;
  /** Marks a stored file as kept, in the transaction that records what it is. */
  keep(tx: Queryable, fileId: string): Promise<void>;
}

/** An upload a process crashed in the middle of is swept after this long. */
const ABANDONED_AFTER = '1 hour';

/** Chunks are read a few at a time: memory stays flat however large the file. */
const READ_BATCH = 4;

export function databaseFileStore(db: Db): FileStore {
  return {
    async put(id, chunks) {
      await db.query(`delete from files where state = 'uploading' and created_at < now() - interval '${ABANDONED_AFTER}'`);
      await db.query('insert into files (id) values ($1)', [id]);
      try {
        let idx = 0;
        for await (const data of chunks) {
          await db.query('insert into file_chunks (file_id, idx, data) values ($1, $2, $3)', [id, idx++, data]);
        }
      } catch (error) {
        await db.query('delete from files where id = $1', [id]);
        throw error;
      }
    },
    async *get(fileId) {
      for (let from = 0; ; from += READ_BATCH) {
        const rows = await db.query<{ data: Uint8Array }>(
          'select data from file_chunks where file_id = $1 and idx >= $2 order by idx limit $3',
          [fileId, from, READ_BATCH],
        );
        for (const row of rows) yield row.data;
        if (rows.length < READ_BATCH) return;
      }
    },
    async delete(fileId) {
      await db.query('delete from files where id = $1', [fileId]);
    },
    async keep(tx, fileId) {
      const rows = await tx.query("update files set state = 'stored' where id = $1 and state = 'uploading' returning 1", [fileId]);
      if (rows.length !== 1) throw new Error('The file to keep is gone.');
    },
  };
}

/** Deletes stored files and their chunks in the caller's transaction (a case being erased). */
export async function deleteFilesIn(tx: Queryable, fileIds: string[]): Promise<void> {
  if (fileIds.length > 0) await tx.query('delete from files where id = any($1::uuid[])', [fileIds]);
}
