import { parseClusterShards, parseClusterSlots, SlotTable, keySlot } from '../../lib/cluster/index.js';
import { createAddressMapper } from '../../lib/cluster/address-mapper.js';
import { mergeReplies } from '../../lib/cluster/command-policy.js';
import { keysFromInfo, parseCommandInfo } from '../../lib/cluster/command-info.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';

const node2 = (port: number, role: string, health = 'online', endpoint = '10.0.0.1'): RespValue[] =>
  ['id', `id${port}`, 'port', port, 'ip', '10.0.0.1', 'endpoint', endpoint, 'role', role, 'replication-offset', 1, 'health', health];
const map3 = (flat: RespValue[]): RespValue => {
  const o = Object.create(null) as Record<string, RespValue>;
  for (let i = 0; i < flat.length; i += 2) o[String(flat[i])] = flat[i + 1] ?? null;
  return o;
};

describe('cluster topology parsing', () => {
  const resp2Shards: RespValue = [
    ['slots', [0, 5460, 10923, 16383], 'nodes', [node2(7000, 'master'), node2(7003, 'replica', 'loading')]],
    ['slots', [5461, 10922], 'nodes', [node2(7001, 'master'), node2(7004, 'replica', 'online', '')]],
  ];

  it('reads CLUSTER SHARDS in RESP2 and RESP3 shapes to the same shards', () => {
    const resp3Shards: RespValue = (resp2Shards as RespValue[][]).map((s) => map3([
      'slots', s[1] ?? null, 'nodes', (s[3] as RespValue[][]).map(map3),
    ]));
    const a = parseClusterShards(resp2Shards, 'asked-host');
    const b = parseClusterShards(resp3Shards, 'asked-host');
    expect(b).toEqual(a);
    expect(a[0]?.slots).toEqual([[0, 5460], [10923, 16383]]);
    expect(a[0]?.primary).toMatchObject({ address: '10.0.0.1:7000', role: 'primary' });
    expect(a[0]?.replicas[0]).toMatchObject({ port: 7003, health: 'loading' });
    // An empty endpoint means "the host you asked".
    expect(a[1]?.replicas[0]?.host).toBe('asked-host');
  });

  it('reads CLUSTER SLOTS, merging ranges of one primary, NULL endpoint = asked host', () => {
    const reply: RespValue = [
      [0, 100, ['10.0.0.1', 7000, 'a', []], ['10.0.0.2', 7003, 'd', []]],
      [101, 16383, [null, 7001, 'b', []]],
      [200, 300, ['10.0.0.1', 7000, 'a', []]],
    ];
    const shards = parseClusterSlots(reply, 'seed');
    expect(shards).toHaveLength(2);
    expect(shards[0]?.slots).toEqual([[0, 100], [200, 300]]);
    expect(shards[0]?.replicas.map((r) => r.port)).toEqual([7003]);
    expect(shards[1]?.primary.host).toBe('seed');
  });

  it('maps announced addresses through natMap (host:port, then host) and addressMap', () => {
    const mapper = createAddressMapper(
      { '10.0.0.1:7000': { host: 'localhost', port: 17000 }, '10.0.0.9': { host: 'proxy' } },
      (a) => ({ host: a.host.toUpperCase(), port: a.port }),
    );
    expect(mapper({ host: '10.0.0.1', port: 7000 })).toEqual({ host: 'LOCALHOST', port: 17000 });
    expect(mapper({ host: '10.0.0.9', port: 7005 })).toEqual({ host: 'PROXY', port: 7005 });
    const shards = parseClusterShards(resp2Shards, 'x', createAddressMapper({ '10.0.0.1:7000': { host: 'nat', port: 1 } }));
    expect(shards[0]?.primary.address).toBe('nat:1');
  });

  it('checks coverage and patches one slot on MOVED', () => {
    const partial = new SlotTable(parseClusterShards([resp2Shards[0] as RespValue], 'x'));
    expect(partial.fullyCovered).toBe(false);
    expect(partial.uncoveredRanges()).toEqual([[5461, 10922]]);
    const table = new SlotTable(parseClusterShards(resp2Shards, 'x'));
    expect(table.fullyCovered).toBe(true);
    const moved = table.primaryFor(6000)!;
    table.assign(100, moved);
    expect(table.primaryFor(100)?.port).toBe(7001);
    expect(table.primaryFor(99)?.port).toBe(7000);
  });

  it('hashes only the {hash tag} when there is a non-empty one', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('123')).toBe(keySlot(123));
    expect(keySlot('foo')).toBe(12182);
  });
});

