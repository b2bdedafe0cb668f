import pg from 'pg';

/**
 * What every PostgreSQL bench shares: the server in BENCH_DATABASE_URL (default: the local one),
 * an address for one of its databases, a statement run as the maintenance connection (to create
 * and drop the bench's own database), and the quantile of sorted timings.
 */
const SERVER = (process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');

export function serverUrl(database: string): string {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
