// One test process of scripts/run-tests.mjs: it takes test files from the run's queue, one at a
// time, until none is left, so the processes finish together however long each file takes (a
// split made before the run, by file size, left one process working seconds after the other).
import { createHook } from 'node:async_hooks';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const nodeTest = loadNodeTest();

/** Where test/support/tests-end.ts leaves work for the end of this process's tests. */
const ENDS = Symbol.for('beside.test-group.ends');

/**
 * Runs the files of `queueFile` (a JSON list of paths, heaviest first) that this process claims.
 * A claim is a file named by the test file's place in the queue, created only if it does not
 * exist, so each test file runs in exactly one process; it holds the claiming group's name, which
 * tells the runner which files a process that died had taken.
 *
 * node:test ends its root, with the root's after() hooks, whenever the tests it knows of have run,
 * which here is after every file; so work for the end of the process (closing the test databases
 * it kept) is run here, after the last file (test/support/tests-end.ts).
 */
export async function runClaimedFiles(queueFile, claimsFolder, group) {
  const queue = JSON.parse(readFileSync(queueFile, 'utf8'));
  mkdirSync(claimsFolder, { recursive: true });
  const ends = (globalThis[ENDS] = []);
  const suites = watchSuites();
  try {
    for (const [index, file] of queue.entries()) {
      if (!claim(join(claimsFolder, String(index)), group)) continue;
      try {
        await import(pathToFileURL(file).href);
      } catch (error) {
        // A file that cannot even be loaded fails as a test of its own; the process goes on.
        suites.push(
          nodeTest.test(file, () => {
            throw error;
          }),
        );
      }
      // Its describe() blocks end before the next file is taken.
      await Promise.allSettled(suites.splice(0));
    }
  } finally {
    // Even when claiming failed: a kept database left open would keep the process alive.
    for (const work of ends.splice(0)) await work();
  }
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

/**
 * node:test, loaded so that on Node 20 its async hook leaves promises alone. That hook maps every
 * async resource to the test that started it, so that test() can find its parent and an uncaught
 * error can be blamed on its test; for promises it costs a callback at each promise's creation and
 * a tracked destruction (8% of this suite's time: 63 s against 58 s on the two-core CI machine).
 * Tests, suites and hooks are still mapped (they are the resources that matter for describe() and
 * it() called in a block), so only an error thrown where nothing awaits it, inside a test's
 * promise, is reported for the run instead of for its test; the run fails all the same. The hook
 * is created by the runner from the createHook it took when it was loaded, so the filter is lent
 * for that moment only, and only to the hook shape of Node 20 that this was measured on.
 */
function loadNodeTest() {
  const asyncHooks = require('node:async_hooks');
  if (!process.versions.node.startsWith('20.') || asyncHooks.createHook !== createHook) return require('node:test');
  asyncHooks.createHook = (callbacks) => {
    if (Object.keys(callbacks).sort().join() !== 'destroy,init') return createHook(callbacks);
    const { init } = callbacks;
    return createHook({
      init(asyncId, type, triggerAsyncId, resource) {
        if (type !== 'PROMISE') init(asyncId, type, triggerAsyncId, resource);
      },
    });
  };
  try {
    return require('node:test');
  } finally {
    asyncHooks.createHook = createHook;
  }
}
