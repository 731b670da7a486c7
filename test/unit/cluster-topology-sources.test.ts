/**
 * The slot table comes from CLUSTER SLOTS; CLUSTER SHARDS only adds node health. Scripted nodes answer both the
 * way servers do at the moments where CLUSTER SHARDS is wrong (only 7.0 runs here, so the shapes are scripted):
 * - Redis 7.0/7.4 right after a replica joins: the replica in a shard of its own, no slots (reads never reached it);
 * - Redis 7.4.1 after a primary SIGKILL + promotion: the shard listed with an empty slot list (slots uncovered,
 *   commands hung).
 */
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { keySlot } from '../../lib/cluster/key-slot.js';
import { mergeTopology } from '../../lib/cluster/merge-topology.js';
import { parseClusterShardsListing, parseClusterSlots } from '../../lib/cluster/parse-cluster-topology.js';
import { SlotTable } from '../../lib/cluster/slot-table.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import {
  defaultHandshake, encodeReply, startFakeRedisServer, type FakeClient, type FakeRedisServer, type FakeReply,
} from '../support/fake-redis-server.js';
import { waitUntil } from '../support/wait-until.js';

const shardNode = (id: string, port: number, role: 'master' | 'replica', health = 'online'): FakeReply =>
  ['id', id, 'port', port, 'ip', '127.0.0.1', 'endpoint', '127.0.0.1', 'role', role, 'replication-offset', 100, 'health', health];

describe('slot table sources: CLUSTER SLOTS, health from CLUSTER SHARDS', () => {
  const slots = (primary: number, ...replicas: number[]): RespValue =>
    [[0, 16383, ['127.0.0.1', primary, `id${primary}`], ...replicas.map((r) => ['127.0.0.1', r, `id${r}`])]] as RespValue;
  const merged = (slotsReply: RespValue, shardsReply: FakeReply) => mergeTopology(
    parseClusterSlots(slotsReply, '127.0.0.1'),
    parseClusterShardsListing(shardsReply as RespValue, '127.0.0.1'),
  );

  it('7.0/7.4 fresh replica listed in a shard of its own: attached to its primary, as CLUSTER SLOTS says', () => {
    const { shards, unplaced } = merged(slots(7000, 7003), [
      ['slots', [0, 16383], 'nodes', [shardNode('id7000', 7000, 'master')]],
      ['slots', [], 'nodes', [shardNode('id7003', 7003, 'replica')]],
    ]);
    const table = new SlotTable(shards);
    expect(table.fullyCovered).toBe(true);
    expect(table.replicasFor(1).map((r) => [r.port, r.health])).toEqual([[7003, 'online']]);
    expect(unplaced).toEqual([]);
  });

  it('7.4.1 promoted primary listed with an empty slot list: its slots stay covered', () => {
    const { shards } = merged(slots(7003), [
      ['slots', [], 'nodes', [shardNode('id7000', 7000, 'master', 'failed'), shardNode('id7003', 7003, 'master')]],
    ]);
    const table = new SlotTable(shards);
    expect(table.fullyCovered).toBe(true);
    expect(table.primaryFor(0)?.port).toBe(7003);
  });

  it('takes health from CLUSTER SHARDS (a loading replica), matched by id', () => {
    const { shards } = merged(slots(7000, 7003), [
      ['slots', [0, 16383], 'nodes', [shardNode('id7000', 7000, 'master'), shardNode('id7003', 7003, 'replica', 'loading')]],
    ]);
    expect(new SlotTable(shards).replicasFor(5).map((r) => r.health)).toEqual(['loading']);
  });

  it('reports a replica CLUSTER SHARDS lists that CLUSTER SLOTS does not place; not failed nodes or empty shards', () => {
    const { unplaced } = merged(slots(7000), [
      ['slots', [0, 16383], 'nodes', [shardNode('id7000', 7000, 'master'), shardNode('id7005', 7005, 'replica', 'failed')]],
      ['slots', [], 'nodes', [shardNode('id7003', 7003, 'replica')]],
      ['slots', [], 'nodes', [shardNode('id7009', 7009, 'master'), shardNode('id7010', 7010, 'replica')]],
    ]);
    expect(unplaced.map((n) => n.port)).toEqual([7003]);
  });

  it('without CLUSTER SHARDS (before 7.0) the table is CLUSTER SLOTS as is', () => {
    const { shards, unplaced } = mergeTopology(parseClusterSlots(slots(7000, 7003), 'h'), undefined);
    expect(shards[0]?.replicas.map((r) => r.port)).toEqual([7003]);
    expect(unplaced).toEqual([]);
  });
});

