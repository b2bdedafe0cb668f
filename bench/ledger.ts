/**
 * Benchmark of the ledger on a PostgreSQL server. Prints figures; asserts nothing.
 *
 *   npm run bench:ledger     (= tsx bench/ledger.ts; BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432)
 *
 * "Cost that stays flat" (issue 8): the campaign's totals are rows the ledger keeps in the same
 * transaction as the entries, so reading them costs the same with 100 entries as with 1,000,000.
 * In a fresh database on the server (dropped at the end; BENCH_KEEP_DATABASE=1 keeps it):
 *
 * 1. 50 gifts through postTransaction (100 entries); the campaign's totals are read RUNS times,
 *    one read at a time: every balance, the number of transactions of each kind, and income and
 *    spending per month over 12 months. p50/p99.
 * 2. The books are filled to BENCH_ENTRIES entries (1,000,000): gifts by bank and through Mollie
 *    with its fee, payouts and expenses over three years, written in bulk with the hash chain
 *    computed here as postTransaction computes it and every trigger on (each transaction is
 *    checked for balance at its COMMIT). The kept totals are then computed from the entries in
 *    SQL, and `checkLedger` walks the whole books: it must report no problem, so the seeded books
 *    are books postTransaction could have written. The totals are read again: p50/p99.
 * 3. Gifts recorded under load: ROUNDS rounds of 200 concurrent postTransaction calls through
 *    the app's pg pool (10 connections, as openServer makes it), a quarter of them a second
 *    delivery of a gift (a provider retrying its webhook). Gifts booked per second, p50/p99 of a
 *    call (waiting for a connection included). Target p99 ≤ 50 ms. Then a final check: gifts lost,
 *    gifts booked twice, balances against what was sent, and checkLedger's problems.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { admin, quantile, serverUrl } from './bench-server.ts';

const DB_NAME = `beside_bench_ledger_${process.pid}`;
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENT = 200;
const WARM_UP = 20;
const TARGET_P99_MS = 50;
/** Transactions per bulk statement and per COMMIT while filling. */
const FILL_BATCH = 5_000;

const ms = (n: number) => n.toFixed(1).padStart(8);
const load = () => `load ${loadavg().map((n) => n.toFixed(2)).join(' ')}`;

async function main(): Promise<void> {
  await admin(`create database ${DB_NAME}`);
  try {
    await run();
  } finally {
    if (process.env.BENCH_KEEP_DATABASE === '1') console.log(`kept database ${DB_NAME}`);
    else await admin(`drop database if exists ${DB_NAME} with (force)`);
  }
}

type Modules = {
  ledger: typeof import('../src/funding/ledger.ts');
  hash: typeof import('../src/funding/ledger-hash.ts');
  purposes: typeof import('../src/funding/purposes.ts');
};

