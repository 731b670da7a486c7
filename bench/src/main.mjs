// The benchmark orchestrator: seeds the bench server, records reply streams, runs every workload for every client
// interleaved (round r: w1 redwire, w1 ioredis, w1 node-redis, w1 glide, w2 ..., each in a child process), takes the
// median over rounds and prints the tables. Options:
//   --quick              3 short rounds (< 2 min in all)         --rounds N   --duration MS (per measurement)
//   --only 1,3,8         workloads whose id starts with these     --variants redwire,ioredis
//   --results FILE       also write the report (markdown) there    --slices N   (per client and round; see runRound)
//   --smoke              1 round of 50 ms: checks every client answers correctly; exits 1 if a redwire row failed
// CPU profiles of one measurement: bench/src/profile.mjs.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PORTS, seedStandalone } from './dataset.mjs';
import { median, ops, ratio, table } from './format.mjs';
import { rawReplies } from './raw-redis.mjs';
import { serverLimit } from './server-limit.mjs';
import { PEERS, VARIANTS } from './variants.mjs';
import { STREAMS, WORKLOADS } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = join(here, '..');
const work = process.env.BENCH_WORK ?? join(benchDir, '.work');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const smoke = flag('--smoke');
const quick = flag('--quick') || smoke;
const rounds = Number(value('--rounds') ?? (smoke ? 1 : quick ? 3 : 9));
const durationMs = Number(value('--duration') ?? (smoke ? 50 : quick ? 200 : 700));
// Each client's measured time of a round is cut into this many slices, interleaved with the other clients' slices.
const slices = Math.max(1, Number(value('--slices') ?? (smoke ? 1 : quick ? 2 : 4)));
const warmupMs = Math.max(50, Math.round(durationMs / 4));
// The first measurement of a workload in a worker warms up longer: V8 needs a second or more to optimise a client's
// hot functions (measured here: short runs in a fresh process were up to 2x slower), and an application server
// runs warm. Every client gets the same treatment.
const firstWarmupMs = Number(value('--first-warmup') ?? (smoke ? 0 : quick ? 500 : 2000));
const only = value('--only')?.split(',');
const onlyVariants = value('--variants')?.split(',');
const resultsFile = value('--results');

/** The issue's bar: redwire ÷ (ioredis, node-redis) at least `min`; workload 3 also at least `abs` ops/s. */
const BAR = { 1: { min: 1 }, 2: { min: 1.5 }, 3: { min: 1.5, abs: 1e6 }, '4a': { min: 1 }, '4b': { min: 1 }, '5a': { min: 1.5 }, '5b': { min: 1.5 }, 6: { min: 1 }, 7: { min: 1.5 } };

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/** One long-lived worker process per variant; requests are answered in order. */
class Worker {
  constructor(variant) {
    this.child = spawn(process.execPath, ['--expose-gc', join(here, 'worker.mjs')], {
      env: { ...process.env, BENCH_WORK: work },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.stderr = '';
    this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-2000)));
    this.waiting = null;
    this.ready = new Promise((resolve) => (this.waiting = resolve));
    this.child.on('message', (m) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(m);
    });
    this.child.on('exit', (code) => {
      this.dead = `worker for ${variant} exited (${code}): ${this.stderr.trim().split('\n').at(-1) ?? ''}`;
      this.waiting?.({ error: this.dead });
      this.waiting = null;
    });
  }
  async run(request) {
    await this.ready;
    if (this.dead) return { error: this.dead };
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.child.send(request);
    });
  }
  stop() {
    if (!this.dead) this.child.send('exit');
  }
}

// Decoders get processes of their own: in a process that also ran a client, the decoder's call sites have seen more
// shapes (polymorphic, slower) than redis-parser's in a process that only decodes, which would skew workload 8.
const workers = new Map();
function runWorker(workload, variant, request) {
  const key = workload.kind === 'decoder' ? `${variant} (decoder)` : variant;
  if (!workers.has(key)) workers.set(key, new Worker(key));
  return workers.get(key).run(request);
}

