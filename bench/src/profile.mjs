// Where does the time go? Runs one measurement under `node --cpu-prof` and prints self time per function and per
// file (percent of all samples). The bench servers must be up and the streams recorded (run the suite once first).
//   node bench/src/profile.mjs <workload-id> [variant=redwire] [durationMs=3000] [top=25]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const work = process.env.BENCH_WORK ?? join(here, '..', '.work');
const [workload, variant = 'redwire', durationMs = '3000', top = '25'] = process.argv.slice(2);
if (!workload) {
  console.error('usage: node bench/src/profile.mjs <workload-id> [variant] [durationMs] [top]');
  process.exit(2);
}
const dir = join(work, 'prof', `${workload}-${variant}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const out = execFileSync(
  process.execPath,
  ['--cpu-prof', '--cpu-prof-dir', dir, join(here, 'worker.mjs'), workload, variant, durationMs, '500'],
  { env: { ...process.env, BENCH_WORK: work }, encoding: 'utf8' },
);
console.log(`result: ${out.trim()}`);
const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile')));
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node = its sample count (× the average interval); grouped by function and by file.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;
const perFn = new Map();
const perFile = new Map();
for (const [id, count] of hits) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const file = url ? url.replace(/^file:\/\//, '').replace(/.*\/(node_modules|\.redwire|bench)\//, '$1/') : '(native/gc/idle)';
  const fn = `${functionName || '(anonymous)'}  ${url ? `${basename(file)}:${lineNumber + 1}` : ''}`;
  perFn.set(fn, (perFn.get(fn) ?? 0) + count);
  perFile.set(file, (perFile.get(file) ?? 0) + count);
}
const show = (title, m, n) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show(`self time by function (${total} samples; ${file})`, perFn, Number(top));
show('self time by file', perFile, 15);
