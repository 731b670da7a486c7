import { ClusterClient } from '../../lib/cluster/index.js';
import { Connection } from '../../lib/connection/connection.js';
import { CLUSTER, HOST, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

async function calls(port: number, command = 'get'): Promise<number> {
  const conn = new Connection({ host: HOST, port, retry: false });
  try {
    await conn.connect();
    const info = String(await conn.sendCommand(['INFO', 'commandstats']));
    return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  } finally {
    await conn.disconnect();
  }
}
const getCalls = (port: number): Promise<number> => calls(port);

async function roleOf(port: number): Promise<string> {
  const conn = new Connection({ host: HOST, port, retry: false });
  try {
    await conn.connect();
    return String(((await conn.sendCommand(['ROLE'])) as unknown[])[0]);
  } finally {
    await conn.disconnect();
  }
}

describe('ClusterClient readFrom (official cluster topology)', () => {
  let replicaReader: ClusterClient;

  beforeAll(async () => {
    await requireTopology('cluster');
    replicaReader = new ClusterClient({ nodes: CLUSTER.nodes, readFrom: 'replica', connectionFactory: (o) => new Connection(o) });
    await replicaReader.connect();
  });

  afterAll(async () => {
    await replicaReader?.quit();
  });

  it("serves reads from the slot's replica (READONLY) and writes from its primary", async () => {
    const key = 'replica-read:1';
    const slot = replicaReader.keySlot(key);
    const primary = replicaReader.nodesManager.nodeForSlot(slot, false);
    const replicas = replicaReader.nodesManager.table.replicasFor(slot).filter((r) => r.health === 'online');
    expect(replicas.length).toBeGreaterThan(0);
    await replicaReader.set(key, 'v');
    const before = await Promise.all(replicas.map((r) => getCalls(r.port)));
    const primaryBefore = await getCalls(primary.port);
    // Replication is asynchronous (and a replica may still be syncing after another suite restarted it): poll.
    await waitUntil('the replica to serve the write', async () => (await replicaReader.get(key)) === 'v', 20_000, 50);
    for (let i = 0; i < 20; i++) await replicaReader.get(key);
    const after = await Promise.all(replicas.map((r) => getCalls(r.port)));
    const replicaGets = after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0);
    expect(replicaGets).toBeGreaterThanOrEqual(21);
    // (the primary saw none of those GETs)
    expect(await getCalls(primary.port)).toBe(primaryBefore);
  });

  it('sends >= 90% of reads to replicas from the first command after connecting', async () => {
    // A fresh client, and a command no other suite uses (HSTRLEN), counted by every node's INFO commandstats.
    const fresh = new ClusterClient({ nodes: CLUSTER.nodes, readFrom: 'replica', connectionFactory: (o) => new Connection(o) });
    try {
      const roles = await Promise.all(CLUSTER.ports.map(async (port) => ({ port, role: await roleOf(port) })));
      const replicaPorts = roles.filter((r) => r.role === 'slave').map((r) => r.port);
      expect(replicaPorts.length).toBe(3);
      const before = await Promise.all(CLUSTER.ports.map((port) => calls(port, 'hstrlen')));
      await fresh.connect();
      for (let i = 0; i < 100; i++) await fresh.hstrlen(`first-reads:${i}`, 'f');
      const after = await Promise.all(CLUSTER.ports.map((port) => calls(port, 'hstrlen')));
      const delta = new Map(CLUSTER.ports.map((port, i) => [port, (after[i] ?? 0) - (before[i] ?? 0)]));
      const onReplicas = replicaPorts.reduce((sum, port) => sum + (delta.get(port) ?? 0), 0);
      console.log(`readFrom 'replica', first 100 reads after connect: ${onReplicas} on replicas; per node ` +
        `${JSON.stringify(Object.fromEntries(delta))}`);
      expect(onReplicas).toBeGreaterThanOrEqual(90);
    } finally {
      await fresh.quit();
    }
  });
});
