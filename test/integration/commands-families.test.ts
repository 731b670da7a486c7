import { Connection } from '../../lib/connection/index.js';
import { CommandsBase, defineScript, type CommandCall } from '../../lib/client/commands/index.js';
import { NoScriptError, WrongTypeError } from '../../lib/errors/index.js';
import { requireTopology, STANDALONE } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

/** Test-only client: the typed methods over one Connection (RedisClient is built elsewhere on the same base). */
class ConnectionClient extends CommandsBase {
  constructor(readonly connection: Connection) {
    super();
  }

  protected async executeCommand<T>(call: CommandCall<T>): Promise<T> {
    const reply = await this.connection.sendCommand(call.args, {
      returnBuffers: call.returnBuffers,
      signal: call.signal,
      // A blocking command must outlive its block time (0 = forever: no timeout).
      timeout: call.blocking ? (call.blockTimeoutMs === 0 ? 0 : (call.blockTimeoutMs ?? 0) + 5000) : call.timeout,
    });
    return call.transform ? call.transform(reply) : (reply as T);
  }
}

const P = 'redwire-commands-it:';
const clients: Record<2 | 3, ConnectionClient> = {} as Record<2 | 3, ConnectionClient>;

type Scenario = (c: ConnectionClient) => Promise<unknown>;

/** Runs the scenario in RESP2 then RESP3 on the same keys (deleted before each run) and returns both results. */
async function inBothProtocols(scenario: Scenario): Promise<[unknown, unknown]> {
  const results: unknown[] = [];
  for (const protocol of [2, 3] as const) {
    const client = clients[protocol];
    await cleanup(client);
    results.push(await scenario(client));
  }
  return [results[0], results[1]];
}

async function cleanup(client: ConnectionClient): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, { MATCH: `${P}*`, COUNT: 1000 });
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

beforeAll(async () => {
  await requireTopology('standalone');
  for (const protocol of [2, 3] as const) {
    const connection = new Connection({ host: STANDALONE.host, port: STANDALONE.port, protocol });
    await connection.connect();
    expect(connection.protocol).toBe(protocol);
    clients[protocol] = new ConnectionClient(connection);
  }
});

afterAll(async () => {
  for (const client of Object.values(clients)) {
    await cleanup(client);
    await client.connection.disconnect();
  }
});

const k = (name: string): string => `${P}${name}`;

