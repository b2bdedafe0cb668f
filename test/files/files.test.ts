import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { newFileKey } from '../../src/crypto/file-keys.ts';
import { CHUNK_BYTES, openChunks, rechunk, sealChunks } from '../../src/files/chunks.ts';
import { checkFileName, detectType, nameFits } from '../../src/files/content-check.ts';

describe('test/files/files.test.ts', () => {
  async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }

  async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of source) out.push(item);
    return out;
  }

  describe('rechunk', () => {
    for (const length of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 3 * CHUNK_BYTES + 7]) {
      test(`${length} bytes in odd pieces: whole chunks, only the last marked last, nothing lost`, async () => {
        const bytes = randomBytes(length);
        const chunks = await collect(rechunk(pieces(bytes, 1000 + (length % 7))));
        assert.equal(chunks.length, Math.ceil(length / CHUNK_BYTES), 'the number of chunks');
        assert.deepEqual(chunks.map((chunk) => chunk.last), chunks.map((_, i) => i === chunks.length - 1), 'only the last is last');
        assert.ok(chunks.slice(0, -1).every((chunk) => chunk.bytes.length === CHUNK_BYTES), 'every chunk but the last is full');
        assert.ok(Buffer.concat(chunks.map((chunk) => chunk.bytes)).equals(bytes), 'the same bytes in order');
      });
    }
  });

  describe('sealed chunks', () => {
    async function sealed(length: number) {
      const key = newFileKey();
      const fileId = crypto.randomUUID();
      const bytes = randomBytes(length);
      const count = { bytes: 0, chunks: 0 };
      const boxes = await collect(sealChunks(key, fileId, pieces(bytes, 4096), count));
      return { key, fileId, bytes, boxes, count };
    }

    test('open back to the same bytes; no plaintext in a box', async () => {
      const { key, fileId, bytes, boxes, count } = await sealed(2 * CHUNK_BYTES + 5);
      assert.deepEqual(count, { bytes: bytes.length, chunks: 3 }, 'counted');
      const opened = await collect(openChunks(key, fileId, 3, (async function* () { yield* boxes; })()));
      assert.ok(Buffer.concat(opened).equals(bytes), 'the same bytes');
      assert.ok(!Buffer.from(boxes[0]!).includes(bytes.subarray(100, 132)), 'sealed');
    });

    const broken: [string, (boxes: Uint8Array[]) => Uint8Array[], number?][] = [
      ['swapped', (b) => [b[1]!, b[0]!, b[2]!]],
      ['one dropped', (b) => [b[0]!, b[2]!]],
      ['cut short (count says 3)', (b) => [b[0]!, b[1]!]],
      ['cut short, count changed too', (b) => [b[0]!, b[1]!], 2],
      ['one repeated', (b) => [b[0]!, b[0]!, b[1]!, b[2]!], 4],
      ['a byte flipped', (b) => [b[0]!, Uint8Array.from(b[1]!, (x, i) => (i === 40 ? x ^ 1 : x)), b[2]!]],
    ];
    for (const [what, change, chunks] of broken) {
      test(`${what}: fails, and what came before is true`, async () => {
        const { key, fileId, bytes, boxes } = await sealed(2 * CHUNK_BYTES + 5);
        const out: Uint8Array[] = [];
        await assert.rejects(async () => {
          for await (const plain of openChunks(key, fileId, chunks ?? 3, (async function* () { yield* change(boxes); })())) out.push(plain);
        }, `${what} is refused`);
        const given = Buffer.concat(out);
        assert.ok(given.equals(bytes.subarray(0, given.length)), 'no wrong byte given out');
      });
    }

    test('a box of another file, or opened with another key, fails', async () => {
      const one = await sealed(10);
      const two = await sealed(10);
      await assert.rejects(collect(openChunks(one.key, one.fileId, 1, (async function* () { yield two.boxes[0]!; })())), 'another file’s chunk');
      await assert.rejects(collect(openChunks(two.key, one.fileId, 1, (async function* () { yield one.boxes[0]!; })())), 'another key');
    });
  });

  describe('names and types', () => {
    test('plain names pass, paths and hidden characters do not', () => {
      for (const good of ['scan.pdf', 'Паспорт 2024.JPG', 'brief van de IND (1).pdf', 'a.b.c.png']) assert.equal(checkFileName(good), good.normalize('NFC'), good);
      for (const bad of ['../x.pdf', '..', 'a/b.pdf', 'a\\b.pdf', 'x\u0000.pdf', 'x\n.pdf', 'x\u202Efdp.exe', '.pdf', 'noext', 'x.pdf ', ' x.pdf', 'x.', 'a'.repeat(201) + '.pdf', '']) {
        assert.equal(checkFileName(bad), null, JSON.stringify(bad));
      }
    });

    test('the content decides the type; the name must agree', async () => {
      assert.equal(await detectType(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')), 'application/pdf', 'PDF');
      assert.equal(await detectType(Buffer.from('<html><body>hello</body></html>')), null, 'HTML');
      assert.equal(await detectType(Buffer.from('just text')), null, 'text');
      assert.equal(nameFits('x.PDF', 'application/pdf'), true, 'case does not matter');
      assert.equal(nameFits('x.jpg', 'application/pdf'), false, 'a JPEG name on a PDF');
      assert.equal(nameFits('x.jpeg', 'image/jpeg'), true, 'both JPEG extensions');
    });
  });
});
