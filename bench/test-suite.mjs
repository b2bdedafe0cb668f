/**
 * How long `npm test` takes on this machine. Prints figures; asserts nothing.
 *
 *   npm run bench:tests     (= node bench/test-suite.mjs; BENCH_RUNS, default 3)
 *
 * Runs the whole suite on the embedded database BENCH_RUNS times, one after another, and prints
 * for each run its wall time, the CPU time of every process it started, and whether it passed.
 * Virtual machines change speed by a quarter and more from one minute to the next (neighbours on
 * the same host), so each run is bracketed by a fixed piece of work whose CPU time is printed too:
 * compare runs made at the same calibration, or the ratio of the two.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
delete env.TEST_DATABASE_URL;

/** CPU milliseconds of fixed work (the same every time): arithmetic, then allocation and JSON. */
function calibration() {
  const start = process.cpuUsage();
  let sum = 0;
  for (let i = 0; i < 2e8; i += 1) sum += i % 7;
  let kept = [];
  for (let i = 0; i < 3e5; i += 1) {
    kept.push(JSON.parse(JSON.stringify({ i, name: `x${i}`, list: [i, i + 1, i + 2] })));
    if (kept.length > 1000) kept = [];
  }
  const used = process.cpuUsage(start);
  if (sum < 0 || kept.length < 0) throw new Error('unreachable');
  return (used.user + used.system) / 1000;
}

/** CPU seconds of this process's finished children and their descendants (Linux: /proc/self/stat). */
function childrenCpu() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // After ") ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14; clock ticks of 1/100 s.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

console.log(`npm test on the embedded database, ${RUNS} runs; calibration = CPU ms of fixed work before and after each run`);
for (let run = 1; run <= RUNS; run += 1) {
  const before = calibration();
  const cpuBefore = childrenCpu();
  const started = performance.now();
  const result = spawnSync(process.execPath, ['scripts/run-tests.mjs'], { cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = (performance.now() - started) / 1000;
  const cpu = childrenCpu() - cpuBefore;
  const after = calibration();
  const counts = ['tests', 'pass', 'fail'].map((name) => `${name} ${result.stdout.match(new RegExp(`^ℹ ${name} (\\d+)$`, 'm'))?.[1] ?? '?'}`);
  console.log(
    `run ${run}: wall ${wall.toFixed(1)} s, CPU ${cpu.toFixed(1)} s, exit ${result.status}, ${counts.join(', ')}; calibration ${before.toFixed(0)} / ${after.toFixed(0)} ms`,
  );
}
