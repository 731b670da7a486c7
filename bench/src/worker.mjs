// Runs measurements for the orchestrator. One long-lived child process per variant (client + configuration), so
// every client's memory is its own and no run pays for process start-up; each measurement opens a fresh client,
// warms up, measures, closes. Memory: after a forced GC, rss and heapUsed are sampled every 10 ms; the peaks of
// the measured window are reported (they include Node's own baseline).
//   IPC (from main.mjs): message { workload, variant, durationMs, warmupMs } → reply { ops, seconds, opsPerSec,
//   maxRssMB, peakHeapMB } or { error }.
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

async function measure({ workload: workloadId, variant: variantId, durationMs, warmupMs, firstWarmupMs = 0 }) {
  const workload = byId(workloadId);
  const variant = VARIANTS[variantId];
  if (!variant) throw new Error(`unknown variant ${variantId}`);
  globalThis.gc?.();
  peak.rss = 0;
  peak.heap = 0;
  sample();
  const { ctx, close } = await open(workload, variant);
  try {
    await runFor(workload, ctx, warmed.has(workloadId) ? warmupMs : Math.max(warmupMs, firstWarmupMs));
    warmed.add(workloadId);
    const { ops, seconds } = await runFor(workload, ctx, durationMs);
    sample();
    return { ops, seconds, opsPerSec: ops / seconds, maxRssMB: peak.rss / 2 ** 20, peakHeapMB: peak.heap / 2 ** 20 };
  } finally {
    await close();
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
  process.on('message', async (request) => {
    if (request === 'exit') process.exit(0);
    try {
      process.send(await withDeadline(measure(request), 60_000 + request.durationMs * 2));
    } catch (e) {
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
