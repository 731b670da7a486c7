// One measurement in a child process of its own: one variant × one workload. Prints one JSON line:
// { ops, seconds, opsPerSec, maxRssMB, peakHeapMB } or { error }. A fresh process per run keeps each client's
// memory figures its own (maxRSS from getrusage covers the whole child: Node's baseline plus the client).
//   node worker.mjs <workload-id> <variant> <durationMs> <warmupMs>
import { PORTS } from './dataset.mjs';
import { VARIANTS, loadModule } from './variants.mjs';
import { byId } from './workloads.mjs';

const [workloadId, variantId, durationArg, warmupArg] = process.argv.slice(2);
const durationNs = BigInt(Math.round(Number(durationArg) * 1e6));
const warmupNs = BigInt(Math.round(Number(warmupArg) * 1e6));

let peakHeap = 0;
const sampleHeap = () => {
  const h = process.memoryUsage().heapUsed;
  if (h > peakHeap) peakHeap = h;
};
setInterval(sampleHeap, 5).unref();

async function open(workload, variant) {
  const mod = await loadModule(variant.module);
  if (workload.kind === 'decoder') {
    const ctx = { replies: 0 };
    const handlers = { onReply: () => void ctx.replies++, onError: () => void ctx.replies++ };
    ctx.decoder = await mod.createDecoder(handlers);
    return { ctx, close: async () => {} };
  }
  const options = { ...variant.options, ...workload.options };
  const client =
    workload.kind === 'cluster'
      ? await mod.createCluster({ ports: PORTS.cluster, ...options })
      : await mod.createStandalone({ port: PORTS.standalone, ...options });
  return { ctx: client, close: () => client.close() };
}

async function runFor(workload, ctx, ns) {
  let ops = 0;
  const start = process.hrtime.bigint();
  let now = start;
  do {
    ops += await workload.unit(ctx);
    sampleHeap();
    now = process.hrtime.bigint();
  } while (now - start < ns);
  return { ops, seconds: Number(now - start) / 1e9 };
}

async function main() {
  const workload = byId(workloadId);
  const variant = VARIANTS[variantId];
  if (!variant) throw new Error(`unknown variant ${variantId}`);
  const { ctx, close } = await open(workload, variant);
  try {
    await runFor(workload, ctx, warmupNs);
    const { ops, seconds } = await runFor(workload, ctx, durationNs);
    sampleHeap();
    const maxRssMB = process.resourceUsage().maxRSS / 1024;
    return { ops, seconds, opsPerSec: ops / seconds, maxRssMB, peakHeapMB: peakHeap / 2 ** 20 };
  } finally {
    await close();
  }
}

// Never hang: a client that stops answering fails the row.
const deadline = setTimeout(() => {
  process.stdout.write(JSON.stringify({ error: 'timed out (no reply for 60 s)' }) + '\n');
  process.exit(2);
}, 60_000 + Number(durationArg) * 2);
deadline.unref();

main().then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  },
  (e) => {
    process.stdout.write(JSON.stringify({ error: String(e?.message ?? e).split('\n')[0].slice(0, 200) }) + '\n');
    process.exit(1);
  },
);
