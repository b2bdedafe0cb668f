import type { PGlite } from '@electric-sql/pglite';

/**
 * Embedded test databases that were closed, emptied and kept for the next test db of this
 * process. Emptying truncates the tables that hold rows (but those in KEPT), restarts the
 * sequences that were used, and resets the session (DISCARD ALL: settings, temporary tables,
 * prepared statements, advisory locks), which is all a fresh copy of the template holds. A
 * database whose schema a test changed (a probe table, a dropped trigger) is not emptied but
 * closed: the schema is compared with the template's.
 *
 * Booting a database costs a second of a core, emptying one a few hundredths, so the kept ones
 * stay until the process ends its tests (closeIdle, called by test/support/db.ts).
 */
const KEEP_IDLE = 2;

// Everything a test could change in the schema: relations and their columns, triggers (and
// whether they are enabled), functions and constraints outside the system schemas, and the
// tables that are not emptied (KEPT).
const SCHEMA_FINGERPRINT = `
  select md5(coalesce(string_agg(item, ',' order by item), '')) as fingerprint from (
    select n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || coalesce(a.attname, '') || ':' || coalesce(a.atttypid::text, '') || ':' || coalesce(a.attnotnull::text, '')
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'
    union all
    select t.tgrelid::regclass::text || ':' || t.tgname || ':' || t.tgenabled::text from pg_trigger t
    union all
    select n.nspname || '.' || p.proname || ':' || md5(p.prosrc) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname not in ('pg_catalog', 'information_schema')
    union all
    select n.nspname || '.' || c.conname || ':' || c.contype::text || ':' || c.convalidated::text from pg_constraint c join pg_namespace n on n.oid = c.connamespace
     where n.nspname not in ('pg_catalog', 'information_schema')
    union all
    select 'schema:' || nspname from pg_namespace
    union all
    select 'role:' || rolname from pg_roles
    union all
    select 'migration:' || name from public.schema_migrations
    union all
    select 'seeded:' || name || ':' || kind || ':' || coalesce(purpose, '') from public.ledger_accounts
  ) items(item)`;

/**
 * Tables emptying leaves as they are: the migrations' record, and the rows migrations seed (the
 * ledger's chart of accounts), which the fingerprint covers, so a test that changed them gets a
 * database of its own.
 */
const KEPT = ['schema_migrations', 'ledger_accounts'];

export class PglitePool {
  private readonly idle: PGlite[] = [];
  private fingerprint: string | undefined;
  // Set once the process has run its tests: a database released later is closed, not kept.
  private ended = false;
  // Which tables and sequences emptying looks at: the template's, read once.
  private contents: { probe: string; sequences: string } | undefined;

  constructor(private readonly boot: () => Promise<PGlite>) {}

  /** A database as the template left it; release(true) offers it back, release(false) closes it. */
  async take(): Promise<{ client: PGlite; release: (reusable: boolean) => Promise<void> }> {
    const client = this.idle.pop() ?? (await this.boot());
    this.fingerprint ??= await fingerprintOf(client);
    let released = false;
    return {
      client,
      release: async (reusable) => {
        if (released) return;
        released = true;
        if (reusable && !this.ended && this.idle.length < KEEP_IDLE && (await this.empty(client))) {
          this.idle.push(client);
        } else {
          await client.close();
        }
      },
    };
  }

  /** Empties the database for the next test; false when it cannot be brought back to the template. */
  private async empty(client: PGlite): Promise<boolean> {
    try {
      // A transaction left open by a failed test would hold the truncation back.
      await client.exec('rollback').catch(() => undefined);
      if ((await fingerprintOf(client)) !== this.fingerprint) return false;
      this.contents ??= await contentsOf(client);
      // Truncating every table costs more than asking each whether it holds a row.
      const filled = (await client.query<{ name: string }>(this.contents.probe)).rows.map((row) => row.name);
      if (filled.length > 0) await client.exec(`truncate ${filled.join(', ')} restart identity cascade`);
      // A sequence can have moved on without a row left behind (inserted, then deleted).
      for (const { name } of (await client.query<{ name: string }>(this.contents.sequences)).rows) await client.exec(`alter sequence ${name} restart`);
      await client.exec('discard all');
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the databases kept for later, and keeps none from now on: an open PGlite's timers keep the process alive. */
  async closeIdle(): Promise<void> {
    this.ended = true;
    await Promise.all(this.idle.splice(0).map((client) => client.close().catch(() => undefined)));
  }
}

/** The statements that find the tables holding rows and the sequences that were used. */
async function contentsOf(client: PGlite): Promise<{ probe: string; sequences: string }> {
  const tables = await client.query<{ name: string }>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' and tablename not in (${KEPT.map((name) => `'${name}'`).join(', ')})`,
  );
  const probe = tables.rows.length === 0
    ? 'select null::text as name where false'
    : tables.rows.map(({ name }) => `select ${quoteLiteral(name)} as name where exists (select from ${name})`).join(' union all ');
  // Owned by a kept table: left as it is, as the table is.
  const sequences = `select format('%I.%I', schemaname, sequencename) as name from pg_sequences s
    where schemaname = 'public' and last_value is not null and not exists (
      select from pg_depend d join pg_class t on t.oid = d.refobjid
       where d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass and d.deptype in ('a', 'i') and t.relname in (${KEPT.map((name) => `'${name}'`).join(', ')}))`;
  return { probe, sequences };
}

const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function fingerprintOf(client: PGlite): Promise<string> {
  const result = await client.query<{ fingerprint: string }>(SCHEMA_FINGERPRINT);
  return result.rows[0]!.fingerprint;
}
