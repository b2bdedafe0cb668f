// Runs the node:test suites through tsx. Node 20 does not expand globs, so we list the files.
// Usage: node scripts/run-tests.mjs [folder]   (no folder: everything under test/ except test/e2e)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = process.argv[2];
const base = join(root, folder ?? 'test');
const e2e = join(root, 'test', 'e2e');

const files = existsSync(base)
  ? readdirSync(base, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.test\.tsx?$/.test(entry.name))
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
      .filter((file) => folder !== undefined || !(file + sep).startsWith(e2e + sep))
      .map((file) => relative(root, file).split(sep).join('/'))
      .sort()
  : [];

if (files.length === 0) {
  console.error(`No *.test.ts or *.test.tsx files under ${relative(root, base) || '.'}.`);
  process.exit(1);
}

console.log(`Database for tests: ${describeDatabase(process.env.TEST_DATABASE_URL)}`);

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  // New staff keys in tests use a cheap argon2id cost; the real cost is measured by bench/login.ts.
  { cwd: root, stdio: 'inherit', env: { BESIDE_TEST_CHEAP_KDF: '1', ...process.env } },
);
if (result.error) throw result.error;
process.exit(result.status ?? 1);

function describeDatabase(url) {
  if (!url) return 'embedded PGlite (in memory; set TEST_DATABASE_URL to use a PostgreSQL server)';
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return `PostgreSQL server at ${parsed.href}`;
  } catch {
    // Unparsable URLs might still hold a password, so never echo them.
    return 'PostgreSQL server in TEST_DATABASE_URL (unparsable URL, not shown)';
  }
}
