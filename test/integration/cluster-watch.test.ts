import { ClusterClient } from '../../lib/cluster/index.js';
import { CrossSlotError, WatchError } from '../../lib/errors/index.js';
import { CLUSTER, requireTopology } from '../support/topology.js';

describe('ClusterClient.watch (official cluster topology)', () => {
  let cluster: ClusterClient;
  let other: ClusterClient;
  const tag = `{redwire-watch-${process.pid}}`;
  const key = `${tag}:n`;

  /** Leases held on the pool of the node owning `key` (0 when every watch released its connection). */
  const leased = (): number => cluster.nodesManager.poolFor(cluster.nodesManager.nodeForSlot(cluster.keySlot(key), false)).stats().leased;

  beforeAll(async () => {
    await requireTopology('cluster');
    cluster = new ClusterClient({ nodes: CLUSTER.nodes });
    other = new ClusterClient({ nodes: CLUSTER.nodes });
    await Promise.all([cluster.connect(), other.connect()]);
  });

  afterAll(async () => {
    await cluster.del(key, `${tag}:other`);
    await Promise.all([cluster.quit(), other.quit()]);
  });

  it('reads, then EXECs the queued writes on the node that holds the WATCH', async () => {
    await cluster.set(key, '1');
    const results = await cluster.watch(key, async (tx) => {
      const value = Number(await tx.get(key));
      tx.multi().set(key, String(value + 1)).set(`${tag}:other`, 'x');
    });
    expect(results).toEqual([[null, 'OK'], [null, 'OK']]);
    expect(await cluster.get(key)).toBe('2');
    expect(leased()).toBe(0);
  });

  it('rejects with WatchError when another client writes a watched key before EXEC; nothing applied', async () => {
    await cluster.set(key, '10');
    const error = await cluster
      .watch([key], async (tx) => {
        const value = Number(await tx.get(key));
        await other.set(key, '100');
        tx.multi().set(key, String(value + 1));
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchError);
    expect(await cluster.get(key)).toBe('100');
    expect(leased()).toBe(0);
  });

  it('refuses keys of several slots before sending anything', async () => {
    let ran = false;
    const error = await cluster.watch([key, 'redwire-watch-elsewhere'], () => { ran = true; }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrossSlotError);
    expect(ran).toBe(false);
  });

  it('follows a MOVED answering WATCH (stale slot table) before the callback runs', async () => {
    const slot = cluster.keySlot(key);
    const owner = cluster.nodesManager.nodeForSlot(slot, false);
    const wrong = cluster.nodesManager.table.primaries().find((n) => n.port !== owner.port)!;
    cluster.nodesManager.applyMoved(slot, wrong); // the table now points at a node that does not own the slot
    let calls = 0;
    const results = await cluster.watch(key, (tx) => {
      calls++;
      tx.multi().set(key, 'after-moved');
    });
    expect(results).toEqual([[null, 'OK']]);
    expect(calls).toBe(1);
    expect(cluster.nodesManager.nodeForSlot(slot, false).port).toBe(owner.port);
    expect(await other.get(key)).toBe('after-moved');
  });

  it('releases and unwatches when the callback throws', async () => {
    await expect(cluster.watch(key, () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
    expect(leased()).toBe(0);
    // The released connection watches nothing any more: a transaction after a foreign write still applies.
    await other.set(key, 'foreign');
    expect(await cluster.multi().set(key, 'mine').exec()).toEqual([[null, 'OK']]);
    expect(await cluster.get(key)).toBe('mine');
  });
});