describe('keys from COMMAND INFO key specs', () => {
  const spec = (begin: RespValue[], find: RespValue[], flags: string[] = []): RespValue[] =>
    ['notes', '', 'flags', flags, 'begin_search', begin, 'find_keys', find];
  it('evaluates index+range, keyword+range and keynum specs', () => {
    const zunion = parseCommandInfo(['zunion', -3, ['readonly', 'movablekeys'], 0, 0, 0, [], [],
      [spec(['type', 'index', 'spec', ['index', 1]], ['type', 'keynum', 'spec', ['keynumidx', 0, 'firstkey', 1, 'keystep', 1]])], []])!;
    expect(keysFromInfo(zunion, ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', '2'])).toEqual(['a', 'b']);
    expect(zunion.readonly).toBe(true);
    expect(zunion.needsGetKeys).toBe(false);
    const xread = parseCommandInfo(['xread', -4, ['readonly', 'movablekeys'], 0, 0, 0, [], [],
      [spec(['type', 'keyword', 'spec', ['keyword', 'STREAMS', 'startfrom', 1]], ['type', 'range', 'spec', ['lastkey', -1, 'keystep', 1, 'limit', 2]])], []])!;
    expect(keysFromInfo(xread, ['XREAD', 'COUNT', 2, 'STREAMS', 's1', 's2', '0', '0'])).toEqual(['s1', 's2']);
    const legacy = parseCommandInfo(['mset', -3, ['write'], 1, -1, 2])!;
    expect(keysFromInfo(legacy, ['MSET', 'a', '1', 'b', '2'])).toEqual(['a', 'b']);
    const incomplete = parseCommandInfo(['sort', -2, ['write', 'movablekeys'], 1, 1, 1, [], [],
      [spec(['type', 'unknown', 'spec', []], ['type', 'unknown', 'spec', []], ['incomplete'])], []])!;
    expect(incomplete.needsGetKeys).toBe(true);
  });
});

describe('merging fanned-out replies', () => {
  const ok = (value: RespValue) => ({ ok: true as const, value });
  it('sums, concatenates, ANDs, and fails on any error unless one success suffices', () => {
    expect(mergeReplies('sum', [ok(1), ok(2), ok(3)], 'DBSIZE')).toBe(6);
    expect(mergeReplies('concat', [ok(['a']), ok([]), ok(['b', 'c'])], 'KEYS')).toEqual(['a', 'b', 'c']);
    expect(mergeReplies('logical-and', [ok([1, 0]), ok([1, 1])], 'SCRIPT')).toEqual([1, 0]);
    const boom = new Error('down');
    expect(() => mergeReplies('all-succeeded', [ok('OK'), { ok: false, error: boom }], 'FLUSHALL')).toThrow();
    expect(mergeReplies('one-succeeded', [{ ok: false, error: boom }, ok('OK')], 'SCRIPT')).toBe('OK');
  });

  it('unites channel lists and sums subscriber counts per channel (PUBSUB CHANNELS / NUMSUB on every node)', () => {
    expect(mergeReplies('union', [ok(['a', 'b']), ok([]), ok(['b', 'c'])], 'PUBSUB')).toEqual(['a', 'b', 'c']);
    expect(mergeReplies('sum-per-name', [ok(['a', 1, 'b', 0]), ok(['a', 2, 'b', 3]), ok({ a: 0, b: 1 })], 'PUBSUB'))
      .toEqual(['a', 3, 'b', 4]);
  });
});
