import { after } from 'node:test';

/**
 * Runs `work` once this process has run all its tests. A process of scripts/test-group.mjs takes
 * its test files one at a time, and node:test runs its root's after() hooks whenever the tests it
 * knows of have run, there after every file: so the group runs the work after its last file. A
 * file run on its own gets a root after() hook.
 */
export function atTestsEnd(work: () => Promise<void>): void {
  const ends = (globalThis as Record<symbol, unknown>)[Symbol.for('beside.test-group.ends')] as (() => Promise<void>)[] | undefined;
  if (ends) ends.push(work);
  else after(work);
}
