// Runs the node:test suites through tsx. Node 20 does not expand globs, so we list the files.
// Usage: node scripts/run-tests.mjs [folder or file]   (none: everything under test/ except test/e2e)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = process.argv[2];
const base = resolve(root, folder ?? 'test');
const e2e = join(root, 'test', 'e2e');

const files = existsSync(base) && statSync(base).isFile()
  ? [relative(root, base).split(sep).join('/')]
  : existsSync(base)
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
// A run of its own, even when started from inside a test (node --test would skip every file).
delete env.NODE_TEST_CONTEXT;

// One migrated database template for the whole run instead of one per test file (initdb alone
// takes seconds): a PGlite data-dir dump in a private temporary folder, or a template database on
// the server. test/support/db.ts finds it through the variable (names as in
// test/support/db-template.ts); it is removed when the run ends.
const server = process.env.TEST_DATABASE_URL;
const scratch = scratchRoot();
const runFolder = mkdtempSync(join(scratch, 'beside-test-run-'));
// The test processes make their scratch folders there too (data folders, backups, the on-disk
// databases of the command-line tests, browser profiles).
env.TMPDIR = scratch;
const template = server
  ? { variable: 'BESIDE_TEST_TEMPLATE_DB', where: `beside_tpl_${process.pid}_${randomBytes(4).toString('hex')}` }
  : { variable: 'BESIDE_TEST_TEMPLATE_FILE', where: join(runFolder, 'migrated.tar') };

// Each test process costs seconds before its first test (tsx, the app's modules, a database) and
// more while V8 warms up to the code its tests run (on this two-core machine, two more processes
// added 40 s of CPU to a run of 210 s), so the files run in one process per core: each takes the
// next test file from the run's queue when it has run the last (scripts/test-group.mjs), and each
// test file holds its tests and hooks inside describe() blocks, which keep them to that file; the
// blocks run one after another. A file with a test or hook outside any describe() (it would apply
// to every file of its process) runs in a process of its own, as do the browser tests, which
// start servers of their own. Tests do not depend on each other: a closed test db is emptied
// before the next test gets it (test/support/pglite-pool.ts), and a file run alone passes too.
const CONCURRENCY = Math.max(1, Math.min(availableParallelism(), 4));
const GROUPS = CONCURRENCY;

// Ctrl-C reaches the test processes through the terminal; the run then ends and cleans up below.
// A signal sent to this process alone is passed on to the processes running now.
const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => running.forEach((child) => child.kill(signal)));
/** A child process of the run, known to the signal handler above until it ends. */
function started(child) {
  running.add(child);
  child.on('close', () => running.delete(child));
  return child;
}

let status = 1;
try {
  status = await runAll();
} catch (error) {
  console.error(`The tests could not run: ${error.message}`);
} finally {
  rmSync(runFolder, { recursive: true, force: true });
  if (server) await runTemplateScript('drop').catch((error) => console.error(`Could not drop the template database ${template.where}: ${error.message}`));
}
process.exit(status);

async function runAll() {
  // The browser tests start Beside on data folders of their own and need no template.
  let building = Promise.resolve(null);
  if (files.some((file) => !file.startsWith('test/e2e/'))) {
    env[template.variable] = template.where;
    if (server) {
      await runTemplateScript('create');
    } else {
      // Built while the test processes start and load their modules; a test database waits for it
      // while FILE.building is there (test/support/db-template.ts templateDump).
      writeFileSync(`${template.where}.building`, '');
      building = runTemplateScript('create')
        .then(() => null, (error) => error)
        .finally(() => rmSync(`${template.where}.building`, { force: true }));
    }
  }

  const first = await run(files, 1);
  const failedBuild = await building;
  if (failedBuild) {
    console.error(`The tests could not use the run's database template: ${failedBuild.message}`);
    return 1;
  }
  if (first.status === 0) return 0;

  // Node 22+ sometimes aborts a whole test process inside V8 while PGlite's WebAssembly is freed
  // ("Fatal error … jit_page_->allocations_", nodejs/node#64500): a runtime crash, not a failed
  // assertion. Only files that died that way are run once more, and it is said loudly; a file with
  // a failing test, or any other failure, fails the run as before.
  const crashed = crashedFiles(first);
  const otherFailures = failingSummary(first.output).filter((name) => !crashed.includes(name) && first.membersOf(name) === undefined);
  if (crashed.length === 0 || otherFailures.length > 0 || !/# Fatal error in/.test(first.output)) return first.status ?? 1;
  console.log(`\n!!! V8 aborted the test process of ${crashed.join(', ')} (nodejs/node#64500); running ${crashed.length === 1 ? 'it' : 'them'} once more.\n`);
  const second = await run(crashed, 2);
  return second.status ?? 1;
}

/** Builds (or drops) the template through tsx, with the database settings of the run. */
function runTemplateScript(action) {
  return new Promise((resolve, reject) => {
    const child = started(spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'db-template.ts'), action, template.where], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    }));
    child.on('error', reject);
    child.on('close', (status, signal) =>
      status === 0 ? resolve() : reject(new Error(`the database template could not be ${action === 'create' ? 'built' : 'dropped'} (${signal ?? `exit ${status}`})`)),
    );
  });
}

