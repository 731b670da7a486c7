/**
 * Cluster faults under load on the chaos cluster (7200-7205): slot migrations back and forth, primary SIGKILL and
 * replica promotion, a primary restarted (it comes back as a replica: new slot ownership), CLUSTER FAILOVER on a
 * replica. Each restores the topology (restarts what it stopped; all six nodes up, every slot covered).
 */
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { keySlot } from '../../lib/cluster/key-slot.js';
import { CHAOS_CLUSTER, requireTopology } from '../support/topology.js';
import { LoadGenerator, type LoadClient } from './load.js';
import { hasViolations, type FaultResult } from './report.js';
import { admin, pidOf, sleep, topology, waitUntil } from './chaos-servers.js';
import { printAckReport, printReport, runFault } from './run-fault.js';
import { AckWriters } from './ack-writers.js';
import { loadIORedisCluster, type IORedisLike } from './ioredis-peer.js';
import type { AckRow } from './report.js';

const COMMAND_TIMEOUT = 1000;
const PREFIX = 'chaos-cl';
let client: ClusterClient;
let gen: LoadGenerator;
const results: FaultResult[] = [];

interface NodeLine { id: string; port: number; role: 'master' | 'slave'; masterId: string; slots: [number, number][]; failed: boolean }

async function nodes(port: number = CHAOS_CLUSTER.ports[0]): Promise<NodeLine[]> {
  const text = String(await admin(port, ['CLUSTER', 'NODES']));
  return text.trim().split('\n').map((line) => {
    const f = line.split(' ');
    const slots = f.slice(8).filter((s) => !s.startsWith('[')).map((s) => {
      const [a, b] = s.split('-');
      return [Number(a), Number(b ?? a)] as [number, number];
    });
    return {
      id: f[0]!, port: Number(f[1]!.split(':')[1]!.split('@')[0]), role: f[2]!.includes('master') ? 'master' : 'slave',
      masterId: f[3]!, slots, failed: /fail/.test(f[2]!) || f[7] !== 'connected',
    };
  });
}

async function alivePort(): Promise<number> {
  for (const p of CHAOS_CLUSTER.ports) if (await admin(p, ['PING']).then(() => true, () => false)) return p;
  throw new Error('chaos: no cluster node answers');
}

/** Every node up, cluster_state ok on each, 3 primaries each with a replica. */
async function healthy(): Promise<boolean> {
  for (const p of CHAOS_CLUSTER.ports) {
    if (!/cluster_state:ok/.test(String(await admin(p, ['CLUSTER', 'INFO'])))) return false;
  }
  const list = await nodes();
  const masters = list.filter((n) => n.role === 'master' && n.slots.length > 0 && !n.failed);
  return list.length === 6 && masters.length === 3 && list.every((n) => !n.failed)
    && masters.every((m) => list.some((r) => r.masterId === m.id));
}

async function ownerOf(slot: number): Promise<NodeLine> {
  const list = await nodes(await alivePort());
  const owner = list.find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
  if (owner === undefined) throw new Error(`chaos: no owner of slot ${slot}`);
  return owner;
}

