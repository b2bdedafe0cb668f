import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/db/client.ts';
import { openTestDb } from '../support/db.ts';

describe('test/db/types.test.ts', () => {
  /**
   * The same queries on whichever database the suite runs on (PGlite by default, a PostgreSQL
   * server with TEST_DATABASE_URL), so both drivers are held to one set of JS types.
   */
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(() => db?.close());

  async function one<Row>(sql: string, params: unknown[] = []): Promise<Row> {
    const [row] = await db.query<Row>(sql, params);
    assert.ok(row, 'one row');
    return row;
  }

  /** Runs fn with the process in another time zone (Node applies a new TZ at once). */
  async function inZone<T>(zone: string, fn: () => Promise<T>): Promise<T> {
    const saved = process.env.TZ;
    process.env.TZ = zone;
    try {
      return await fn();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  }

  const BEYOND_DOUBLE = 9007199254740993n; // 2^53 + 1: a double would round it

  describe(`JS types from the ${process.env.TEST_DATABASE_URL ? 'PostgreSQL server' : 'embedded'} driver`, () => {
    test('int8 is a bigint, exact beyond 2^53, as a value and as a parameter; count(*) too', async () => {
      const row = await one<{ big: unknown; small: unknown; echoed: unknown; n: unknown; negative: unknown }>(
        'select 9007199254740993::int8 as big, 5::int8 as small, $1::int8 as echoed, count(*) as n, (-9223372036854775808)::int8 as negative from (values (1), (2)) v(x)',
        [BEYOND_DOUBLE],
      );
      assert.deepEqual(row, { big: BEYOND_DOUBLE, small: 5n, echoed: BEYOND_DOUBLE, n: 2n, negative: -9223372036854775808n });
    });

    test('a bigint column round-trips exactly', async () => {
      await db.transaction(async (tx) => {
        await tx.query('create temporary table probe_int8 (v bigint) on commit drop');
        await tx.query('insert into probe_int8 values ($1), ($2)', [BEYOND_DOUBLE, -BEYOND_DOUBLE]);
        const rows = await tx.query<{ v: bigint }>('select v from probe_int8 order by v');
        assert.deepEqual(rows, [{ v: -BEYOND_DOUBLE }, { v: BEYOND_DOUBLE }]);
      });
    });

    test('numeric is its exact decimal text; int2 and int4 are numbers', async () => {
      const row = await one('select 12.30::numeric as amount, 0.1::numeric + 0.2::numeric as sum, 123456789012345678901234.5::numeric as huge, 3::int4 as four, 2::int2 as two');
      assert.deepEqual(row, { amount: '12.30', sum: '0.3', huge: '123456789012345678901234.5', four: 3, two: 2 });
    });

    test('timestamptz is a Date at the same instant, whatever the session zone', async () => {
      const instant = new Date('2026-03-29T10:00:00.123Z');
      for (const zone of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles']) {
        const row = await db.transaction(async (tx) => {
          await tx.query(`set local timezone = '${zone}'`);
          const [found] = await tx.query<{ literal: unknown; echoed: unknown }>(
            "select '2026-03-29 10:00:00.123+00'::timestamptz as literal, $1::timestamptz as echoed",
            [instant],
          );
          return found!;
        });
        assert.ok(row.literal instanceof Date && row.echoed instanceof Date, zone);
        assert.equal(row.literal.toISOString(), instant.toISOString(), zone);
        assert.equal(row.echoed.toISOString(), instant.toISOString(), zone);
      }
    });

    test('a date is the string YYYY-MM-DD, in any time zone of the process', async () => {
      // Proof that the zones below would catch a Date: pg's own parser makes a local midnight,
      // which in Kiritimati (UTC+14) is still the day before in UTC.
      const pgDefault = pg.types.getTypeParser(pg.types.builtins.DATE, 'text') as (text: string) => Date;
      await inZone('Pacific/Kiritimati', async () => assert.equal(pgDefault('2026-03-29').toISOString().slice(0, 10), '2026-03-28'));
      for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'UTC']) {
        await inZone(zone, async () => {
          const row = await one("select '2026-03-29'::date as day, $1::date as echoed, array['2026-03-29'::date, null, '2024-02-29'] as days", ['2026-03-29']);
          assert.deepEqual(row, { day: '2026-03-29', echoed: '2026-03-29', days: ['2026-03-29', null, '2024-02-29'] }, zone);
        });
      }
    });

    test('a Date parameter for a date column means its UTC day on both drivers', async () => {
      await inZone('America/Los_Angeles', async () => {
        const row = await one('select $1::date as day', [new Date('2026-03-29T03:00:00Z')]);
        assert.deepEqual(row, { day: '2026-03-29' }); // local time there: 28 March, 20:00
      });
    });

    test('a timestamp without zone is a Date read as UTC, in any time zone of the process', async () => {
      for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
        await inZone(zone, async () => {
          const row = await one<{ at: unknown }>("select '2026-03-29 10:00:00.5'::timestamp as at");
          assert.ok(row.at instanceof Date, zone);
          assert.equal(row.at.toISOString(), '2026-03-29T10:00:00.500Z', zone);
        });
      }
    });

    test('bytea is a Uint8Array, with the bytes given', async () => {
      const bytes = new Uint8Array([0, 1, 254, 255]);
      const row = await one<{ raw: unknown; echoed: unknown }>("select '\\x0001feff'::bytea as raw, $1::bytea as echoed", [bytes]);
      for (const value of [row.raw, row.echoed]) {
        assert.ok(value instanceof Uint8Array);
        assert.deepEqual([...value], [...bytes]);
      }
      // A view into a larger buffer sends only its own bytes; no bytes, a file chunk's size and an
      // array of bytea come back as sent.
      const view = new Uint8Array([9, 9, 0, 1, 254, 255, 9]).subarray(2, 6);
      const chunk = new Uint8Array(65_536).map((_, index) => (index * 31) % 256);
      const more = await one<{ view: Uint8Array; none: Uint8Array; chunk: Uint8Array; list: Uint8Array[] }>(
        'select $1::bytea as view, $2::bytea as none, $3::bytea as chunk, array[$1::bytea, $2::bytea] as list',
        [view, new Uint8Array(0), chunk],
      );
      assert.deepEqual([...more.view], [0, 1, 254, 255]);
      assert.equal(more.none.length, 0);
      assert.ok(Buffer.from(more.chunk).equals(Buffer.from(chunk)), 'a 64 KiB chunk byte for byte');
      assert.deepEqual(more.list.map((item) => [...item]), [[0, 1, 254, 255], []]);
    });

    test('arrays stay arrays of the same element types', async () => {
      const uuid = '6f1c2f8e-3d0a-4c55-9a0b-2a7d0c1e9b11';
      const row = await one(
        `select array['a', 'b, "c"', null]::text[] as texts, array[$1::uuid] as uuids, array[9007199254740993, 1]::int8[] as bigs,
         array[12.30, null]::numeric[] as amounts, array[1, 2]::int4[] as ints,
         array['2026-03-29 10:00:00+00'::timestamptz] as instants, array[array[1, 2], array[3, 4]]::int8[] as grid,
         '{}'::date[] as none`,
        [uuid],
      );
      assert.deepEqual(row, {
        texts: ['a', 'b, "c"', null],
        uuids: [uuid],
        bigs: [BEYOND_DOUBLE, 1n],
        amounts: ['12.30', null],
        ints: [1, 2],
        instants: [new Date('2026-03-29T10:00:00Z')],
        grid: [
          [1n, 2n],
          [3n, 4n],
        ],
        none: [],
      });
    });
  });
});
