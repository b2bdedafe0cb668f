// One test process of scripts/run-tests.mjs: it takes test files from the run's queue, one at a
// time, until none is left, so the processes finish together however long each file takes (a
// split made before the run, by file size, left one process working seconds after the other).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const nodeTest = require('node:test');

/**
 * Runs the files of `queueFile` (a JSON list of paths, heaviest first) that this process claims.
 * A claim is a file named by the test file's place in the queue, created only if it does not
 * exist, so each test file runs in exactly one process; it holds the claiming group's name, which
 * tells the runner which files a process that died had taken.
 *
 * The files run inside one test named after the group: node:test ends its root once the tests it
 * knows of have run, with its after() hooks (test/support/db.ts closes the kept databases in one),
 * and files that arrive one at a time would otherwise come after that end.
 */
export function runClaimedFiles(queueFile, claimsFolder, group) {
  const queue = JSON.parse(readFileSync(queueFile, 'utf8'));
  mkdirSync(claimsFolder, { recursive: true });
  const suites = watchSuites();
  return nodeTest.test(group, async () => {
    for (const [index, file] of queue.entries()) {
      if (!claim(join(claimsFolder, String(index)), group)) continue;
      try {
        await import(pathToFileURL(file).href);
      } catch (error) {
        // A file that cannot even be loaded fails as a test of its own; the process goes on.
        nodeTest.test(file, () => {
          throw error;
        });
      }
      // Its describe() blocks end before the next file is taken.
      await Promise.allSettled(suites.splice(0));
    }
  });
}

function claim(path, group) {
  try {
    writeFileSync(path, group, { flag: 'wx' });
    return true;
  } catch (error) {
    if (error.code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The promises of the describe() blocks started since the last look: each settles when its block
 * has run. node:test's own describe is wrapped to keep them, and syncBuiltinESMExports gives
 * `import { describe } from 'node:test'` in the test files the wrapper.
 */
function watchSuites() {
  const started = [];
  const kept = (start) => (...args) => {
    const running = start(...args);
    started.push(running);
    return running;
  };
  for (const name of ['describe', 'suite']) {
    const original = nodeTest[name];
    nodeTest[name] = Object.assign(kept(original), { skip: kept(original.skip), todo: kept(original.todo), only: kept(original.only) });
  }
  syncBuiltinESMExports();
  return started;
}