async function migrateSlot(slot: number, from: NodeLine, to: NodeLine): Promise<void> {
  await admin(to.port, ['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from.id]);
  await admin(from.port, ['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to.id]);
  for (;;) {
    const keys = (await admin(from.port, ['CLUSTER', 'GETKEYSINSLOT', String(slot), '100'])) as string[];
    if (keys.length === 0) break;
    await admin(from.port, ['MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'REPLACE', 'KEYS', ...keys]);
  }
  await admin(to.port, ['CLUSTER', 'SETSLOT', String(slot), 'NODE', to.id]);
  await admin(from.port, ['CLUSTER', 'SETSLOT', String(slot), 'NODE', to.id]);
  for (const n of (await nodes(to.port)).filter((x) => x.role === 'master' && x.id !== from.id && x.id !== to.id)) {
    await admin(n.port, ['CLUSTER', 'SETSLOT', String(slot), 'NODE', to.id]).catch(() => undefined);
  }
}

beforeAll(async () => {
  await requireTopology('chaos-cluster');
  await waitUntil('chaos cluster healthy', healthy, 60_000, 250);
  client = new ClusterClient({
    nodes: CHAOS_CLUSTER.ports.map((port) => ({ host: '127.0.0.1', port })),
    commandTimeout: COMMAND_TIMEOUT, connectTimeout: 1000, retry: { attempts: Infinity, base: 50, cap: 500 },
  });
  gen = new LoadGenerator(client as unknown as LoadClient, {
    workers: 8, commandTimeoutMs: COMMAND_TIMEOUT, marginMs: 4000, prefix: PREFIX, keysPerWorker: 200,
    hashTagPerWorker: true, pauseMs: 1,
  });
});

afterAll(async () => {
  printReport('cluster faults', results);
  await client?.disconnect();
  topology('up', 'chaos-cluster');
});

async function fault(name: string, inject: () => Promise<void>, asyncReplication = false): Promise<void> {
  const tally = await runFault(gen, { name, inject, asyncReplication, recoverMs: 60_000 });
  results.push({ topology: 'cluster', tally });
  expect({ fault: name, hung: tally.hung, hangs: tally.hangs, misdelivered: tally.misdelivered, misdeliveries: tally.misdeliveries })
    .toEqual({ fault: name, hung: 0, hangs: [], misdelivered: 0, misdeliveries: [] });
  await waitUntil('cluster healthy after the fault', healthy, 90_000, 250);
}

/** Slot of worker w's keys (the load puts each worker's keys under one hash tag). */
const workerSlot = (w: number): number => keySlot(`{${PREFIX}:${w}}`);

describe('cluster chaos', () => {
  it('slot migrations back and forth under load', () => fault('slot migration x6', async () => {
    const slots = [0, 1, 2, 3].map(workerSlot);
    for (let round = 0; round < 3; round++) {
      for (const slot of slots) {
        const from = await ownerOf(slot);
        const to = (await nodes(from.port)).find((n) => n.role === 'master' && n.slots.length > 0 && n.id !== from.id)!;
        await migrateSlot(slot, from, to);
        await sleep(200);
        await migrateSlot(slot, to, from);
      }
    }
  }));

  it('primary SIGKILL and replica promotion', () => fault('primary SIGKILL', async () => {
    const victim = await ownerOf(workerSlot(1));
    process.kill(await pidOf(victim.port), 'SIGKILL');
    await waitUntil('replica promoted', async () => (await ownerOf(workerSlot(1))).id !== victim.id, 60_000, 200);
    topology('start-server', String(victim.port));
  }, true));

  it('a primary restarted comes back as a replica (new slot ownership)', () => fault('primary restart', async () => {
    const victim = await ownerOf(workerSlot(2));
    topology('stop-server', String(victim.port));
    await waitUntil('replica promoted', async () => (await ownerOf(workerSlot(2))).id !== victim.id, 60_000, 200);
    topology('start-server', String(victim.port));
  }, true));

  it('CLUSTER FAILOVER on a replica', () => fault('CLUSTER FAILOVER', async () => {
    const primary = await ownerOf(workerSlot(3));
    const replica = (await nodes(primary.port)).find((n) => n.masterId === primary.id)!;
    await admin(replica.port, ['CLUSTER', 'FAILOVER']);
    await waitUntil('replica took over', async () => (await ownerOf(workerSlot(3))).id === replica.id, 60_000, 100);
  }));

  it('no command hung or was misdelivered', () => {
    expect(hasViolations(results)).toBe(false);
  });
});

const ACK_WRITERS = 40;
const ACK_HANG_MS = 15_000;
/** Both clients write under one hash tag, so every writer's list is in the slot the fault targets. */
const ACK_TAG = '{chaos-ack-cl}';
const ackSlot = keySlot(ACK_TAG);

describe('cluster acknowledged writes per fault: redwire (defaults) and ioredis Cluster (defaults)', () => {
  const rows: AckRow[] = [];
  let redwire: ClusterClient;
  let ioredis: IORedisLike;

  beforeAll(async () => {
    await waitUntil('chaos cluster healthy', healthy, 60_000, 250);
    const seeds = CHAOS_CLUSTER.ports.map((port) => ({ host: '127.0.0.1', port }));
    redwire = new ClusterClient({ nodes: seeds });
    const Cluster = await loadIORedisCluster();
    ioredis = new Cluster(seeds);
    ioredis.on('error', () => undefined);
  });

  afterAll(async () => {
    printAckReport('cluster faults: acknowledged writes (per acknowledgement)', rows);
    await redwire?.disconnect();
    ioredis?.disconnect();
  });

  /** Runs the fault under both clients' writers; every acknowledged value is then looked for on the slot's owner. */
  async function ackFault(fault: string, inject: () => Promise<void>): Promise<AckRow> {
    const writers = [
      new AckWriters(redwire, { name: 'redwire (defaults)', prefix: `${ACK_TAG}:rw`, writers: ACK_WRITERS, hangMs: ACK_HANG_MS }),
      new AckWriters(ioredis, { name: 'ioredis Cluster', prefix: `${ACK_TAG}:io`, writers: ACK_WRITERS, hangMs: ACK_HANG_MS }),
    ];
    for (const w of writers) w.start(fault);
    let setupError: unknown;
    try {
      await sleep(1000);
      await inject();
      await sleep(2000);
    } catch (error) {
      setupError = error;
    } finally {
      await Promise.all(writers.map((w) => w.stop()));
    }
    if (setupError !== undefined) throw setupError;
    const tallies = [];
    for (const w of writers) tallies.push(await w.verify(async () => (await ownerOf(ackSlot)).port));
    rows.push(...tallies);
    await waitUntil('cluster healthy after the fault', healthy, 90_000, 250);
    return tallies[0]!;
  }

  it('primary SIGKILL: redwire hangs nothing (acknowledged writes lost to async replication are counted)', async () => {
    const row = await ackFault('primary SIGKILL', async () => {
      const victim = await ownerOf(ackSlot);
      process.kill(await pidOf(victim.port), 'SIGKILL');
      await waitUntil('replica promoted', async () => (await ownerOf(ackSlot)).id !== victim.id, 60_000, 200);
      topology('start-server', String(victim.port));
    });
    expect(row.hung).toBe(0);
  });

  it('CLUSTER FAILOVER: redwire loses no acknowledged write', async () => {
    const row = await ackFault('CLUSTER FAILOVER', async () => {
      const primary = await ownerOf(ackSlot);
      const replica = (await nodes(primary.port)).find((n) => n.masterId === primary.id)!;
      await admin(replica.port, ['CLUSTER', 'FAILOVER']);
      await waitUntil('replica took over', async () => (await ownerOf(ackSlot)).id === replica.id, 60_000, 100);
    });
    expect({ hung: row.hung, lost: row.lost }).toEqual({ hung: 0, lost: 0 });
  });

  it('slot migration there and back: redwire loses no acknowledged write', async () => {
    const row = await ackFault('slot migration x2', async () => {
      const from = await ownerOf(ackSlot);
      const to = (await nodes(from.port)).find((n) => n.role === 'master' && n.slots.length > 0 && n.id !== from.id)!;
      await migrateSlot(ackSlot, from, to);
      await sleep(500);
      await migrateSlot(ackSlot, to, from);
    });
    expect({ hung: row.hung, lost: row.lost }).toEqual({ hung: 0, lost: 0 });
  });
});
