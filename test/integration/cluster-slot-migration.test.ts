import { ClusterClient } from '../../lib/cluster/index.js';
import { RedisError } from '../../lib/errors/index.js';
import { Connection } from '../../lib/connection/connection.js';
import { CLUSTER, HOST, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

const WORKERS = 50;

async function withNode<T>(port: number, fn: (c: Connection) => Promise<T>): Promise<T> {
  const conn = new Connection({ host: HOST, port, retry: false });
  try {
    await conn.connect();
    return await fn(conn);
  } finally {
    await conn.disconnect();
  }
}

async function primaries(): Promise<{ port: number; id: string }[]> {
  const out: { port: number; id: string }[] = [];
  for (const port of CLUSTER.ports) {
    await withNode(port, async (c) => {
      const role = (await c.sendCommand(['ROLE'])) as unknown[];
      if (role[0] === 'master') out.push({ port, id: String(await c.sendCommand(['CLUSTER', 'MYID'])) });
    });
  }
  return out;
}

/** Moves `slot` from `from` to `to` by the spec's steps (IMPORTING, MIGRATING, MIGRATE in batches, SETSLOT NODE). */
async function migrateSlot(slot: number, from: { port: number; id: string }, to: { port: number; id: string },
  all: { port: number }[], onBatch?: () => Promise<void>): Promise<number> {
  let moved = 0;
  await withNode(to.port, (c) => c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'IMPORTING', from.id]));
  await withNode(from.port, async (c) => {
    await c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id]);
    for (;;) {
      const keys = (await c.sendCommand(['CLUSTER', 'GETKEYSINSLOT', slot, 10])) as string[];
      if (keys.length === 0) break;
      await c.sendCommand(['MIGRATE', HOST, to.port, '', 0, 5000, 'REPLACE', 'KEYS', ...keys]);
      moved += keys.length;
      await onBatch?.();
    }
  });
  await withNode(to.port, (c) => c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'NODE', to.id]));
  await withNode(from.port, (c) => c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'NODE', to.id]));
  for (const p of all) {
    if (p.port !== from.port && p.port !== to.port) {
      await withNode(p.port, (c) => c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'NODE', to.id]));
    }
  }
  return moved;
}

