import { ClusterClient } from '../../lib/cluster/index.js';
import { CLUSTER, requireTopology } from '../support/topology.js';

describe('ClusterClient scan iterators (official cluster topology)', () => {
  let cluster: ClusterClient;
  const prefix = `redwire-scan-${process.pid}-${Date.now()}`;
  const keys = Array.from({ length: 60 }, (_, i) => `${prefix}:${i}`);

  beforeAll(async () => {
    await requireTopology('cluster');
    cluster = new ClusterClient({ nodes: CLUSTER.nodes });
    await cluster.connect();
  });

  afterAll(async () => {
    await cluster.del(...keys, `${prefix}:hash`, `${prefix}:set`, `${prefix}:zset`);
    await cluster.quit();
  });

  it('scanIterator visits every primary and finds keys of every slot exactly once', async () => {
    await cluster.mset(Object.fromEntries(keys.map((k) => [k, 'v'])));
    const slots = new Set(keys.map((k) => cluster.keySlot(k)));
    const owners = new Set([...slots].map((slot) => cluster.nodesManager.nodeForSlot(slot, false).port));
    expect(owners.size).toBeGreaterThan(1); // the keys really are spread over several nodes

    const seen: string[] = [];
    for await (const key of cluster.scanIterator({ MATCH: `${prefix}:*`, COUNT: 100 })) seen.push(key);
    expect(seen.sort()).toEqual([...keys].sort());
  });

  it('hscan/sscan/zscan iterators follow the key to its node', async () => {
    await cluster.hset(`${prefix}:hash`, { a: '1', b: '2' });
    await cluster.sadd(`${prefix}:set`, 'x', 'y');
    await cluster.zadd(`${prefix}:zset`, [{ score: 1, member: 'm1' }, { score: 2, member: 'm2' }]);

    const fields: [string, string][] = [];
    for await (const pair of cluster.hscanIterator(`${prefix}:hash`)) fields.push(pair);
    const members: string[] = [];
    for await (const m of cluster.sscanIterator(`${prefix}:set`)) members.push(m);
    const scored: { member: string; score: number }[] = [];
    for await (const m of cluster.zscanIterator(`${prefix}:zset`)) scored.push(m);

    expect(fields.sort()).toEqual([['a', '1'], ['b', '2']]);
    expect(members.sort()).toEqual(['x', 'y']);
    expect(scored).toEqual([{ member: 'm1', score: 1 }, { member: 'm2', score: 2 }]);
  });
});