describe('typed command families give identical results in RESP2 and RESP3', () => {
  it('strings', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => [
      await c.set(k('s'), 'v1'),
      await c.set(k('s'), 'v2', { GET: true, EX: 100 }),
      await c.set(k('s'), 'x', { NX: true }),
      await c.get(k('s')),
      await c.get(k('missing')),
      await c.mset({ [k('a')]: 1, [k('b')]: 'two' }),
      await c.mget(k('a'), k('b'), k('missing')),
      await c.msetnx(k('a'), 5, k('c'), 6),
      await c.incr(k('a')),
      await c.incrby(k('a'), 10),
      await c.incrbyfloat(k('a'), 0.5),
      await c.decr(k('n')),
      await c.decrby(k('n'), 2),
      await c.append(k('b'), '!'),
      await c.strlen(k('b')),
      await c.getrange(k('b'), 0, 1),
      await c.setrange(k('b'), 0, 'T'),
      await c.setnx(k('b'), 'no'),
      await c.setex(k('e'), 100, 'v'),
      await c.psetex(k('pe'), 100000, 'v'),
      await c.getex(k('e'), { PERSIST: true }),
      await c.ttl(k('e')),
      await c.getdel(k('e')),
    ]);
    expect(r3).toEqual(r2);
    expect(r2).toEqual([
      'OK', 'v1', null, 'v2', null, 'OK', ['1', 'two', null], false, 2, 12, 12.5, -1, -3, 4, 4, 'tw', 4, false,
      'OK', 'OK', 'v', -1, 'v',
    ]);
  });

  it('keys and expiry', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      await c.mset(k('k1'), 'a', k('k2'), 'b');
      const dumped = await c.dump(k('k1'));
      return [
        await c.exists(k('k1'), k('k2'), k('nope')),
        await c.expire(k('k1'), 100),
        await c.expire(k('k1'), 50, 'GT'),
        await c.pexpire(k('k1'), 200000, 'GT'),
        (await c.pttl(k('k1'))) > 100000,
        await c.persist(k('k1')),
        await c.ttl(k('k1')),
        await c.expiretime(k('k1')),
        await c.type(k('k1')),
        await c.rename(k('k1'), k('k3')),
        await c.renamenx(k('k3'), k('k2')),
        await c.copy(k('k3'), k('k4')),
        (await c.keys(`${P}k*`)).sort(),
        await c.touch(k('k3'), k('nope')),
        Buffer.isBuffer(dumped),
        await c.restore(k('restored'), 0, dumped as Buffer),
        await c.get(k('restored')),
        await c.objectEncoding(k('k3')),
        await c.objectEncoding(k('nope')),
        await c.unlink(k('k3'), k('k4')),
        await c.del(k('k2'), k('restored'), k('nope')),
      ];
    });
    expect(r3).toEqual(r2);
    expect(r2).toEqual([
      2, true, false, true, true, true, -1, -1, 'string', 'OK', false, true, [k('k2'), k('k3'), k('k4')], 1, true, 'OK',
      'a', 'embstr', null, 2, 2,
    ]);
  });

  it('scan steps through every key', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      await c.mset(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [k(`scan:${i}`), i])));
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const [next, keys] = await c.scan(cursor, { MATCH: `${P}scan:*`, COUNT: 7, TYPE: 'string' });
        for (const key of keys) seen.add(key);
        cursor = next;
      } while (cursor !== '0');
      return seen.size;
    });
    expect(r2).toBe(30);
    expect(r3).toBe(30);
  });

  it('hashes', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const h = k('h');
      const result: unknown[] = [
        await c.hset(h, { f1: 'v1', f2: 'v2' }),
        await c.hset(h, 'f3', 3),
        await c.hget(h, 'f1'),
        await c.hmget(h, 'f1', 'nope'),
        await c.hgetall(h),
        await c.hgetall(k('nope')),
        await c.hexists(h, 'f1'),
        await c.hincrby(h, 'f3', 2),
        await c.hincrbyfloat(h, 'f3', 0.25),
        (await c.hkeys(h)).sort(),
        (await c.hvals(h)).sort(),
        await c.hlen(h),
        await c.hstrlen(h, 'f1'),
        await c.hsetnx(h, 'f1', 'x'),
        (await c.hrandfieldWithValues(h, 3)).sort(),
        (await c.hrandfieldCount(h, 3)).sort(),
        await c.hrandfield(k('nope')),
      ];
      const [cursor, entries] = await c.hscan(h, 0);
      result.push(cursor, entries.sort(), await c.hdel(h, 'f1', 'nope'));
      return result;
    });
    expect(r3).toEqual(r2);
    expect(r2).toEqual([
      2, 1, 'v1', ['v1', null], { f1: 'v1', f2: 'v2', f3: '3' }, {}, true, 5, 5.25, ['f1', 'f2', 'f3'],
      ['5.25', 'v1', 'v2'], 3, 2, false, [['f1', 'v1'], ['f2', 'v2'], ['f3', '5.25']], ['f1', 'f2', 'f3'], null, '0',
      [['f1', 'v1'], ['f2', 'v2'], ['f3', '5.25']], 1,
    ]);
  });

  it('lists, including blocking pops', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const l = k('l');
      return [
        await c.rpush(l, 'a', 'b', 'c', 'b'),
        await c.lpush(l, 'z'),
        await c.lrange(l, 0, -1),
        await c.llen(l),
        await c.lindex(l, 1),
        await c.lpos(l, 'b'),
        await c.lpos(l, 'b', { COUNT: 0 }),
        await c.lset(l, 0, 'Z'),
        await c.linsert(l, 'BEFORE', 'c', 'bc'),
        await c.lrem(l, 1, 'b'),
        await c.lpop(l),
        await c.rpop(l, 2),
        await c.lpop(k('nope'), 2),
        await c.lmove(l, k('l2'), 'LEFT', 'RIGHT'),
        await c.rpoplpush(k('l2'), l),
        await c.ltrim(l, 0, 0),
        await c.lmpop([k('nope'), l], 'LEFT', 5),
        await c.rpush(k('q'), 'x', 'y'),
        await c.blpop([k('nope'), k('q')], 1),
        await c.brpop(k('q'), 1),
        await c.blpop(k('q'), 0.05),
        await c.rpush(k('q'), 'm'),
        await c.blmove(k('q'), k('q2'), 'LEFT', 'LEFT', 1),
        await c.brpoplpush(k('q2'), k('q'), 1),
        await c.blmpop(1, [k('q')], 'RIGHT'),
        await c.lpushx(k('nope'), 'x'),
      ];
    });
    expect(r3).toEqual(r2);
    expect(r2).toEqual([
      4, 5, ['z', 'a', 'b', 'c', 'b'], 5, 'a', 2, [2, 4], 'OK', 6, 1, 'Z', ['b', 'c'], null, 'a', 'a', 'OK',
      { key: k('l'), elements: ['a'] }, 2, [k('q'), 'x'], [k('q'), 'y'], null, 1, 'm', 'm', { key: k('q'), elements: ['m'] }, 0,
    ]);
  });

  it('sets', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const [s1, s2] = [k('{s}1'), k('{s}2')];
      await c.sadd(s2, 'b', 'c', 'd');
      return [
        await c.sadd(s1, 'a', 'b', 'c'),
        (await c.smembers(s1)).sort(),
        await c.sismember(s1, 'a'),
        await c.smismember(s1, 'a', 'x'),
        await c.scard(s1),
        (await c.sinter(s1, s2)).sort(),
        (await c.sunion(s1, s2)).sort(),
        (await c.sdiff(s1, s2)).sort(),
        await c.sinterstore(k('{s}i'), s1, s2),
        await c.sunionstore(k('{s}u'), s1, s2),
        await c.sdiffstore(k('{s}d'), s1, s2),
        await c.sintercard([s1, s2], 1),
        await c.smove(s1, s2, 'a'),
        await c.srem(s1, 'b', 'x'),
        await c.spop(s1),
        await c.spop(k('nope')),
        await c.srandmember(s2, 10).then((m) => m.sort()),
        (await c.sscan(s2, 0))[1].sort(),
      ];
    });
    expect(r3).toEqual(r2);
    expect(r2).toEqual([
      3, ['a', 'b', 'c'], true, [true, false], 3, ['b', 'c'], ['a', 'b', 'c', 'd'], ['a'], 2, 4, 1, 1, true, 1, 'c', null,
      ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'],
    ]);
  });

  it('sorted sets, including blocking pops', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const z = k('{z}1');
      return [
        await c.zadd(z, [{ score: 1, member: 'a' }, { score: 2, member: 'b' }, { score: 3, member: 'c' }]),
        await c.zadd(z, { score: Number.POSITIVE_INFINITY, member: 'inf' }),
        await c.zaddIncr(z, { score: 1.5, member: 'a' }),
        await c.zaddIncr(z, { score: 1, member: 'a' }, { NX: true }),
        await c.zscore(z, 'a'),
        await c.zscore(z, 'inf'),
        await c.zscore(z, 'nope'),
        await c.zmscore(z, 'a', 'nope'),
        await c.zincrby(z, 1, 'b'),
        await c.zcard(z),
        await c.zcount(z, '(2.5', Number.POSITIVE_INFINITY),
        await c.zrange(z, 0, -1),
        await c.zrange(z, 0, 1, { WITHSCORES: true }),
        await c.zrange(z, '+inf', 3, { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: 2 }, WITHSCORES: true }),
        await c.zrangebyscore(z, 2, 3, { WITHSCORES: true }),
        await c.zrevrange(z, 0, 0, { WITHSCORES: true }),
        await c.zrank(z, 'c'),
        await c.zrevrank(z, 'c'),
        await c.zrank(z, 'nope'),
        await c.zunionstore(k('{z}u'), [z, k('{z}nope')], { WEIGHTS: [2, 1] }),
        await c.zrange(k('{z}u'), 0, 0, { WITHSCORES: true }),
        await c.zinterstore(k('{z}i'), [z, k('{z}u')], { AGGREGATE: 'MAX' }),
        (await c.zscan(z, 0))[1],
        await c.zpopmin(z),
        await c.zpopmax(z, 2),
        await c.zpopmin(k('nope')),
        await c.zmpop([k('{z}u')], 'MIN', 1),
        await c.bzpopmin(k('{z}u'), 1),
        await c.bzpopmax([k('{z}nope'), k('{z}u')], 1),
        await c.bzmpop(1, [k('{z}i')], 'MAX', 1),
        await c.bzpopmin(k('{z}nope'), 0.05),
        await c.zremrangebyrank(k('{z}i'), 0, 0),
        await c.zremrangebyscore(k('{z}u'), '-inf', '+inf'),
      ];
    });
    expect(r3).toEqual(r2);
    const inf = Number.POSITIVE_INFINITY;
    expect((r2 as unknown[]).slice(0, 14)).toEqual([
      3, 1, 2.5, null, 2.5, inf, null, [2.5, null], 3, 4, 3, ['a', 'b', 'c', 'inf'],
      [{ member: 'a', score: 2.5 }, { member: 'b', score: 3 }],
      [{ member: 'inf', score: inf }, { member: 'c', score: 3 }],
    ]);
  });

  it('streams, consumer groups and XINFO', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const s = k('st');
      const result: unknown[] = [
        await c.xadd(s, '1-1', { f: 'v1' }),
        await c.xadd(s, '2-1', ['f', 'v2', 'g', 'w']),
        await c.xadd(k('nope'), '*', { f: 'v' }, { NOMKSTREAM: true }),
        await c.xlen(s),
        await c.xrange(s),
        await c.xrevrange(s, '+', '-', 1),
        await c.xread({ [s]: '0' }, { COUNT: 1 }),
        await c.xread({ [s]: '$' }, { BLOCK: 50 }),
        await c.xgroupCreate(s, 'g', '0'),
        await c.xgroupCreate(k('st2'), 'g', '$', { MKSTREAM: true }),
        await c.xgroupCreateconsumer(s, 'g', 'alice'),
        await c.xreadgroup('g', 'alice', [[s, '>']], { COUNT: 10 }),
        await c.xreadgroup('g', 'bob', { [s]: '>' }),
        await c.xpending(s, 'g'),
        (await c.xpendingRange(s, 'g', '-', '+', 10)).map((e) => [e.id, e.consumer, e.deliveries]),
        await c.xclaim(s, 'g', 'bob', 0, ['1-1']),
        await c.xclaimJustid(s, 'g', 'alice', 0, ['1-1']),
        await c.xautoclaim(s, 'g', 'bob', 0, '0-0', { COUNT: 10 }),
        await c.xack(s, 'g', '1-1', '9-9'),
        await c.xinfoStream(s),
        (await c.xinfoGroups(s)).map((g) => ({ ...g })),
        (await c.xinfoConsumers(s, 'g')).map((x) => [x.name, x.pending]),
        await c.xgroupDelconsumer(s, 'g', 'bob'),
        await c.xgroupSetid(s, 'g', '0'),
        await c.xgroupDestroy(s, 'g'),
        await c.xdel(s, '1-1'),
        await c.xtrim(s, { MAXLEN: 0 }),
      ];
      return result;
    });
    expect(r3).toEqual(r2);
    const e1 = { id: '1-1', fields: { f: 'v1' } };
    const e2 = { id: '2-1', fields: { f: 'v2', g: 'w' } };
    expect((r2 as unknown[]).slice(0, 15)).toEqual([
      '1-1', '2-1', null, 2, [e1, e2], [e2], [{ name: k('st'), messages: [e1] }], null, 'OK', 'OK', true,
      [{ name: k('st'), messages: [e1, e2] }], null,
      { count: 2, first: '1-1', last: '2-1', consumers: [{ name: 'alice', count: 2 }] },
      [['1-1', 'alice', 1], ['2-1', 'alice', 1]],
    ]);
  });

  it('blocking XREAD waits for an entry added meanwhile', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const other = c === clients[2] ? clients[3] : clients[2];
      const readerId = await c.clientId();
      const pending = c.xread({ [k('live')]: '$' }, { BLOCK: 5000 });
      // Write from the other connection once the server lists this reader as blocked (flag b).
      await waitUntil('the reader to be blocked (CLIENT LIST flag b)',
        async () => (await other.clientList({ ID: [readerId] }))[0]?.flags?.includes('b'), 5000, 1);
      await other.xadd(k('live'), '5-1', { n: 1 });
      return pending;
    });
    expect(r2).toEqual([{ name: k('live'), messages: [{ id: '5-1', fields: { n: '1' } }] }]);
    expect(r3).toEqual(r2);
  });

  it('HyperLogLog and bitmaps', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => [
      await c.pfadd(k('{h}1'), 'a', 'b', 'c'),
      await c.pfadd(k('{h}1'), 'a'),
      await c.pfadd(k('{h}2'), 'c', 'd'),
      await c.pfcount(k('{h}1'), k('{h}2')),
      await c.pfmerge(k('{h}3'), k('{h}1'), k('{h}2')),
      await c.pfcount(k('{h}3')),
      await c.setbit(k('{b}1'), 7, 1),
      await c.setbit(k('{b}1'), 7, 1),
      await c.getbit(k('{b}1'), 7),
      await c.bitcount(k('{b}1')),
      await c.bitcount(k('{b}1'), { start: 0, end: 6, unit: 'BIT' }),
      await c.bitpos(k('{b}1'), 1),
      await c.set(k('{b}2'), '\x0f'),
      await c.bitop('AND', k('{b}3'), k('{b}1'), k('{b}2')),
      await c.bitfield(k('{b}4'), [
        { op: 'SET', type: 'u8', offset: 0, value: 200 },
        { op: 'OVERFLOW', behavior: 'FAIL' },
        { op: 'INCRBY', type: 'u8', offset: 0, increment: 100 },
        { op: 'GET', type: 'u8', offset: 0 },
      ]),
    ]);
    expect(r3).toEqual(r2);
    expect(r2).toEqual([true, false, true, 4, 'OK', 4, 0, 1, 1, 1, 0, 7, 'OK', 1, [0, null, 200]]);
  });

  it('geo', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const g = k('geo');
      return [
        await c.geoadd(g, [
          { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
          { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
        ]),
        await c.geodist(g, 'Palermo', 'Catania', 'km'),
        await c.geodist(g, 'Palermo', 'nope'),
        await c.geohash(g, 'Palermo', 'nope'),
        await c.geopos(g, 'Palermo', 'nope'),
        await c.geosearch(g, { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { order: 'ASC' }),
        await c.geosearch(g, { member: 'Palermo' }, { width: 400, height: 400, unit: 'km' }, { order: 'ASC', WITHCOORD: true, WITHDIST: true, WITHHASH: true }),
      ];
    });
    expect(r3).toEqual(r2);
    const [added, dist, none, hashes, positions, members, hits] = r2 as [number, number, null, unknown, { longitude: number }[], string[], { member: string; distance: number; hash: number }[]];
    expect([added, none, hashes, members]).toEqual([2, null, ['sqc8b49rny0', null], ['Catania', 'Palermo']]);
    expect(dist).toBeCloseTo(166.27, 1);
    expect(positions[0]?.longitude).toBeCloseTo(13.361389, 4);
    expect(positions[1]).toBeNull();
    expect(hits.map((h) => [h.member, typeof h.distance, typeof h.hash])).toEqual([['Palermo', 'number', 'number'], ['Catania', 'number', 'number']]);
  });

  it('scripting: EVAL, EVALSHA, SCRIPT, FCALL, FUNCTION and defineScript', async () => {
    const lib = `#!lua name=redwire_commands_it\nredis.register_function{function_name='rw_it_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}`;
    const [r2, r3] = await inBothProtocols(async (c) => {
      await c.set(k('sc'), 'v');
      const sha = await c.scriptLoad('return ARGV[1]');
      const script = defineScript(`return {KEYS[1], ARGV[1], ${Math.random()}}`, { numberOfKeys: 1 });
      const result = [
        await c.eval('return {KEYS[1], ARGV[1], 3}', [k('sc')], ['x']),
        await c.evalsha(sha, [], ['y']),
        await c.eval_ro("return redis.call('GET', KEYS[1])", [k('sc')]),
        await c.evalsha_ro(sha, [], ['z']),
        await c.scriptExists(sha, '0'.repeat(40)),
        await c.evalsha('0'.repeat(40)).catch((e: unknown) => e instanceof NoScriptError),
        // first run: NOSCRIPT then EVAL; second run: EVALSHA hits the cache.
        ((await script.run(c, [k('sc')], ['a'])) as unknown[]).slice(0, 2),
        ((await script.run(c, [k('sc')], ['b'])) as unknown[]).slice(0, 2),
        await c.functionLoad(lib, { REPLACE: true }),
        await c.fcall('rw_it_get', [k('sc')]),
        await c.fcall_ro('rw_it_get', [k('sc')]),
        await c.functionList({ LIBRARYNAME: 'redwire_commands_it' }),
        await c.functionDelete('redwire_commands_it'),
      ];
      return result;
    });
    expect(r3).toEqual(r2);
    expect(r2).toEqual([
      [k('sc'), 'x', 3], 'y', 'v', 'z', [true, false], true, [k('sc'), 'a'], [k('sc'), 'b'], 'redwire_commands_it', 'v', 'v',
      [{ libraryName: 'redwire_commands_it', engine: 'LUA', functions: [{ name: 'rw_it_get', description: null, flags: ['no-writes'] }] }],
      'OK',
    ]);
  });

  it('server and connection commands', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      const info = await c.info('server', 'keyspace');
      const time = await c.time();
      const role = await c.role();
      const id = await c.clientId();
      const list = await c.clientList({ ID: [id] });
      return [
        await c.ping(),
        await c.ping('hello'),
        await c.echo('e'),
        info.sections['server']?.['redis_version'] === info.raw.match(/redis_version:(\S+)/)?.[1],
        Number.isInteger(time.seconds) && time.microseconds < 1_000_000,
        role.role,
        role.role === 'master' ? Array.isArray(role.replicas) : false,
        typeof (await c.dbsize()),
        await c.configGet('maxmemory-policy', 'lua-time-limit').then((r) => Object.keys(r).sort()),
        await c.configSet({ 'slowlog-max-len': 128 }),
        typeof (await c.lastsave()),
        await c.set(k('mem'), 'x').then(() => c.memoryUsage(k('mem'))).then((n) => typeof n),
        await c.memoryUsage(k('nope')),
        await c.wait(0, 10),
        (await c.commandCount()) > 100,
        await c.commandGetkeys('MSET', 'a', '1', 'b', '2'),
        typeof id,
        list.map((e) => e.id === String(id)),
        await c.clientSetname('redwire-commands-it'),
        await c.clientGetname(),
        (await c.clientInfo()).name,
        await c.clientNoEvict(false),
        await c.clientGetredir(),
        await c.clientKill({ ID: 999999999 }),
        await c.select(0),
        await c.publish(k('ch'), 'm'),
        await c.spublish(k('ch'), 'm'),
        await c.pubsubNumsub(k('ch'), k('ch2')),
        await c.pubsubChannels(`${P}*`),
        await c.pubsubNumpat().then((n) => typeof n),
        await c.pubsubShardnumsub(k('ch')),
      ];
    });
    expect(r3).toEqual(r2);
    expect(r2).toEqual([
      'PONG', 'hello', 'e', true, true, 'master', true, 'number', ['lua-time-limit', 'maxmemory-policy'], 'OK', 'number',
      'number', null, 0, true, ['a', 'b'], 'number', [true],
      'OK', 'redwire-commands-it', 'redwire-commands-it', 'OK', -1, 0, 'OK', 0, 0, { [k('ch')]: 0, [k('ch2')]: 0 }, [],
      'number', { [k('ch')]: 0 },
    ]);
  });

  it('Buffer views return the same bytes in both protocols', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x0a]);
    const [r2, r3] = await inBothProtocols(async (c) => {
      await c.set(k('bin'), bytes);
      await c.hset(k('binh'), 'f', bytes);
      const b = c.withBuffers();
      const value = await b.get(k('bin'));
      const all = await b.hgetall(k('binh'));
      const members = await b.zrange(k('nope'), 0, -1);
      return [value, all, Buffer.isBuffer(value), Buffer.isBuffer(all['f']), members, await c.get(k('bin')).then((s) => typeof s)];
    });
    expect(r2).toEqual([bytes, { f: bytes }, true, true, [], 'string']);
    expect(r3).toEqual(r2);
  });

  it('error replies reject with the typed error class', async () => {
    const [r2, r3] = await inBothProtocols(async (c) => {
      await c.set(k('str'), 'x');
      return c.lpush(k('str'), 'a').catch((e: unknown) => e instanceof WrongTypeError);
    });
    expect(r2).toBe(true);
    expect(r3).toBe(true);
  });
});