/** A scripted cluster of one shard (primary + replica) over a shared key space, on OS-chosen ports. */
interface FakeNode {
  server: FakeRedisServer;
  id: string;
  /** Commands this node answered with data (not MOVED), by name. */
  served: Map<string, number>;
}

async function fakeShard(script: {
  slots: (nodes: { primary: FakeNode; replica: FakeNode }) => FakeReply;
  shards: (nodes: { primary: FakeNode; replica: FakeNode }) => FakeReply;
  primaryOf: () => FakeNode;
}): Promise<{ primary: FakeNode; replica: FakeNode; close: () => Promise<void> }> {
  const store = new Map<string, string>();
  const nodes = {} as { primary: FakeNode; replica: FakeNode };
  const handler = (self: () => FakeNode) => (args: string[], client: FakeClient & { readonlyMode?: boolean }): void => {
    if (defaultHandshake(args, client)) return;
    const [name, a1, a2] = args;
    const node = self();
    if (name === 'READONLY') {
      client.readonlyMode = true;
      client.write('+OK\r\n');
      return;
    }
    if (name === 'CLUSTER') {
      const sub = (a1 ?? '').toUpperCase();
      if (sub === 'SLOTS') client.write(encodeReply(script.slots(nodes)));
      else if (sub === 'SHARDS') client.write(encodeReply(script.shards(nodes)));
      else client.write(`-ERR unknown subcommand '${a1 ?? ''}'\r\n`);
      return;
    }
    if (name !== 'GET' && name !== 'SET') {
      client.write(`-ERR unknown command '${name ?? ''}'\r\n`);
      return;
    }
    const primary = script.primaryOf();
    if (node !== primary && !(name === 'GET' && client.readonlyMode === true)) {
      client.write(`-MOVED ${keySlot(a1 ?? '')} 127.0.0.1:${primary.server.port}\r\n`);
      return;
    }
    node.served.set(name, (node.served.get(name) ?? 0) + 1);
    if (name === 'SET') {
      store.set(a1 ?? '', a2 ?? '');
      client.write('+OK\r\n');
    } else {
      client.write(encodeReply(store.get(a1 ?? '') ?? null));
    }
  };
  const primaryServer = await startFakeRedisServer(handler(() => nodes.primary), 0);
  nodes.primary = { server: primaryServer, id: 'a'.repeat(40), served: new Map() };
  const replicaServer = await startFakeRedisServer(handler(() => nodes.replica), 0);
  nodes.replica = { server: replicaServer, id: 'b'.repeat(40), served: new Map() };
  return {
    ...nodes,
    close: async () => {
      await Promise.all([primaryServer.close(), replicaServer.close()]);
    },
  };
}

const slotsEntry = (primary: FakeNode, ...replicas: FakeNode[]): FakeReply =>
  [[0, 16383, ...[primary, ...replicas].map((n) => ['127.0.0.1', n.server.port, n.id])]];

/** Redis 7.0's CLUSTER SHARDS right after a replica joined: the replica listed in a shard of its own, without slots. */
const freshReplicaShards = ({ primary, replica }: { primary: FakeNode; replica: FakeNode }): FakeReply => [
  ['slots', [0, 16383], 'nodes', [shardNode(primary.id, primary.server.port, 'master')]],
  ['slots', [], 'nodes', [shardNode(replica.id, replica.server.port, 'replica')]],
];