/**
 * The files that keep to themselves in at most GROUPS processes that share them out as they go
 * (scripts/test-group.mjs), the heaviest first (the size of a test file is a rough measure of its
 * work); the others one file per process. Answers the paths to give node --test and, for the
 * crash check, a function that names the files a group's process had taken or never got to.
 */
function grouped(list, attempt) {
  const together = list.filter(keepsToItself);
  const alone = list.filter((file) => !together.includes(file));
  if (together.length <= 1) return { paths: list, membersOf: () => undefined, unclaimed: () => [] };
  const queue = together.map((file) => ({ file, weight: statSync(join(root, file)).size })).sort((a, b) => b.weight - a.weight).map(({ file }) => file);
  const queueFile = join(runFolder, `queue-${attempt}.json`);
  const claims = join(runFolder, `claims-${attempt}`);
  writeFileSync(queueFile, JSON.stringify(queue.map((file) => join(root, file))));
  const helper = pathToFileURL(join(root, 'scripts', 'test-group.mjs')).href;
  const count = Math.min(GROUPS, together.length);
  // The name of each process's test, which its claims hold too.
  const groups = new Map(Array.from({ length: count }, (_, index) => [join(runFolder, `group-${attempt}-${index + 1}.test.mjs`), `test files run by process ${index + 1} of ${count}`]));
  for (const [path, name] of groups) {
    writeFileSync(path, `import { runClaimedFiles } from ${JSON.stringify(helper)};\nawait runClaimedFiles(${JSON.stringify(queueFile)}, ${JSON.stringify(claims)}, ${JSON.stringify(name)});\n`);
  }
  const claimedBy = () =>
    queue.map((_, index) => {
      try {
        return readFileSync(join(claims, String(index)), 'utf8');
      } catch {
        return '';
      }
    });
  /** A group's files: those it claimed, and those nobody claimed (every process died before them). */
  const membersOf = (path) => {
    if (!groups.has(path)) return undefined;
    const by = claimedBy();
    return queue.filter((_, index) => by[index] === '' || by[index] === groups.get(path));
  };
  const unclaimed = () => {
    const by = claimedBy();
    return queue.filter((_, index) => by[index] === '');
  };
  return { paths: [...groups.keys(), ...alone], membersOf, unclaimed };
}

/** A test file whose tests and hooks all sit inside describe() blocks; browser tests never share a process. */
function keepsToItself(file) {
  return !file.startsWith('test/e2e/') && !/^(test|it|suite|before|after|beforeEach|afterEach)\(/m.test(readFileSync(join(root, file), 'utf8'));
}

/** Runs the files (the run's first attempt, or its second), showing the output as it comes and keeping it for the crash check. */
function run(list, attempt) {
  const { paths, membersOf, unclaimed } = grouped(list, attempt);
  return new Promise((resolve, reject) => {
    const child = started(spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${CONCURRENCY}`, '--test-reporter=spec', ...paths], {
      cwd: root,
      env,
      stdio: ['inherit', 'pipe', 'pipe'],
    }));
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
    child.on('close', (status) => {
      // A run whose processes all passed has run every file of the queue; one that did not is a fault of the runner.
      const missed = status === 0 ? unclaimed() : [];
      if (missed.length > 0) console.error(`\n!!! No test process took ${missed.join(', ')}: the run fails.`);
      resolve({ status: missed.length > 0 ? 1 : status, output, membersOf });
    });
  });
}

/** The summary after "failing tests:" names a whole file when its process died. */
function failingSummary(output) {
  const at = output.lastIndexOf('failing tests:');
  return at < 0 ? [] : output.slice(at).split('\n').filter((line) => line.startsWith('✖ ')).map((line) => line.slice(2).replace(/ \([\d.]+ms\)$/, ''))
    .map((name) => (name.startsWith(root) ? relative(root, name).split(sep).join('/') : name));
}

/** A process that died is named by its path: a test file, or a group file standing for the files it holds. */
function crashedFiles({ output, membersOf }) {
  return [...new Set(failingSummary(output).flatMap((name) => membersOf(name) ?? (/^test\/\S+\.test\.tsx?$/.test(name) && files.includes(name) ? [name] : [])))];
}

/**
 * Where the run's folder goes: a memory file system when the machine has one (/dev/shm on Linux)
 * and TMPDIR does not say otherwise. The tests create thousands of files (an embedded database's
 * data folder alone holds about 1,400), and on a virtual machine's disk creating a file can cost
 * most of a millisecond: 1,000 small files took 740 ms in /tmp on the CI machine and 9 ms in
 * /dev/shm, and the suite took 78 s instead of 70 s.
 */
function scratchRoot() {
  if (process.env.TMPDIR || process.platform !== 'linux') return tmpdir();
  const TMPFS_MAGIC = 0x01021994;
  try {
    if (statfsSync('/dev/shm').type !== TMPFS_MAGIC) return tmpdir();
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
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
