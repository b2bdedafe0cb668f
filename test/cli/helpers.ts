import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after } from 'node:test';
import type { Db } from '../../src/db/client.ts';
import { beside } from '../../src/cli/beside.ts';
import { initInstance } from '../../src/cli/init.ts';
import { openTestDb } from '../support/db.ts';

export const ADMIN_PASSWORD = 'admin password for tests';
export const PASSPHRASE = 'backup passphrase for tests';

/** Databases and folders opened by a test file, closed and removed when it ends (even after a failure). */
export function useResources() {
  const dbs = new Set<Db>();
  const folders: string[] = [];
  after(async () => {
    await Promise.all([...dbs].map((db) => db.close()));
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });
  return {
    async db(): Promise<Db> {
      const db = await openTestDb();
      dbs.add(db);
      return db;
    },
    async close(db: Db): Promise<void> {
      dbs.delete(db);
      await db.close();
    },
    async folder(): Promise<string> {
      const folder = await mkdtemp(join(tmpdir(), 'beside-cli-test-'));
      folders.push(folder);
      return folder;
    },
  };
}

export type Run = { code: number | null; stdout: string; stderr: string };

/**
 * `beside ARGS` run in this process, as bin/beside.mjs runs it in its own: with only the given
 * environment, stdin a pipe (no terminal) holding `input`, and stdout and stderr kept apart. (The
 * binary itself is tested in command-line.test.ts.) A command puts its installation's instance
 * secret to use in this process, as it does in its own: a test db opened before the command
 * would not match it afterwards, so open them after.
 */
export async function runBeside(args: string[], env: Record<string, string> = {}, input = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await beside(args, {
    env,
    stdin: Readable.from([input]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

export type Installation = { adminId: string; shares: string[]; threshold: number };

export async function initialised(db: Db, shares = 3, threshold = 2): Promise<Installation> {
  const result = await initInstance(db, {
    login: 'admin',
    displayName: 'Test Administrator',
    password: ADMIN_PASSWORD,
    language: 'en',
    shares,
    threshold,
  });
  return { adminId: result.userId, shares: result.shares, threshold: result.threshold };
}

export async function count(db: Db, table: string): Promise<number> {
  const [row] = await db.query<{ n: bigint }>(`select count(*) as n from ${table}`);
  return Number(row?.n);
}

export async function auditKinds(db: Db): Promise<{ kind: string; actor: string | null; subject: string | null }[]> {
  return db.query('select kind, actor_user_id as actor, subject_id as subject from audit_events order by seq');
}