describe('ClusterClient during a slot migration (official cluster topology)', () => {
  const clients: ClusterClient[] = [];
  let restore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    await requireTopology('cluster');
  });

  afterAll(async () => {
    await restore?.();
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('follows ASK and MOVED while 50 clients read and write the migrating slot: zero failed commands', async () => {
    for (let i = 0; i < WORKERS; i++) {
      clients.push(new ClusterClient({ nodes: CLUSTER.nodes, connectionFactory: (o) => new Connection(o),
        slotsRefreshInterval: 0 }));
    }
    await Promise.all(clients.map((c) => c.connect()));
    const slot = clients[0]!.keySlot('{mig}');
    const all = await primaries();
    const sourcePort = clients[0]!.nodesManager.nodeForSlot(slot, false).port;
    const source = all.find((p) => p.port === sourcePort)!;
    const target = all.find((p) => p.port !== sourcePort)!;
    // Seed keys so MIGRATE has work to do in several batches.
    await clients[0]!.call('MSET', ...Array.from({ length: 200 }, (_, i) => [`{mig}:seed:${i}`, String(i)]).flat());

    let stop = false;
    let ok = 0;
    const failures: Error[] = [];
    let batches = 0;
    const workers = clients.map(async (client, w) => {
      let n = 0;
      // Bounded: a failing test stops its load too.
      const deadline = Date.now() + 120_000;
      while (!stop && Date.now() < deadline) {
        const key = `{mig}:w${w}:${n % 4}`;
        try {
          await client.set(key, String(n));
          const value = await client.get(key);
          if (value !== String(n)) throw new Error(`read ${String(value)} after writing ${n} to ${key}`);
          await client.get(`{mig}:seed:${n % 200}`);
          ok += 3;
        } catch (error) {
          failures.push(error as Error);
        }
        n++;
      }
    });
    const started = Date.now();
    let moved: number;
    try {
      moved = await migrateSlot(slot, source, target, all, async () => {
        // Let the workers run against the half-migrated slot between batches.
        const before = ok;
        await waitUntil('150 more commands answered during the migration', () => ok >= before + 150, 20_000, 1);
        batches++;
      });
      // Traffic after the switch: stale tables get MOVED.
      const after = ok;
      await waitUntil('500 more commands answered after the migration', () => ok >= after + 500, 20_000, 1);
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    console.log(`slot migration: slot ${slot} ${source.port}->${target.port}, ${moved} keys migrated in ${batches} batches, ` +
      `${ok} commands ok, ${failures.length} failed, ${Date.now() - started} ms`);
    restore = async () => {
      await migrateSlot(slot, target, source, all);
      restore = undefined;
    };
    expect(failures.map((e) => `${e.name}: ${e.message}`)).toEqual([]);
    expect(clients[0]!.nodesManager.nodeForSlot(slot, false).port).toBe(target.port);
    expect(await clients[1]!.get('{mig}:seed:7')).toBe('7');
    await restore();
    expect(await clients[2]!.get('{mig}:seed:8')).toBe('8');
    // Leave the slot empty for the next run (keys of earlier runs included).
    const owner = new Connection({ host: HOST, port: source.port, lazyConnect: true });
    try {
      for (;;) {
        const left = (await owner.sendCommand(['CLUSTER', 'GETKEYSINSLOT', slot, 500])) as string[];
        if (left.length === 0) break;
        await owner.sendCommand(['DEL', ...left]);
      }
    } finally {
      await owner.disconnect();
    }
  });
  it('runs a transaction on a key that already moved to the importing node (ASKING, MULTI, …, EXEC), never split', async () => {
    const client = new ClusterClient({ nodes: CLUSTER.nodes, slotsRefreshInterval: 0, commandTimeout: 1500 });
    clients.push(client);
    await client.connect();
    const moved = '{askmulti}:moved';
    const stays = '{askmulti}:stays';
    const slot = client.keySlot(moved);
    const all = await primaries();
    const sourcePort = client.nodesManager.nodeForSlot(slot, false).port;
    const source = all.find((p) => p.port === sourcePort)!;
    const target = all.find((p) => p.port !== sourcePort)!;
    await client.set(moved, 'before');
    await client.set(stays, 'kept');
    const onTarget = (args: (string | number)[]): Promise<unknown> =>
      withNode(target.port, async (c) => {
        await c.sendCommand(['ASKING']);
        return c.sendCommand(args);
      });
    try {
      // Half-way through a migration: `moved` is on the importing node, `stays` still on the migrating one.
      await withNode(target.port, (c) => c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id]));
      await withNode(source.port, async (c) => {
        await c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id]);
        await c.sendCommand(['MIGRATE', HOST, target.port, moved, 0, 5000, 'REPLACE']);
      });
      // The source answers ASK while queueing (EXECABORT); the transaction then runs whole on the importing node.
      expect(await client.multi().set(moved, 'after').get(moved).exec()).toEqual([[null, 'OK'], [null, 'after']]);
      expect(await onTarget(['GET', moved])).toBe('after');
      // Keys still on the source: the source runs it, as before any migration.
      expect(await client.multi().get(stays).exec()).toEqual([[null, 'kept']]);
      // Keys on both nodes: neither node may run it (the importing node answers TRYAGAIN), so it fails typed
      // within the client's commandTimeout and nothing was applied anywhere.
      const split = client.multi().set(moved, 'split').set(stays, 'split').exec();
      await expect(split).rejects.toBeInstanceOf(RedisError);
      expect(await onTarget(['GET', moved])).toBe('after');
      expect(await withNode(source.port, (c) => c.sendCommand(['GET', stays]))).toBe('kept');
    } finally {
      // Undo: the source stops migrating (a migrating node refuses to restore a key it lacks), the key goes back
      // to it, the target stops importing, the slot is left empty.
      await withNode(source.port, (c) => c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'STABLE']));
      await onTarget(['MIGRATE', HOST, source.port, moved, 0, 5000, 'REPLACE']);
      await withNode(target.port, (c) => c.sendCommand(['CLUSTER', 'SETSLOT', slot, 'STABLE']));
      await client.del(moved, stays);
    }
  });
});