/**
 * One round of one workload: every client is opened and warmed up, then measured in `slices` slices interleaved
 * A B C D, D C B A, A B C D … (each client's slices add up to `durationMs`), then closed. Clients compared in a
 * round are thus measured within a fraction of a second of each other, and a drift during the round weighs on
 * all of them alike. Returns one result per variant.
 */
async function runRound(w, order) {
  const results = new Map();
  const open = [];
  for (const v of order) {
    const res = await runWorker(w, v, { op: 'open', workload: w.id, variant: v, warmupMs, firstWarmupMs });
    if (res.error) results.set(v, res);
    else {
      open.push(v);
      results.set(v, { ops: 0, seconds: 0, opsPerSec: 0, maxRssMB: 0, peakHeapMB: 0 });
    }
  }
  const sliceMs = durationMs / slices;
  for (let s = 0; s < slices; s++) {
    for (const v of s % 2 === 0 ? open : [...open].reverse()) {
      const acc = results.get(v);
      if (acc.error) continue;
      const res = await runWorker(w, v, { op: 'slice', durationMs: sliceMs });
      if (res.error) {
        results.set(v, res);
        continue;
      }
      acc.ops += res.ops;
      acc.seconds += res.seconds;
      acc.opsPerSec = acc.ops / acc.seconds;
      acc.maxRssMB = Math.max(acc.maxRssMB, res.maxRssMB);
      acc.peakHeapMB = Math.max(acc.peakHeapMB, res.peakHeapMB);
    }
  }
  for (const v of open) await runWorker(w, v, { op: 'close' });
  return results;
}

async function recordStreams() {
  mkdirSync(work, { recursive: true });
  for (const [name, s] of Object.entries(STREAMS)) {
    writeFileSync(join(work, `${name}.bin`), await rawReplies(PORTS.standalone, s.commands, { hello3: s.hello3 }));
  }
}

