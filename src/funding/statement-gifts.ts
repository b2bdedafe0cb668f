import type { Queryable } from '../db/client.ts';
import type { Purpose } from './purposes.ts';

/**
 * The gifts a yearly statement lists: received in that year (Amsterdam's calendar days, as the
 * books keep them) from a donor with this tag, each net of what was refunded or charged back and
 * not undone (gift_reversals); a gift given back in full is left out.
 */
export type StatementGift = { receivedOn: string; receipt: string; purpose: Purpose; netCents: bigint };

export async function statementGifts(db: Queryable, tag: Uint8Array, year: number): Promise<StatementGift[]> {
  const rows = await db.query<{ received_on: string; ledger_seq: bigint; purpose: Purpose; net_cents: bigint }>(
    `select g.received_on, g.ledger_seq, g.purpose,
            (g.amount_cents - coalesce((select sum(r.amount_cents) from gift_reversals r where r.gift_id = g.id and r.undone_seq is null), 0))::int8 as net_cents
       from gifts g
      where g.donor_tag = $1 and g.state = 'received' and g.received_on >= $2::date and g.received_on < $3::date
      order by g.received_on, g.ledger_seq`,
    [tag, `${year}-01-01`, `${year + 1}-01-01`],
  );
  return rows.filter((row) => row.net_cents > 0n).map((row) => ({ receivedOn: row.received_on, receipt: String(row.ledger_seq), purpose: row.purpose, netCents: row.net_cents }));
}