describe('ClusterClient on scripted CLUSTER SLOTS / CLUSTER SHARDS replies', () => {
  let cleanup: (() => Promise<void>)[] = [];
  /** A `readFrom: 'replica'` client seeded with the shard's primary, disconnected after the test. */
  const replicaReader = (shard: { primary: FakeNode }): ClusterClient => {
    const client = new ClusterClient({ nodes: [{ host: '127.0.0.1', port: shard.primary.server.port }], readFrom: 'replica', slotsRefreshInterval: 0 });
    cleanup.push(() => client.disconnect());
    return client;
  };
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  it("readFrom: 'replica' sends the reads to the replica from the first command (7.0 fresh-replica SHARDS shape)", async () => {
    const shard = await fakeShard({
      slots: ({ primary, replica }) => slotsEntry(primary, replica),
      shards: freshReplicaShards,
      primaryOf: () => shard.primary,
    });
    cleanup.push(shard.close);
    const client = replicaReader(shard);
    await client.connect();
    for (let i = 0; i < 100; i++) await client.get(`k${i}`);
    const onReplica = shard.replica.served.get('GET') ?? 0;
    expect(onReplica).toBeGreaterThanOrEqual(90);
    expect(onReplica + (shard.primary.served.get('GET') ?? 0)).toBe(100);
  });

  it('re-reads soon when CLUSTER SHARDS lists a replica the table does not place (gossip not converged)', async () => {
    let slotsReads = 0;
    const shard = await fakeShard({
      // The first CLUSTER SLOTS does not know the replica yet; later ones do.
      slots: ({ primary, replica }) => (++slotsReads === 1 ? slotsEntry(primary) : slotsEntry(primary, replica)),
      shards: freshReplicaShards,
      primaryOf: () => shard.primary,
    });
    cleanup.push(shard.close);
    const client = replicaReader(shard);
    await client.connect();
    expect(client.nodesManager.table.replicasFor(0)).toEqual([]);
    const refreshed = new Promise((resolve) => client.nodesManager.once('slots-refreshed', resolve));
    const timer = new Promise((_, reject) => setTimeout(() => reject(new Error('no re-read within 3 s')), 3000).unref());
    await Promise.race([refreshed, timer]);
    expect(client.nodesManager.table.replicasFor(0).map((r) => r.port)).toEqual([shard.replica.server.port]);
  });

  it('primary SIGKILL + promotion answered as 7.4.1 does (empty slot list): 0 hung, resumes within 1.5 s', async () => {
    let promoted = false;
    const shard = await fakeShard({
      slots: ({ primary, replica }) => (promoted ? slotsEntry(replica) : slotsEntry(primary, replica)),
      shards: ({ primary, replica }) => (promoted
        ? [['slots', [], 'nodes', [shardNode(primary.id, primary.server.port, 'master', 'failed'),
            shardNode(replica.id, replica.server.port, 'master')]]]
        : [['slots', [0, 16383], 'nodes', [shardNode(primary.id, primary.server.port, 'master'),
            shardNode(replica.id, replica.server.port, 'replica')]]]),
      primaryOf: () => (promoted ? shard.replica : shard.primary),
    });
    cleanup.push(shard.close);
    const client = new ClusterClient({
      nodes: [{ host: '127.0.0.1', port: shard.primary.server.port }, { host: '127.0.0.1', port: shard.replica.server.port }],
      commandTimeout: 4000, slotsRefreshInterval: 0,
    });
    cleanup.push(() => client.disconnect());
    await client.connect();

    // Bounded load: 8 workers SET/GET until stopped or the deadline passes, whichever comes first.
    const loadDeadline = Date.now() + 15_000;
    const HANG_MS = 8000;
    let stop = false;
    let ok = 0;
    let hung = 0;
    let promotedAt = 0;
    let firstOkAfterPromotion = 0;
    const failed = new Map<string, number>();
    const guard = <T>(p: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        hung++;
        reject(new Error('hung'));
      }, HANG_MS);
      p.then(resolve, reject).finally(() => clearTimeout(timer));
    });
    const workers = Array.from({ length: 8 }, async (_, w) => {
      for (let n = 0; !stop && Date.now() < loadDeadline; n++) {
        try {
          await guard(n % 2 === 0 ? client.set(`w${w}`, String(n)) : client.get(`w${w}`));
          ok++;
          if (promotedAt > 0 && firstOkAfterPromotion === 0) firstOkAfterPromotion = Date.now();
        } catch (error) {
          failed.set((error as Error).name, (failed.get((error as Error).name) ?? 0) + 1);
        }
        await new Promise((r) => setImmediate(r));
      }
    });
    try {
      await waitUntil('200 commands before the kill', () => ok > 200, 5000, 10);
      await shard.primary.server.close(); // SIGKILL: connections dropped, new ones refused
      await new Promise((r) => setTimeout(r, 1200)); // node timeout + election
      promoted = true;
      promotedAt = Date.now();
      await waitUntil('a command answered after the promotion', () => firstOkAfterPromotion > 0, 5000, 10);
      const okAtRecovery = ok;
      await waitUntil('200 more commands after the recovery', () => ok > okAtRecovery + 200, 5000, 10);
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    const resumeMs = firstOkAfterPromotion - promotedAt;
    console.log(`scripted 7.4.1 failover: resumed ${resumeMs} ms after the promotion; ${ok} ok, ${hung} hung; ` +
      `failed by type ${JSON.stringify(Object.fromEntries(failed))}`);
    expect(hung).toBe(0);
    expect(firstOkAfterPromotion).toBeGreaterThan(0);
    expect(resumeMs).toBeLessThanOrEqual(1500);
    expect(client.nodesManager.nodeForSlot(0, false).port).toBe(shard.replica.server.port);
    expect(shard.replica.served.get('SET') ?? 0).toBeGreaterThan(100);
  }, 30_000);
});
