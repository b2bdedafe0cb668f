import { z } from 'zod';
import type { Queryable } from './client.ts';

/**
 * Keyset paging: "Next" carries the sort key of the last row shown and "Previous" that of the first,
 * so a page reads its own rows from an index however deep it is (OFFSET read and threw away every
 * row before it). A list is ordered by a tier (0 first: urgent, a live evacuation…), then a time,
 * then the id; each tier is walked on its own, so the walk stays on an index whose leading columns
 * the tier fixes. A cursor carries the three; the time is PostgreSQL's own, to the microsecond, as
 * text (a JavaScript Date keeps milliseconds, and would skip or repeat rows that share one).
 */
export type Cursor = { tier: number; at: string; id: string };

/** Which page: the first, the one after a cursor, or the one before it. */
export type PageAsk = { size: number; after?: Cursor; before?: Cursor };

/** `previous` is 'first' on a page past the list's end (its rows went meanwhile): back to the start. */
export type Page<R> = { rows: R[]; previous: Cursor | 'first' | null; next: Cursor | null };

/** What every row of a keyset-paged query selects besides its own columns. */
export type Keyed = { id: string; sort_at: string };

/**
 * SQL for one tier's rows past `bound` (after it, or before it when `backwards`), walking away from
 * it: a select of the list's columns and `sort_at` with its own order and limit (walkSql gives
 * both). Its parameters are added to `params`, which every tier of the page shares.
 */
export type TierSql = (tier: number, bound: Cursor | undefined, backwards: boolean, params: unknown[], limit: number) => string;

/** How a list is ordered: how many tiers, and its time ascending or descending within a tier. */
export type ListOrder = { tiers: number; direction: 'asc' | 'desc' };

const TOKEN = /^(\d)~(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)~([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** A cursor in an address: "tier~time~id". A malformed one is no cursor (the first page). */
export const cursorParam = z
  .string()
  .transform((value, ctx) => {
    const [, tier, at, id] = TOKEN.exec(value) ?? [];
    // A time that does not exist (30 February, month 13, year 0) is refused here, not by the database.
    const time = new Date(at ?? '');
    if (!tier || !at || !id || Number.isNaN(time.getTime()) || time.getUTCFullYear() < 1900 || time.toISOString().slice(0, 19) !== at.slice(0, 19)) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor' });
      return z.NEVER;
    }
    return { tier: Number(tier), at, id } satisfies Cursor;
  })
  .optional()
  .catch(undefined);

export const formatCursor = (cursor: Cursor): string => `${cursor.tier}~${cursor.at}~${cursor.id}`;

/** SQL for a row's sort time as a cursor carries it (UTC, microseconds). */
export const cursorTime = (expression: string): string => `to_char((${expression}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The condition and order that walk one tier from a bound: by `at` (ascending or descending, as
 * the list shows it), then by id ascending; backwards reverses both. Written as `at >= x and
 * (at > x or id > y)` rather than a row comparison, because the list's directions are mixed and
 * the first part is what an index range can use.
 */
export function walkSql(at: string, id: string, direction: 'asc' | 'desc', bound: Cursor | undefined, backwards: boolean, params: unknown[]): { where: string; orderBy: string } {
  const ahead = (direction === 'asc') !== backwards;
  const orderBy = `${at} ${ahead ? 'asc' : 'desc'}, ${id} ${backwards ? 'desc' : 'asc'}`;
  if (!bound) return { where: 'true', orderBy };
  const time = `$${params.push(bound.at)}::timestamptz`;
  const key = `$${params.push(bound.id)}::uuid`;
  const [gt, gtId] = [ahead ? '>' : '<', backwards ? '<' : '>'];
  return { where: `${at} ${gt}= ${time} and (${at} ${gt} ${time} or ${id} ${gtId} ${key})`, orderBy };
}

const cursorOf = <R extends Keyed & { tier: number }>(row: R): Cursor => ({ tier: row.tier, at: row.sort_at, id: row.id });

/**
 * The rows of every tier from `from` on (its own tier bounded by the cursor), forwards or
 * backwards, at most `limit`: one statement, each tier a branch walking its own index, so a page
 * is one round trip whatever the number of tiers, and reads at most `limit` rows per tier.
 */
async function collect<R extends Keyed>(db: Queryable, order: ListOrder, from: Cursor | undefined, backwards: boolean, limit: number, tierSql: TierSql, base: unknown[]) {
  const params = [...base];
  const first = from?.tier ?? (backwards ? order.tiers - 1 : 0);
  const branches: string[] = [];
  for (let tier = first; tier >= 0 && tier < order.tiers; tier += backwards ? -1 : 1) {
    branches.push(`(select ${tier} as tier, t.* from (${tierSql(tier, tier === first ? from : undefined, backwards, params, limit)}) as t)`);
  }
  // The time as text sorts as the time does (fixed width, UTC), byte by byte.
  const ahead = (order.direction === 'asc') !== backwards;
  return db.query<R & { tier: number }>(
    `select * from (${branches.join(' union all ')}) as page
     order by tier ${backwards ? 'desc' : 'asc'}, sort_at collate "C" ${ahead ? 'asc' : 'desc'}, id ${backwards ? 'desc' : 'asc'} limit ${Number(limit)}`,
    params,
  );
}

/**
 * One page of a tiered list; `params` are those the tiers' conditions already use. A page before a
 * cursor that finds less than a full page has reached the list's start: it is the first page, so
 * the first page always looks the same.
 */
export async function fetchPage<R extends Keyed>(db: Queryable, order: ListOrder, ask: PageAsk, tierSql: TierSql, params: unknown[] = []): Promise<Page<R>> {
  const known = (cursor: Cursor | undefined) => (cursor && cursor.tier < order.tiers ? cursor : undefined);
  const before = known(ask.before);
  if (before) {
    const back = await collect<R>(db, order, before, true, ask.size + 1, tierSql, params);
    if (back.length > ask.size) {
      const shown = back.slice(0, ask.size).reverse();
      return { rows: shown, previous: cursorOf(shown[0]!), next: cursorOf(shown.at(-1)!) };
    }
    return fetchPage(db, order, { size: ask.size }, tierSql, params);
  }
  const after = known(ask.after);
  const found = await collect<R>(db, order, after, false, ask.size + 1, tierSql, params);
  const shown = found.slice(0, ask.size);
  return {
    rows: shown,
    previous: !after ? null : shown.length > 0 ? cursorOf(shown[0]!) : 'first',
    next: found.length > ask.size ? cursorOf(shown.at(-1)!) : null,
  };
}