async function run(): Promise<void> {
  const { openServer } = await import('../src/db/client.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { useInstanceSecret } = await import('../src/crypto/instance-secret.ts');
  useInstanceSecret(crypto.getRandomValues(new Uint8Array(32)));
  const modules: Modules = {
    ledger: await import('../src/funding/ledger.ts'),
    hash: await import('../src/funding/ledger-hash.ts'),
    purposes: await import('../src/funding/purposes.ts'),
  };
  const { postTransaction, checkLedger } = modules.ledger;
  const { giftAccount } = modules.purposes;

  const db = await openServer(serverUrl(DB_NAME));
  try {
    await migrate(db);
    console.log(`PostgreSQL ${(await db.query<{ v: string }>("select current_setting('server_version') as v"))[0]!.v}, ${load()}`);

    for (let i = 0; i < 50; i++) {
      const cents = BigInt(1_000 + i * 10);
      await postTransaction(db, {
        kind: 'gift', occurredOn: `2025-${String(1 + (i % 12)).padStart(2, '0')}-15`, description: 'Gift by bank transfer', sourceRef: `small:${i}`,
        entries: [{ account: 'assets:bank', amountCents: cents }, { account: giftAccount('shelter'), amountCents: -cents }], actorUserId: null,
      });
    }
    await db.query('vacuum analyze');
    const small = await timeTotals(db, modules);
    console.log(`\nCampaign totals (all balances, kind counts, income and spending per month over 12 months), ${RUNS} reads one at a time:`);
    console.log(`${'entries'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    console.log(`${'100'.padStart(10)} ${ms(small.p50)} ${ms(small.p99)}   ${load()}`);

    let t0 = performance.now();
    const filled = await fill(db, modules, ENTRIES);
    console.log(`\nfilled to ${filled.entries} entries in ${filled.transactions} transactions (chain computed here, triggers on): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await db.query('vacuum analyze');
    t0 = performance.now();
    const verdict = await checkLedger(db);
    console.log(`checkLedger over ${verdict.entries} entries: ${verdict.problems.length} problem(s), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const problem of verdict.problems.slice(0, 5)) console.log(`  ${problem}`);

    const large = await timeTotals(db, modules);
    console.log(`${String(verdict.entries).padStart(10)} ${ms(large.p50)} ${ms(large.p99)}   ${load()}`);

    await recordUnderLoad(db, modules);
  } finally {
    await db.close();
  }
}

type Db = Awaited<ReturnType<(typeof import('../src/db/client.ts'))['openServer']>>;

async function timeTotals(db: Db, { ledger }: Modules): Promise<{ p50: number; p99: number }> {
  const range = { fromMonth: '2025-01-01', toMonth: '2025-12-01' };
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const started = performance.now();
    await ledger.accountBalances(db);
    await ledger.kindCounts(db);
    await ledger.monthlyMovements(db, { accountPrefix: 'income:gifts:', ...range });
    await ledger.monthlyMovements(db, { accountPrefix: 'expenses:', ...range });
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/**
 * Bulk books, continuing the chain from its head: the same columns, hashes and entries
 * postTransaction would write, many transactions per statement. The kept totals are then
 * computed from the entries, which is what checkLedger compares them with.
 */
async function fill(db: Db, { hash, purposes }: Modules, target: number): Promise<{ entries: number; transactions: number }> {
  const [head] = await db.query<{ seq: bigint; hash: Uint8Array; entries: bigint }>(
    'select seq, hash, (select count(*) from ledger_entries) as entries from ledger_transactions order by seq desc limit 1',
  );
  let seq = head!.seq;
  let prevHash = head!.hash;
  let entries = Number(head!.entries);
  let transactions = 0;
  const start = Date.UTC(2023, 0, 1);
  const days = 3 * 365;
  const recorded = Date.now() - 1_000 * 60 * 60 * 24 * days;
  while (entries < target) {
    const tx = { seq: [] as bigint[], id: [] as string[], kind: [] as string[], day: [] as string[], at: [] as string[], text: [] as string[], ref: [] as (string | null)[], prev: [] as Buffer[], hash: [] as Buffer[] };
    const lines = { seq: [] as bigint[], line: [] as number[], account: [] as string[], cents: [] as bigint[] };
    for (let n = 0; n < FILL_BATCH && entries < target; n++) {
      seq += 1n;
      const i = Number(seq);
      const purpose = purposes.PURPOSES[i % purposes.PURPOSES.length]!;
      const cents = BigInt(500 + ((i * 7919) % 20_000));
      const shape = i % 10;
      const [kind, text, ref, posting] =
        shape < 6
          ? ['gift', 'Gift by bank transfer', `camt:seed-${i}`, [['assets:bank', cents], [purposes.giftAccount(purpose), -cents]]]
          : shape < 8
            ? ['gift', 'Gift through Mollie', `mollie:seed-${i}`, [['assets:mollie', cents - 29n], ['expenses:fees:mollie', 29n], [purposes.giftAccount(purpose), -cents]]]
            : shape === 8
              ? ['expense', 'Expense paid', null, [[purposes.spendAccount(purpose), cents], ['assets:bank', -cents]]]
              : ['payout', 'Payout from Mollie', null, [['assets:bank', cents], ['assets:mollie', -cents]]];
      const chained = {
        seq,
        id: randomUUID(),
        kind,
        occurredOn: new Date(start + Math.floor((transactions / (target / 2.2)) * days) * 86_400_000).toISOString().slice(0, 10),
        recordedAt: new Date(recorded + transactions * 100),
        description: text,
        sourceRef: ref,
        reverses: null,
        actorUserId: null,
        entries: (posting as [string, bigint][]).map(([account, amountCents], k) => ({ line: k + 1, account, amountCents })),
        prevHash,
      };
      const own = hash.hashTransaction(chained);
      tx.seq.push(seq); tx.id.push(chained.id); tx.kind.push(kind); tx.day.push(chained.occurredOn); tx.at.push(chained.recordedAt.toISOString());
      tx.text.push(text); tx.ref.push(ref); tx.prev.push(Buffer.from(prevHash)); tx.hash.push(Buffer.from(own));
      for (const entry of chained.entries) {
        lines.seq.push(seq); lines.line.push(entry.line); lines.account.push(entry.account); lines.cents.push(entry.amountCents);
      }
      prevHash = own;
      entries += chained.entries.length;
      transactions++;
    }
    await db.transaction(async (t) => {
      await t.query(
        `insert into ledger_transactions (seq, id, kind, occurred_on, recorded_at, description, source_ref, prev_hash, hash)
         select * from unnest($1::int8[], $2::uuid[], $3::text[], $4::date[], $5::timestamptz[], $6::text[], $7::text[], $8::bytea[], $9::bytea[])`,
        [tx.seq, tx.id, tx.kind, tx.day, tx.at, tx.text, tx.ref, tx.prev, tx.hash],
      );
      await t.query(
        'insert into ledger_entries (transaction_seq, line, account, amount_cents) select * from unnest($1::int8[], $2::int2[], $3::text[], $4::int8[])',
        [lines.seq, lines.line, lines.account, lines.cents],
      );
    });
  }
  await db.transaction(async (t) => {
    await t.query('delete from ledger_balances');
    await t.query('insert into ledger_balances (account, balance_cents, entry_count) select account, sum(amount_cents), count(*) from ledger_entries group by account');
    await t.query('delete from ledger_monthly');
    await t.query(`insert into ledger_monthly (account, month, debit_cents, credit_cents)
      select e.account, date_trunc('month', t.occurred_on)::date,
             coalesce(sum(e.amount_cents) filter (where e.amount_cents > 0), 0), coalesce(-sum(e.amount_cents) filter (where e.amount_cents < 0), 0)
        from ledger_entries e join ledger_transactions t on t.seq = e.transaction_seq group by 1, 2`);
    await t.query('delete from ledger_kind_counts');
    await t.query('insert into ledger_kind_counts (kind, count) select kind, count(*) from ledger_transactions group by kind');
  });
  return { entries, transactions };
}

/** Rounds of 200 concurrent posts, a quarter of them second deliveries; then what the books hold. */
async function recordUnderLoad(db: Db, { ledger, purposes }: Modules): Promise<void> {
  const before = await ledger.accountBalances(db);
  const sent = new Map<string, bigint>();
  const latencies: number[] = [];
  let booked = 0;
  let duplicates = 0;
  let failed = 0;
  let wall = 0;
  console.log(`\nGifts recorded: ${ROUNDS} rounds of ${CONCURRENT} concurrent postTransaction calls (a quarter second deliveries), pool of 10 connections:`);
  console.log(`${'round'.padStart(6)} ${'gifts/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  for (let round = 0; round < ROUNDS; round++) {
    const distinct = Array.from({ length: (CONCURRENT * 3) / 4 }, (_, i) => ({ ref: `mollie:tr_${round}_${i}`, purpose: purposes.PURPOSES[i % 6]!, cents: BigInt(1_000 + i) }));
    const deliveries = distinct.flatMap((gift, i) => (i % 3 === 0 ? [gift, distinct[(i + 7) % distinct.length]!] : [gift]));
    for (const gift of distinct) sent.set(gift.ref, gift.cents);
    const times: number[] = [];
    const started = performance.now();
    const outcomes = await Promise.all(
      deliveries.map(async (gift) => {
        const t0 = performance.now();
        try {
          return await ledger.postTransaction(db, {
            kind: 'gift', occurredOn: '2025-06-01', description: 'Gift through Mollie', sourceRef: gift.ref, actorUserId: null,
            entries: [{ account: 'assets:mollie', amountCents: gift.cents }, { account: purposes.giftAccount(gift.purpose), amountCents: -gift.cents }],
          });
        } catch {
          failed++;
          return null;
        } finally {
          times.push(performance.now() - t0);
        }
      }),
    );
    const elapsed = performance.now() - started;
    wall += elapsed;
    const roundBooked = outcomes.filter((outcome) => outcome && !outcome.duplicate).length;
    booked += roundBooked;
    duplicates += outcomes.filter((outcome) => outcome?.duplicate).length;
    latencies.push(...times);
    times.sort((a, b) => a - b);
    console.log(`${String(round + 1).padStart(6)} ${(roundBooked / (elapsed / 1000)).toFixed(0).padStart(9)} ${ms(quantile(times, 0.5))} ${ms(quantile(times, 0.99))}   ${load()}`);
  }
  latencies.sort((a, b) => a - b);
  const p99 = quantile(latencies, 0.99);
  console.log(`${'all'.padStart(6)} ${(booked / (wall / 1000)).toFixed(0).padStart(9)} ${ms(quantile(latencies, 0.5))} ${ms(p99)}   target p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}`);

  // The final check: each gift sent is in the books once, with its amount; nothing else moved.
  const refs = [...sent.keys()];
  const rows = await db.query<{ source_ref: string; n: bigint; cents: bigint }>(
    `select t.source_ref, count(distinct t.seq) as n, (sum(e.amount_cents) filter (where e.amount_cents > 0))::int8 as cents
       from ledger_transactions t join ledger_entries e on e.transaction_seq = t.seq
      where t.source_ref = any($1::text[]) group by t.source_ref`,
    [refs],
  );
  const found = new Map(rows.map((row) => [row.source_ref, row]));
  const lost = refs.filter((ref) => !found.has(ref)).length;
  const twice = rows.filter((row) => row.n !== 1n || row.cents !== sent.get(row.source_ref)).length;
  const after = await ledger.accountBalances(db);
  const total = [...sent.values()].reduce((sum, cents) => sum + cents, 0n);
  const moved = after.get('assets:mollie')! - before.get('assets:mollie')!;
  const t0 = performance.now();
  const verdict = await ledger.checkLedger(db);
  console.log(`\nfinal check: ${sent.size} gifts sent, ${booked} booked, ${duplicates} second deliveries recognised, ${failed} calls failed`);
  console.log(`  lost: ${lost}, booked twice or with another amount: ${twice}, assets:mollie moved ${moved} of ${total} cents sent (${moved === total ? 'exact' : 'NOT exact'})`);
  console.log(`  checkLedger: ${verdict.transactions} transactions, ${verdict.entries} entries, ${verdict.problems.length} problem(s) (${((performance.now() - t0) / 1000).toFixed(1)} s)   ${load()}`);
}

await main();
