/**
 * Soak: mixed load with a fault every 30 s, per topology; 10 minutes each, or 60 s with CHAOS_QUICK=1 (CI).
 * At the end heap and RSS must be within 10% of the post-warm-up level (after a GC) and the open handles
 * (process.getActiveResourcesInfo) no more than after warm-up; every fault must be set up without error and the client
 * must recover from each within RECOVER_MS. CHAOS_SOAK=standalone,sentinel,cluster picks topologies.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from '../../lib/create-client.js';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { CHAOS_CLUSTER, CHAOS_SENTINEL, requireTopology } from '../support/topology.js';
import { LoadGenerator, type LoadClient, type Tally } from './load.js';
import { hasViolations, type FaultResult } from './report.js';
import { admin, OwnedRedis, pidOf, sleep, topology } from './chaos-servers.js';
import { printReport } from './run-fault.js';

const QUICK = process.env.CHAOS_QUICK === '1';
const DURATION_MS = QUICK ? 60_000 : 600_000;
const FAULT_EVERY_MS = 30_000;
const WARMUP_MS = 10_000;
const TOPOLOGIES = (process.env.CHAOS_SOAK ?? 'standalone,sentinel,cluster').split(',');
const COMMAND_TIMEOUT = 1000;
/** How long after a fault the load must succeed again (a failover takes ~5-10 s on the chaos topologies). */
const RECOVER_MS = 25_000;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

interface Footprint { heap: number; rss: number; handles: number; handleKinds: string[] }
async function footprint(): Promise<Footprint> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
  // Timers come and go with the in-flight commands of the running load; sockets and processes are what leak.
  const kinds = process.getActiveResourcesInfo().filter((k) => k !== 'Timeout' && k !== 'Immediate');
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, handles: kinds.length, handleKinds: kinds };
}

const results: FaultResult[] = [];
const footprints: string[] = [];
afterAll(() => {
  printReport(`soak (${DURATION_MS / 1000} s per topology, fault every ${FAULT_EVERY_MS / 1000} s)`, results);
  process.stdout.write(footprints.join('\n') + '\n');
});

async function soak(topologyName: string, client: LoadClient, faults: (() => Promise<void>)[], prefixed: { hashTagPerWorker?: boolean } = {}): Promise<void> {
  const gen = new LoadGenerator(client, {
    workers: 8, commandTimeoutMs: COMMAND_TIMEOUT, marginMs: 2000, prefix: `chaos-soak-${topologyName}`, keysPerWorker: 200,
    pauseMs: 2, ...prefixed,
  });
  gen.start();
  await sleep(WARMUP_MS);
  const warm = await footprint();
  const windows: Tally[] = [];
  // A fault that could not be set up, or one the client never recovered from, fails the soak (after the report).
  const setupErrors: string[] = [];
  const unrecovered: string[] = [];
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < DURATION_MS - FAULT_EVERY_MS / 2) {
    const fault = faults[n % faults.length]!;
    gen.beginWindow(`soak #${++n}`);
    gen.markFault();
    const setUp = await fault().then(() => true, (error: unknown) => {
      setupErrors.push(`soak #${n}: ${error instanceof Error ? error.message : String(error)}`);
      gen.tally.failed['fault setup failed'] = 1;
      return false;
    });
    if (setUp && !(await gen.waitHealthy(RECOVER_MS))) {
      unrecovered.push(`soak #${n}: no command succeeded within ${RECOVER_MS} ms of the fault`);
      gen.tally.failed['did not recover'] = 1;
    }
    const next = started + n * FAULT_EVERY_MS;
    await sleep(Math.max(0, Math.min(next, started + DURATION_MS) - Date.now()));
    windows.push(gen.tally);
  }
  const last = gen.beginWindow('after');
  if (!windows.includes(last)) windows.push(last);
  const end = await footprint();
  await gen.stop();
  const total = windows.reduce<Tally>((sum, t) => {
    sum.sent += t.sent; sum.ok += t.ok; sum.hung += t.hung; sum.misdelivered += t.misdelivered; sum.late += t.late;
    sum.misdeliveries.push(...t.misdeliveries);
    sum.hangs.push(...t.hangs);
    for (const [k, v] of Object.entries(t.failed)) sum.failed[k] = (sum.failed[k] ?? 0) + v;
    sum.recoveryMs = Math.max(sum.recoveryMs ?? 0, t.recoveryMs ?? 0);
    return sum;
  }, { ...gen.tally, name: `soak ${windows.length} faults`, sent: 0, ok: 0, failed: {}, hung: 0, misdelivered: 0, late: 0, misdeliveries: [], hangs: [], recoveryMs: 0 });
  await gen.verify(total, topologyName !== 'standalone');
  results.push({ topology: topologyName, tally: total, note: `max recovery; heap ${(warm.heap / 1e6).toFixed(1)}→${(end.heap / 1e6).toFixed(1)} MB` });
  footprints.push(`${topologyName}: heap ${warm.heap}→${end.heap}, rss ${warm.rss}→${end.rss}, handles ${warm.handles}→${end.handles} (${end.handleKinds.join(',')})`);
  expect({ hung: total.hung, hangs: total.hangs, misdelivered: total.misdelivered, setupErrors, unrecovered })
    .toEqual({ hung: 0, hangs: [], misdelivered: 0, setupErrors: [], unrecovered: [] });
  expect(end.heap).toBeLessThanOrEqual(warm.heap * 1.1);
  expect(end.rss).toBeLessThanOrEqual(warm.rss * 1.1);
  expect(end.handles).toBeLessThanOrEqual(warm.handles);
}

