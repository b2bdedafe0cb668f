/**
 * Benchmark of stored files on the embedded database. Prints figures; asserts nothing.
 *
 *   npm run bench:files     (= tsx bench/files.ts; BENCH_FILE_MB, default 4: the largest upload)
 *
 * A file of BENCH_FILE_MB random megabytes (sealed chunks look random) goes through the database
 * file store as uploads and downloads use it: put in 64 KiB chunks, then read back. Three rounds
 * each on an in-memory PGlite, first with PGlite's own bytea conversion (a byte at a time in
 * JavaScript), then with Beside's (src/db/type-parsers.ts: the hex form through Buffer), which is
 * what the app runs. MB/s of a put and of a get, and the CPU time of each.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { OID } from '../src/db/type-parsers.ts';
import { CHUNK_BYTES } from '../src/files/chunks.ts';
import { databaseFileStore } from '../src/files/store.ts';

const MEGABYTES = Number(process.env.BENCH_FILE_MB ?? 4);
const ROUNDS = 3;

const client = await PGlite.create();
const pgliteOwn = { serialize: client.serializers[OID.bytea]!, parse: client.parsers[OID.bytea]! };
const db = fromPglite(client);
await migrate(db);
const beside = { serialize: client.serializers[OID.bytea]!, parse: client.parsers[OID.bytea]! };

const bytes = randomBytes(MEGABYTES * 1024 * 1024);
const chunks = Array.from({ length: Math.ceil(bytes.length / CHUNK_BYTES) }, (_, index) => bytes.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES));

async function* from(list: Uint8Array[]) {
  yield* list;
}

async function timed(work: () => Promise<void>): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

const store = databaseFileStore(db);
console.log(`${MEGABYTES} MB in ${chunks.length} chunks of 64 KiB, ${ROUNDS} rounds, embedded PGlite in memory\n`);
for (const [name, conversion] of [['PGlite’s own bytea conversion', pgliteOwn], ['Beside’s (hex through Buffer)', beside]] as const) {
  client.serializers[OID.bytea] = conversion.serialize;
  client.parsers[OID.bytea] = conversion.parse;
  for (let round = 1; round <= ROUNDS; round++) {
    const id = randomUUID();
    const put = await timed(() => store.put(id, from(chunks)));
    let read = 0;
    const get = await timed(async () => {
      for await (const chunk of store.get(id)) read += chunk.length;
    });
    if (read !== bytes.length) throw new Error(`read ${read} bytes of ${bytes.length}`);
    await store.delete(id);
    const rate = (ms: number) => (MEGABYTES / (ms / 1000)).toFixed(1).padStart(6);
    console.log(`${name.padEnd(32)} round ${round}: put ${rate(put.ms)} MB/s (${put.cpuMs.toFixed(0)} ms CPU), get ${rate(get.ms)} MB/s (${get.cpuMs.toFixed(0)} ms CPU)`);
  }
}
await db.close();
