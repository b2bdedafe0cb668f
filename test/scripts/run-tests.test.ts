import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

describe('test/scripts/run-tests.test.ts', () => {
  /**
   * `npm test`'s runner on folders of small test files, each of which notes in a log that it ran
   * and in which process: every file runs exactly once, whichever process takes it; a failing test
   * fails the run; a process that V8 aborts has its files run once more, and only those.
   */
  const runner = fileURLToPath(new URL('../../scripts/run-tests.mjs', import.meta.url));
  const folders: string[] = [];
  after(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

  /** A folder of test files; a body is what that file's test does after noting its run (FOLDER: the folder's path, quoted). */
  async function testFiles(bodies: Record<string, string>): Promise<string> {
    const folder = await mkdtemp(join(tmpdir(), 'beside-runner-'));
    folders.push(folder);
    for (const [name, body] of Object.entries(bodies)) {
      await writeFile(
        join(folder, `${name}.test.ts`),
        `import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
describe('${name}', () => {
  test('${name} runs', async () => {
    appendFileSync(${JSON.stringify(join(folder, 'ran.log'))}, '${name} ' + process.pid + '\\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    ${body.replaceAll('FOLDER', JSON.stringify(folder))}
  });
});
`,
      );
    }
    return folder;
  }

  function runTests(folder: string): Promise<{ status: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [runner, folder], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, output }));
    });
  }

  /** Each file's runs, as the processes that ran it, in order. */
  async function runsOf(folder: string): Promise<Map<string, number[]>> {
    const runs = new Map<string, number[]>();
    for (const line of (await readFile(join(folder, 'ran.log'), 'utf8')).trim().split('\n')) {
      const [name, pid] = line.split(' ');
      runs.set(name!, [...(runs.get(name!) ?? []), Number(pid)]);
    }
    return runs;
  }

  test('every file runs exactly once, and a failing test fails the run', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const folder = await testFiles({ ...Object.fromEntries(names.map((name) => [name, ''])), failing: "throw new Error('a planted failure');" });
    const { status, output } = await runTests(folder);
    assert.equal(status, 1, output);
    assert.match(output, /a planted failure/);
    assert.doesNotMatch(output, /once more/, 'a failed test is not run again');
    const runs = await runsOf(folder);
    assert.deepEqual([...runs.keys()].sort(), [...names, 'failing'].sort(), 'every file ran');
    for (const [name, pids] of runs) assert.equal(pids.length, 1, `${name} ran once`);
  });

  test('the files of a process that V8 aborted run once more, and the run passes', async () => {
    // The file's first run aborts its process as V8 does, the second passes.
    const crash = `const marker = FOLDER + '/crashed';
    if (!existsSync(marker)) {
      writeFileSync(marker, '');
      process.stderr.write('\\n#\\n# Fatal error in planted.cc, line 1\\n#\\n');
      process.kill(process.pid, 'SIGABRT');
      await new Promise(() => undefined);
    }`;
    const folder = await testFiles({ a: '', b: '', c: '', d: '', e: '', f: '', crashing: crash });
    const { status, output } = await runTests(folder);
    assert.equal(status, 0, output);
    assert.match(output, /running (it|them) once more/);
    const runs = await runsOf(folder);
    const crashed = runs.get('crashing')![0]!;
    assert.equal(runs.get('crashing')!.length, 2, 'the crashed file ran again');
    for (const [name, pids] of runs) {
      if (pids[0] === crashed) assert.equal(pids.length, 2, `${name} was taken by the aborted process and ran again`);
      else assert.equal(pids.length, 1, `${name} ran once`);
    }
  });
});
