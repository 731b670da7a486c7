import { ClusterClient } from '../../lib/cluster/index.js';
import { Connection } from '../../lib/connection/connection.js';
import { CLUSTER, HOST, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

/** Which port holds `key` right now, asked of every primary directly with a plain client. */
async function ownerPort(client: ClusterClient, key: string): Promise<number> {
  const slot = client.keySlot(key);
  return client.nodesManager.nodeForSlot(slot, false).port;
}

describe('ClusterClient routing (official cluster topology)', () => {
  let client: ClusterClient;
  const direct = new Map<number, Connection>();

  beforeAll(async () => {
    await requireTopology('cluster');
    client = new ClusterClient({ nodes: CLUSTER.nodes, connectionFactory: (o) => new Connection(o) });
    await client.connect();
    for (const port of CLUSTER.ports) {
      const conn = new Connection({ host: HOST, port, retry: false });
      await conn.connect();
      direct.set(port, conn);
    }
  });

  afterAll(async () => {
    await client?.quit();
    await Promise.all([...direct.values()].map((c) => c.disconnect()));
  });

  it('stores a key on the node that owns its slot (checked with CLUSTER KEYSLOT + the node itself)', async () => {
    for (const key of ['alpha', 'beta', 'gamma', 'delta', 'user:1', 'user:2']) {
      await client.set(key, `v-${key}`);
      const port = await ownerPort(client, key);
      const node = direct.get(port)!;
      expect(await node.sendCommand(['CLUSTER', 'KEYSLOT', key])).toBe(client.keySlot(key));
      expect(await node.sendCommand(['GET', key])).toBe(`v-${key}`);
      expect(await client.get(key)).toBe(`v-${key}`);
    }
  });

  it('routes keys sharing a {hash tag} to one slot, so multi-key commands work on them', async () => {
    expect(client.keySlot('{cart}:a')).toBe(client.keySlot('{cart}:b'));
    await client.call('MSET', '{cart}:a', '1', '{cart}:b', '2');
    expect(await client.call('MGET', '{cart}:a', '{cart}:b')).toEqual(['1', '2']);
    await expect(client.call('RENAME', '{cart}:a', '{cart}:c')).resolves.toBe('OK');
  });

  it('splits MGET/DEL across slots and answers in the caller order', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `split:${i}`);
    const slots = new Set(keys.map((k) => client.keySlot(k)));
    expect(slots.size).toBeGreaterThan(3);
    await client.call('MSET', ...keys.flatMap((k, i) => [k, `v${i}`]));
    const values = await client.call('MGET', ...keys, 'split:missing');
    expect(values).toEqual([...keys.map((_, i) => `v${i}`), null]);
    expect(await client.call('EXISTS', ...keys)).toBe(30);
    expect(await client.call('DEL', ...keys)).toBe(30);
  });

  it('fans keyless commands out: DBSIZE sums all primaries, KEYS concatenates, PING answers', async () => {
    await client.call('SET', 'fan:a', '1');
    await client.call('SET', 'fan:b', '1');
    let sum = 0;
    for (const port of CLUSTER.ports) {
      const role = String(await direct.get(port)!.sendCommand(['ROLE']).then((r) => (r as unknown[])[0]));
      if (role === 'master') sum += Number(await direct.get(port)!.sendCommand(['DBSIZE']));
    }
    expect(await client.call('DBSIZE')).toBe(sum);
    const keys = (await client.call('KEYS', 'fan:*')) as string[];
    expect(keys.sort()).toEqual(['fan:a', 'fan:b']);
    expect(await client.call('PING')).toBe('PONG');
    const sha = await client.call('SCRIPT', 'LOAD', 'return 1');
    for (const { pool, node } of client.nodesManager.nodePools()) {
      if (node.role === 'primary') expect(await pool.sendCommand(['SCRIPT', 'EXISTS', String(sha)])).toEqual([1]);
    }
  });

  it('finds keys of commands outside the built-in table through COMMAND INFO key specs', async () => {
    await client.call('ZADD', 'zs:{x}1', '1', 'a');
    await client.call('ZADD', 'zs:{x}2', '2', 'b');
    // ZUNION numkeys key [key ...]: keys found by the keynum key spec.
    expect(await client.call('ZUNION', '2', 'zs:{x}1', 'zs:{x}2')).toEqual(['a', 'b']);
    expect(await client.call('OBJECT', 'ENCODING', 'zs:{x}1')).toBe('listpack');
    await expect(client.call('ZUNION', '2', 'zs:1', 'zs:other')).rejects.toMatchObject({ name: 'CrossSlotError' });
  });

  it('runs a pipeline across slots and returns [error, result] in the order commands were added', async () => {
    const p = client.pipeline();
    for (let i = 0; i < 20; i++) p.set(`pipe:${i}`, String(i));
    for (let i = 0; i < 20; i++) p.get(`pipe:${i}`);
    p.call('INCR', 'pipe:0');
    p.call('HSET', 'pipe:1', 'f', 'v');
    const results = await p.exec();
    expect(results.slice(0, 20).every(([e, r]) => e === null && r === 'OK')).toBe(true);
    expect(results.slice(20, 40).map(([, r]) => r)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(results[40]).toEqual([null, 1]);
    expect(results[41]?.[0]).toMatchObject({ name: 'WrongTypeError' });
  });

  it('keeps positions when a pipeline call has invalid arguments, and runs once (a second exec() resolves [])', async () => {
    const p = client.pipeline().set('pipe:bad:a', '1').set('pipe:bad:b', 'v', { NX: true, XX: true }).get('pipe:bad:a');
    expect(p.length).toBe(3);
    const results = await p.exec();
    expect(results[0]).toEqual([null, 'OK']);
    expect(results[1]?.[0]).toMatchObject({ name: 'DataError' });
    expect(results[2]).toEqual([null, '1']);
    expect(p.executed).toBe(true);
    await expect(p.exec()).resolves.toEqual([]);
    // An invalid call fails the whole transaction before anything is sent.
    await expect(client.multi().set('{tx}c', '1').set('{tx}d', 'v', { NX: true, XX: true }).exec()).rejects.toMatchObject({ name: 'DataError' });
    expect(await client.exists('{tx}c')).toBe(0);
  });

  it('duplicate() is an independent client with the same options plus overrides', async () => {
    const copy = client.duplicate({ clientName: 'redwire-dup' });
    try {
      await copy.set('dup:{d}', 'from-copy');
      expect(await client.get('dup:{d}')).toBe('from-copy');
      // Its own connections, named by the override; the original's are not.
      expect(await copy.call('CLIENT', 'GETNAME')).toBe('redwire-dup');
      expect(await client.call('CLIENT', 'GETNAME')).toBeNull();
      expect(copy.nodesManager).not.toBe(client.nodesManager);
    } finally {
      await copy.quit();
    }
    // Closing the copy leaves the original working.
    expect(await client.get('dup:{d}')).toBe('from-copy');
  });

  it('runs MULTI on one slot and refuses keys of two slots before sending', async () => {
    const results = await client.multi().call('SET', '{tx}a', '1').call('INCR', '{tx}a').exec();
    expect(results).toEqual([[null, 'OK'], [null, 2]]);
    await expect(client.multi().call('SET', 'tx-a', '1').call('SET', 'tx-b', '1').exec())
      .rejects.toMatchObject({ name: 'CrossSlotError' });
  });

  it('ssubscribes on the node owning the shard channel and subscribes classic channels on one node', async () => {
    const shardMessages: string[] = [];
    const classic: string[] = [];
    await client.ssubscribe('news{eu}', (m) => shardMessages.push(String(m)));
    await client.subscribe('broadcast', (m) => classic.push(String(m)));
    const owner = client.nodesManager.nodeForSlot(client.keySlot('news{eu}'), false);
    expect(await direct.get(owner.port)!.sendCommand(['PUBSUB', 'SHARDNUMSUB', 'news{eu}'])).toEqual(['news{eu}', 1]);
    await client.call('SPUBLISH', 'news{eu}', 'hello');
    await client.call('PUBLISH', 'broadcast', 'hi');
    await waitUntil('both messages to arrive', () => shardMessages.length > 0 && classic.length > 0);
    expect(shardMessages).toEqual(['hello']);
    expect(classic).toEqual(['hi']);
    await client.sunsubscribe('news{eu}');
    await client.unsubscribe('broadcast');
  });
});
