// Runs the node:test suites through tsx. Node 20 does not expand globs, so we list the files.
// Usage: node scripts/run-tests.mjs [folder]   (no folder: everything under test/ except test/e2e)
import { spawn } from 'node:child_process';
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

// New staff keys in tests use a cheap argon2id cost; the real cost is measured by bench/login.ts.
const env = { BESIDE_TEST_CHEAP_KDF: '1', ...process.env };

const first = await run(files);
if (first.status === 0) process.exit(0);

// Node 22+ sometimes aborts a whole test process inside V8 while PGlite's WebAssembly is freed
// ("Fatal error … jit_page_->allocations_", nodejs/node#64500): a runtime crash, not a failed
// assertion. Only files that died that way are run once more, and it is said loudly; a file with
// a failing test, or any other failure, fails the run as before.
const crashed = crashedFiles(first.output);
const otherFailures = failedTests(first.output).filter((name) => !crashed.includes(name));
if (crashed.length === 0 || otherFailures.length > 0 || !/# Fatal error in/.test(first.output)) process.exit(first.status ?? 1);
console.log(`\n!!! V8 aborted the test process of ${crashed.join(', ')} (nodejs/node#64500); running ${crashed.length === 1 ? 'it' : 'them'} once more.\n`);
const second = await run(crashed);
process.exit(second.status ?? 1);

/** Runs the files, showing the output as it comes and keeping it for the crash check. */
function run(list) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...list], {
      cwd: root,
      env,
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The summary after "failing tests:" names a whole file when its process died. */
function failingSummary(output) {
  const at = output.lastIndexOf('failing tests:');
  return at < 0 ? [] : output.slice(at).split('\n').filter((line) => line.startsWith('✖ ')).map((line) => line.slice(2).replace(/ \([\d.]+ms\)$/, ''))
    .map((name) => (name.startsWith(root) ? relative(root, name).split(sep).join('/') : name));
}

function crashedFiles(output) {
  return failingSummary(output).filter((name) => /^test\/\S+\.test\.tsx?$/.test(name) && files.includes(name));
}

function failedTests(output) {
  return failingSummary(output);
}

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
