// Runs measurements for the orchestrator. One long-lived child process per variant (client + configuration), so
// every client's memory is its own and no run pays for process start-up; each round opens a fresh client, warms it
// up, measures it in slices interleaved with the other clients' slices, closes it. Memory: after a forced GC, rss and heapUsed are sampled every 10 ms; the peaks of
// the measured window are reported (they include Node's own baseline).
//   IPC (from main.mjs): { op: 'open', workload, variant, warmupMs, firstWarmupMs } opens a client and warms it up;
//   { op: 'slice', durationMs } measures it → { ops, seconds, opsPerSec, maxRssMB, peakHeapMB }; { op: 'close' }.
//   Any of them may answer { error }.
//   CLI (for --cpu-prof):  node worker.mjs <workload-id> <variant> <durationMs> <warmupMs>
import { PORTS } from './dataset.mjs';
import { VARIANTS, loadModule } from './variants.mjs';
import { byId } from './workloads.mjs';

const peak = { rss: 0, heap: 0 };
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss > peak.rss) peak.rss = m.rss;
  if (m.heapUsed > peak.heap) peak.heap = m.heapUsed;
};
// process.memoryUsage() reads /proc (tens of µs): sampled on a 10 ms timer only, never per batch, so it costs
// every client the same <1%.
setInterval(sample, 10).unref();

// Decoder handlers of fixed identity, as a client gives its decoder for the connection's lifetime. (Fresh closures
// per measurement made V8 deoptimise a decoder's call sites again and again, a harness artefact that slowed
// decoders unevenly.) They count into the current measurement's context.
let decoding = { replies: 0 };
const DECODER_HANDLERS = { onReply: () => void decoding.replies++, onError: () => void decoding.replies++ };

async function open(workload, variant) {
  const mod = await loadModule(variant.module);
  if (workload.kind === 'decoder') {
    const ctx = { replies: 0 };
    decoding = ctx;
    ctx.decoder = await mod.createDecoder(DECODER_HANDLERS);
    return { ctx, close: async () => {} };
  }
  const options = { ...variant.options, ...workload.options };
  const client =
    workload.kind === 'cluster'
      ? await mod.createCluster({ ports: PORTS.cluster, ...options })
      : await mod.createStandalone({ port: PORTS.standalone, ...options });
  return { ctx: client, close: () => client.close() };
}

async function runFor(workload, ctx, ms) {
  const ns = BigInt(Math.round(ms * 1e6));
  let ops = 0;
  const start = process.hrtime.bigint();
  let now = start;
  do {
    ops += await workload.unit(ctx);
    now = process.hrtime.bigint();
  } while (now - start < ns);
  return { ops, seconds: Number(now - start) / 1e9 };
}

/** Workloads this process has measured: the first measurement of each warms up for `firstWarmupMs`. */
const warmed = new Set();

/** The client opened for the current workload (IPC: open, then slices, then close). */
let current = null;

async function openFor({ workload: workloadId, variant: variantId, warmupMs, firstWarmupMs = 0 }) {
  if (current) await closeCurrent();
  const workload = byId(workloadId);
  const variant = VARIANTS[variantId];
  if (!variant) throw new Error(`unknown variant ${variantId}`);
  globalThis.gc?.();
  const opened = await open(workload, variant);
  current = { workload, ...opened, ops: 0, seconds: 0, rss: 0, heap: 0 };
  await runFor(workload, opened.ctx, warmed.has(workloadId) ? warmupMs : Math.max(warmupMs, firstWarmupMs));
  warmed.add(workloadId);
  return { ok: true };
}

/**
 * One measured slice of the open client. (No forced GC between slices: a forced full GC slowed the next few hundred
 * milliseconds of every client 2-10x, measured; the GC at open is followed by the warm-up.)
 */
async function slice({ durationMs }) {
  if (!current) throw new Error('slice without open');
  peak.rss = 0;
  peak.heap = 0;
  sample();
  const { ops, seconds } = await runFor(current.workload, current.ctx, durationMs);
  sample();
  return { ops, seconds, opsPerSec: ops / seconds, maxRssMB: peak.rss / 2 ** 20, peakHeapMB: peak.heap / 2 ** 20 };
}

async function closeCurrent() {
  const c = current;
  current = null;
  if (c) await c.close();
  return { ok: true };
}

/** One whole measurement (CLI, for --cpu-prof): open, warm up, one slice, close. */
async function measure(request) {
  await openFor(request);
  try {
    return await slice(request);
  } finally {
    await closeCurrent();
  }
}

/** Never hang: a client that stops answering fails the row. */
function withDeadline(promise, ms) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const errorText = (e) => String(e?.message ?? e).split('\n')[0].slice(0, 200);

if (process.send) {
  const ops = { open: openFor, slice, close: closeCurrent };
  process.on('message', async (request) => {
    if (request === 'exit') process.exit(0);
    try {
      process.send(await withDeadline(ops[request.op](request), 60_000 + (request.durationMs ?? 0) * 2 + (request.firstWarmupMs ?? 0)));
    } catch (e) {
      if (request.op !== 'close') await closeCurrent().catch(() => {});
      process.send({ error: errorText(e) });
    }
  });
  process.send({ ready: true });
} else {
  const [workload, variant, durationMs, warmupMs] = process.argv.slice(2);
  withDeadline(measure({ workload, variant, durationMs: Number(durationMs), warmupMs: Number(warmupMs) }), 120_000).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exit(0);
    },
    (e) => {
      process.stdout.write(JSON.stringify({ error: errorText(e) }) + '\n');
      process.exit(1);
    },
  );
}