const maybe = (name: string): typeof it => (TOPOLOGIES.includes(name) ? it : it.skip);

describe('soak', () => {
  maybe('standalone')('standalone: CLIENT KILL, SIGSTOP, restart in turn', async () => {
    const server = new OwnedRedis(6461);
    await server.start();
    const client = createClient({ host: '127.0.0.1', port: 6461, commandTimeout: COMMAND_TIMEOUT, connectTimeout: 1000, retry: { attempts: Infinity, base: 50, cap: 500 } });
    try {
      await soak('standalone', client as unknown as LoadClient, [
        () => admin(6461, ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']).then(() => undefined),
        async () => {
          server.signal('SIGSTOP');
          await sleep(2000);
          server.signal('SIGCONT');
        },
        async () => {
          await server.stop();
          await server.start();
        },
      ]);
    } finally {
      await client.disconnect();
      await server.destroy();
    }
  });

  maybe('sentinel')('sentinel: SENTINEL FAILOVER every 30 s', async () => {
    await requireTopology('chaos-sentinel');
    const client = createClient({ topology: 'sentinel', masterName: CHAOS_SENTINEL.masterName, sentinels: CHAOS_SENTINEL.sentinels, commandTimeout: COMMAND_TIMEOUT, connectTimeout: 1000, retry: { attempts: Infinity, base: 50, cap: 500 } });
    try {
      await soak('sentinel', client as unknown as LoadClient, [
        () => admin(CHAOS_SENTINEL.sentinels[0]!.port, ['SENTINEL', 'FAILOVER', CHAOS_SENTINEL.masterName]).then(() => undefined),
      ]);
    } finally {
      await client.disconnect();
      topology('up', 'chaos-sentinel');
    }
  });

  maybe('cluster')('cluster: CLUSTER FAILOVER / primary SIGKILL in turn', async () => {
    await requireTopology('chaos-cluster');
    const client = new ClusterClient({ nodes: CHAOS_CLUSTER.ports.map((port) => ({ host: '127.0.0.1', port })), commandTimeout: COMMAND_TIMEOUT, connectTimeout: 1000, retry: { attempts: Infinity, base: 50, cap: 500 } });
    const replicaOf = async (): Promise<number | undefined> => {
      for (const port of CHAOS_CLUSTER.ports) {
        if (/role:slave/.test(String(await admin(port, ['INFO', 'replication']).catch(() => '')))) return port;
      }
      return undefined;
    };
    try {
      await soak('cluster', client as unknown as LoadClient, [
        async () => {
          const replica = await replicaOf();
          if (replica === undefined) throw new Error('no replica to run CLUSTER FAILOVER on');
          await admin(replica, ['CLUSTER', 'FAILOVER']);
        },
        async () => {
          for (const port of CHAOS_CLUSTER.ports) {
            if (/role:master/.test(String(await admin(port, ['INFO', 'replication']).catch(() => '')))) {
              process.kill(await pidOf(port), 'SIGKILL');
              await sleep(8000);
              topology('start-server', String(port));
              return;
            }
          }
          throw new Error('no primary to SIGKILL');
        },
      ], { hashTagPerWorker: true });
    } finally {
      await client.disconnect();
      topology('up', 'chaos-cluster');
    }
  });

  it('no command hung or was misdelivered', () => {
    expect(hasViolations(results)).toBe(false);
  });
});