function versions() {
  const v = (pkg) => {
    try {
      return JSON.parse(readFileSync(join(benchDir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    } catch {
      return 'not installed';
    }
  };
  let redwire = '?';
  try {
    redwire = JSON.parse(readFileSync(join(benchDir, '..', 'package.json'), 'utf8')).version;
  } catch {}
  return { redwire, ioredis: v('ioredis'), '@redis/client': v('@redis/client'), '@valkey/valkey-glide': v('@valkey/valkey-glide'), 'redis-parser': v('redis-parser') };
}

/** A peer that cannot load here (e.g. GLIDE's native binary on an unsupported platform) is left out, with the reason. */
async function leftOut() {
  const out = {};
  for (const [name, pkg] of [['glide', '@valkey/valkey-glide'], ['ioredis', 'ioredis'], ['node-redis', '@redis/client']]) {
    try {
      await import(pkg);
    } catch (e) {
      out[name] = String(e?.message ?? e).split('\n')[0].slice(0, 160);
    }
  }
  return out;
}

async function main() {
  const started = Date.now();
  const missing = await leftOut();
  for (const [peer, why] of Object.entries(missing)) log(`${peer} left out: ${why}`);
  const loadBefore = loadavg()[0];
  const workloads = WORKLOADS.filter((w) => !only || only.some((o) => w.id.startsWith(o)));
  const variantsOf = (w) => w.variants.filter((v) => (!onlyVariants || onlyVariants.includes(v)) && !missing[VARIANTS[v].peer]);
  log(`${quick ? 'quick' : 'full'} run: ${rounds} rounds × ${durationMs} ms (+${warmupMs} ms warm-up, ${firstWarmupMs} ms the first time) per client and workload`);
  await seedStandalone();
  await recordStreams();
  log('server limit (redis-benchmark)…');
  const limit = await serverLimit(PORTS.standalone, quick);

  const samples = new Map(); // `${w}|${v}` -> results[]
  for (let r = 1; r <= rounds; r++) {
    for (const w of workloads) {
      // The order of clients rotates every round: whoever runs first after another workload meets that workload's
      // leftovers (its process's background GC, the server catching up), so no client may always be first.
      const vs = variantsOf(w);
      const order = vs.map((_, i) => vs[(i + r - 1) % vs.length]);
      const results = await runRound(w, order);
      for (const v of order) {
        const res = results.get(v);
        const key = `${w.id}|${v}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key).push(res);
        if (res.error) log(`round ${r} w${w.id} ${v}: ERROR ${res.error}`);
      }
    }
    log(`round ${r}/${rounds} done (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  for (const w of workers.values()) w.stop();

  const stat = (w, v) => {
    const rs = samples.get(`${w.id}|${v}`) ?? [];
    const good = rs.filter((x) => !x.error);
    if (good.length === 0) return { error: rs[0]?.error ?? 'not run' };
    return {
      opsPerSec: median(good.map((x) => x.opsPerSec)),
      best: Math.max(...good.map((x) => x.opsPerSec)),
      rss: Math.max(...good.map((x) => x.maxRssMB)),
      heap: Math.max(...good.map((x) => x.peakHeapMB)),
      failed: rs.length - good.length,
    };
  };
  const columns = ['redwire', 'redwire+otel', 'ioredis', 'ioredis+autopipe', 'node-redis', 'glide', 'redis-parser', 'js-floor'].filter(
    (c) => workloads.some((w) => w.variants.includes(c)) && (!onlyVariants || onlyVariants.includes(c)),
  );
  const cell = (w, v) => {
    if (missing[VARIANTS[v].peer] && w.variants.includes(v)) return 'left out (see above)';
    if (!variantsOf(w).includes(v)) return w.unavailable?.[v] ? `n/a (${w.unavailable[v]})` : '';
    const s = stat(w, v);
    return s.error ? `ERROR: ${s.error}` : ops(s.opsPerSec) + (s.failed ? ` (${s.failed} failed)` : '');
  };
  const bestOf = (w, peer) => {
    const vs = variantsOf(w).filter((v) => VARIANTS[v].peer === peer);
    const xs = vs.map((v) => stat(w, v).opsPerSec).filter(Number.isFinite);
    return xs.length ? Math.max(...xs) : NaN;
  };
  // Paired ratios: redwire ÷ peer within each round (the peer's best variant that round), median over rounds. The
  // clients of one round run seconds apart, so the machine's slow drift cancels out of each pair; a ratio of two
  // medians taken from different rounds does not have that property.
  const paired = (w, peer) => {
    const mine = samples.get(`${w.id}|redwire`) ?? [];
    const theirs = variantsOf(w).filter((v) => VARIANTS[v].peer === peer || (peer === 'ioredis' && w.id.startsWith('8') && v === 'redis-parser'));
    const ratios = [];
    for (let r = 0; r < mine.length; r++) {
      const peerBest = Math.max(...theirs.map((v) => samples.get(`${w.id}|${v}`)?.[r]).filter((x) => x && !x.error).map((x) => x.opsPerSec));
      if (!mine[r]?.error && Number.isFinite(peerBest) && peerBest > 0) ratios.push(mine[r].opsPerSec / peerBest);
    }
    if (ratios.length === 0) return undefined;
    return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  const verdict = (w) => {
    const bar = BAR[w.id];
    if (!bar) return '';
    const rw = stat(w, 'redwire').opsPerSec;
    const short = [];
    for (const peer of ['ioredis', 'node-redis']) {
      const pr = paired(w, peer);
      if (!Number.isFinite(rw)) return 'redwire did not run';
      if (pr !== undefined && !(pr.median >= bar.min)) short.push(`${pr.median.toFixed(2)}× ${peer} (paired)`);
    }
    if (bar.abs && !(rw >= bar.abs)) {
      // The floor (clients/js-floor.mjs) shows whether any JavaScript client could have reached the number here.
      const floor = stat(w, 'js-floor').opsPerSec;
      short.push(`${ops(rw)} < ${ops(bar.abs)}` + (Number.isFinite(floor) ? `; the JS floor: ${ops(floor)}` : ''));
    }
    const want = `≥${bar.min}×` + (bar.abs ? `, ≥${ops(bar.abs)}/s` : '');
    return short.length ? `${want}: **short** (${short.join(', ')})` : `${want}: met`;
  };
  const peerCols = PEERS.concat(['redis-parser']).filter((p) => columns.some((c) => VARIANTS[c].peer === p && c !== 'redwire'));
  const ratioPeers = PEERS.filter((p) => peerCols.includes(p));
  const rows = workloads.map((w) => [
    w.id,
    w.title,
    ...columns.map((c) => cell(w, c)),
    ...ratioPeers.map((p) => ratio(stat(w, 'redwire').opsPerSec, w.id.startsWith('8') && p === 'ioredis' ? stat(w, 'redis-parser').opsPerSec : bestOf(w, p))),
    verdict(w),
  ]);
  const opsTable = table(
    ['#', 'workload (ops/s, median)', ...columns, ...ratioPeers.map((p) => `redwire ÷ ${p === 'ioredis' ? 'ioredis (best; 8: redis-parser)' : p}`), 'bar'],
    rows,
  );
  const pairedTable = table(
    ['#', ...ratioPeers.map((p) => `redwire ÷ ${p === 'ioredis' ? 'ioredis (best; 8: redis-parser)' : p}: median (min–max)`)],
    workloads.map((w) => [
      w.id,
      ...ratioPeers.map((p) => {
        const pr = paired(w, p);
        return pr === undefined ? '–' : `${pr.median.toFixed(2)}× (${pr.min.toFixed(2)}–${pr.max.toFixed(2)})`;
      }),
    ]),
  );
  // Best round: on a shared machine a neighbour's burst only ever slows a run down, so the fastest round is the
  // least disturbed one; shown beside the median, not instead of it.
  const bestCell = (w, v) => {
    if (!variantsOf(w).includes(v)) return '';
    const s = stat(w, v);
    return s.error ? 'ERROR' : ops(s.best);
  };
  const bestOfBest = (w, peer) => {
    const xs = variantsOf(w)
      .filter((v) => VARIANTS[v].peer === peer)
      .map((v) => stat(w, v).best)
      .filter(Number.isFinite);
    return xs.length ? Math.max(...xs) : NaN;
  };
  const bestTable = table(
    ['#', ...columns, ...ratioPeers.map((p) => `redwire ÷ ${p === 'ioredis' ? 'ioredis (best; 8: redis-parser)' : p}`)],
    workloads.map((w) => [
      w.id,
      ...columns.map((c) => bestCell(w, c)),
      ...ratioPeers.map((p) =>
        ratio(stat(w, 'redwire').best, w.id.startsWith('8') && p === 'ioredis' ? stat(w, 'redis-parser').best : bestOfBest(w, p)),
      ),
    ]),
  );
  const memRows = workloads.map((w) => [
    w.id,
    ...columns.map((c) => {
      if (!variantsOf(w).includes(c)) return '';
      const s = stat(w, c);
      return s.error ? 'ERROR' : `${s.rss.toFixed(0)} / ${s.heap.toFixed(0)}`;
    }),
  ]);
  const memTable = table(['#', ...columns.map((c) => `${c} RSS / heap MB`)], memRows);
  const limitLine = limit.error
    ? `server limit: ${limit.error}`
    : `server limit (redis-benchmark -c 1 -d 100, GET of an existing key): ${ops(limit.c1)} ops/s unpipelined, ` +
      `${ops(limit.p16)} ops/s with -P 16, ${ops(limit.p1000)} ops/s with -P 1000 (workload 3's shape: the ceiling for any client)`;

  // The cost of redwire/otel: redwire+otel ÷ redwire, paired per round (the same slices), where it ran.
  const otelLines = () => {
    const rows = workloads.filter((w) => variantsOf(w).includes('redwire+otel')).map((w) => {
      const pr = paired(w, 'redwire-otel');
      // paired() gives redwire ÷ peer; the cost is its inverse.
      return [w.id, w.title, pr === undefined ? '–' : `${(1 / pr.median).toFixed(2)}× (${(1 / pr.max).toFixed(2)}–${(1 / pr.min).toFixed(2)})`];
    });
    if (rows.length === 0) return [];
    return [
      '### With OpenTelemetry on',
      '',
      '`redwire+otel` is redwire with `instrumentRedwire()` feeding real SDK providers (a span per command or pipeline,',
      'the operation-duration histogram, pool metrics). Off, instrumentation costs nothing: no subscriber, no work.',
      '',
      table(['#', 'workload', 'redwire+otel ÷ redwire: paired median (min–max)'], rows),
      '',
    ];
  };

  // Workload 3's JavaScript floor (clients/js-floor.mjs): not a client, measured in the same rounds.
  const floorLines = () => {
    const w = workloads.find((x) => x.id === '3');
    if (!w || !variantsOf(w).includes('js-floor')) return [];
    const pr = paired(w, 'floor');
    return [
      '`js-floor` (workload 3 only) is not a client: one socket, the 1,000 GETs pre-encoded once, the replies decoded by',
      "redwire's decoder into an array, nothing else. It is what any JavaScript client could reach at that moment; " +
        (pr === undefined ? 'it did not run.' : `redwire reached ${(pr.median * 100).toFixed(0)}% of it (paired median, ${(pr.min * 100).toFixed(0)}–${(pr.max * 100).toFixed(0)}%).`),
      '',
    ];
  };

  const cpu = cpus()[0]?.model ?? 'unknown';
  const report = [
    `# redwire benchmark — ${quick ? 'quick' : 'full'} run`,
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus().length} cores (nproc), ${cpu}; 1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (other processes share the cores: compare columns of one run, not runs)`,
    `- node ${process.version}; ${await redisVersion()}`,
    `- clients: ${Object.entries(versions()).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- method: ${rounds} rounds; in each round, every workload opens a fresh client of every library (each in its`,
    `  own long-lived child process), warms it up ${warmupMs} ms (${firstWarmupMs} ms the first time a process runs a`,
    `  workload, so JIT warm-up is not measured), then measures ${durationMs} ms per client in ${slices} slice(s) interleaved`,
    `  A B C D, D C B A, … (the starting client rotates every round), so the clients of a round are measured within`,
    `  a fraction of a second of each other; ops/s is the median over rounds. Replies are checked (a wrong reply fails`,
    `  the row). Memory: process.memoryUsage() rss and heapUsed are sampled every 10 ms while measuring (a forced GC`,
    `  before each slice); the peaks are shown, max over rounds (RSS includes Node's own ~40 MB and, for glide, its Rust core).`,
    `- ${limitLine}`,
    ...Object.entries(missing).map(([peer, why]) => `- ${peer} left out: it cannot run on this machine (${why})`),
    `- defaults everywhere, plus ioredis enableAutoPipelining as a second ioredis column (its documented best setting`,
    `  for concurrent load); node-redis pipelines commands of one tick by default. Workload 8 feeds recorded real`,
    `  server replies in 64 KiB chunks to each decoder alone (ops = replies decoded).`,
    '',
    '## Throughput',
    '',
    opsTable,
    '',
    'The ratio columns divide medians taken over all rounds; the bar column judges the paired ratios below.',
    '',
    ...floorLines(),
    ...otelLines(),
    '## Paired ratios (redwire ÷ peer within each round, median over rounds, min–max)',
    '',
    'The clients of one round are measured in interleaved slices, so the machine\'s drift (this VM\'s vCPUs change',
    'speed within seconds) mostly cancels out of each pair. The bar is judged on these medians.',
    '',
    pairedTable,
    '',
    '## Best round (max ops/s over rounds: the run least disturbed by other processes)',
    '',
    bestTable,
    '',
    '## Memory per client (peak RSS / peak heap, MB)',
    '',
    memTable,
    '',
    `(total run time ${Math.round((Date.now() - started) / 1000)} s)`,
    '',
  ].join('\n');
  process.stdout.write(report);
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'last-results.md'), report);
  if (resultsFile) writeFileSync(resultsFile, report);
  const redwireFailed = workloads.filter((w) => variantsOf(w).includes('redwire') && stat(w, 'redwire').error);
  if (smoke && redwireFailed.length) {
    log(`smoke: redwire failed on workload(s) ${redwireFailed.map((w) => w.id).join(', ')}`);
    process.exitCode = 1;
  }
}

async function redisVersion() {
  const { execFileSync } = await import('node:child_process');
  try {
    const info = execFileSync('redis-cli', ['-p', String(PORTS.standalone), 'INFO', 'server'], { encoding: 'utf8' });
    return `redis-server ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
  } catch {
    return 'redis-server version unknown';
  }
}

main().catch((e) => {
  log(`failed: ${e.stack ?? e}`);
  process.exit(1);
});
