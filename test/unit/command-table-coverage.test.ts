import { CommandsBase, commandMethodNames, commandSpecForArgs, type CommandCall, type CommandMethodName, type RedisCommandMethods } from '../../lib/client/commands/index.js';
import { commandMethods } from '../../lib/client/commands/command-methods.js';
import { DataError } from '../../lib/errors/index.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

/** Records the built args; replies are never looked at here. */
class ArgsClient extends CommandsBase {
  sent: RedisArg[][] = [];
  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    this.sent.push(call.args);
    return Promise.resolve(null as RespValue as T);
  }
}

/**
 * One valid call per typed method. Typed against the interfaces: a new method without a sample does not compile
 * (and the first test below fails at run time too), so its command's routing row cannot be forgotten.
 */
const samples: { [K in CommandMethodName]: Parameters<RedisCommandMethods[K]> } = {
  // strings
  get: ['k'], set: ['k', 'v', { PX: 10, NX: true }], mget: ['a', 'b'], mset: [{ a: 1 }], msetnx: ['a', 1], setnx: ['k', 'v'],
  setex: ['k', 10, 'v'], psetex: ['k', 10, 'v'], getdel: ['k'], getex: ['k', { PERSIST: true }], incr: ['k'], incrby: ['k', 2],
  incrbyfloat: ['k', 1.5], decr: ['k'], decrby: ['k', 2], append: ['k', 'v'], strlen: ['k'], getrange: ['k', 0, -1],
  setrange: ['k', 0, 'v'],
  // keys
  del: ['a', 'b'], unlink: ['a'], exists: ['a'], expire: ['k', 10, 'NX'], pexpire: ['k', 10], expireat: ['k', 10],
  pexpireat: ['k', 10], ttl: ['k'], pttl: ['k'], expiretime: ['k'], pexpiretime: ['k'], persist: ['k'], type: ['k'],
  rename: ['a', 'b'], renamenx: ['a', 'b'], copy: ['a', 'b', { REPLACE: true }], keys: ['*'], scan: [0, { COUNT: 10 }],
  randomkey: [], touch: ['a'], dump: ['k'], restore: ['k', 0, Buffer.from('x'), { REPLACE: true }], objectEncoding: ['k'],
  objectRefcount: ['k'], objectIdletime: ['k'], objectFreq: ['k'],
  // hashes
  hset: ['h', 'f', 'v'], hsetnx: ['h', 'f', 'v'], hget: ['h', 'f'], hmget: ['h', 'f'], hgetall: ['h'], hdel: ['h', 'f'],
  hexists: ['h', 'f'], hincrby: ['h', 'f', 1], hincrbyfloat: ['h', 'f', 1.5], hkeys: ['h'], hvals: ['h'], hlen: ['h'],
  hstrlen: ['h', 'f'], hrandfield: ['h'], hrandfieldCount: ['h', 2], hrandfieldWithValues: ['h', 2], hscan: ['h', 0, { MATCH: 'f*' }],
  // lists
  lpush: ['l', 'a'], rpush: ['l', 'a'], lpushx: ['l', 'a'], rpushx: ['l', 'a'], lpop: ['l', 2], rpop: ['l'], lrange: ['l', 0, -1],
  llen: ['l'], lindex: ['l', 0], lset: ['l', 0, 'a'], lrem: ['l', 0, 'a'], ltrim: ['l', 0, 1], linsert: ['l', 'BEFORE', 'a', 'b'],
  lpos: ['l', 'a', { RANK: 1 }], lmove: ['a', 'b', 'LEFT', 'RIGHT'], rpoplpush: ['a', 'b'], lmpop: [['a', 'b'], 'LEFT', 2],
  blpop: [['a', 'b'], 1], brpop: ['a', 1], blmove: ['a', 'b', 'LEFT', 'RIGHT', 1], brpoplpush: ['a', 'b', 1],
  blmpop: [1, ['a'], 'LEFT'],
  // sets
  sadd: ['s', 'a'], srem: ['s', 'a'], smembers: ['s'], sismember: ['s', 'a'], smismember: ['s', 'a', 'b'], scard: ['s'],
  spop: ['s', 2], srandmember: ['s'], sinter: ['a', 'b'], sunion: ['a', 'b'], sdiff: ['a', 'b'], sinterstore: ['d', 'a'],
  sunionstore: ['d', 'a'], sdiffstore: ['d', 'a'], sintercard: [['a', 'b'], 5], smove: ['a', 'b', 'm'], sscan: ['s', 0],
  // sorted sets
  zadd: ['z', { score: 1, member: 'a' }, { GT: true }], zaddIncr: ['z', { score: 1, member: 'a' }], zrem: ['z', 'a'],
  zscore: ['z', 'a'], zmscore: ['z', 'a'], zincrby: ['z', 1, 'a'], zcard: ['z'], zcount: ['z', 0, Infinity],
  zlexcount: ['z', '-', '+'], zrange: ['z', 0, -1, { WITHSCORES: true }], zrangebyscore: ['z', 0, 10, { LIMIT: { offset: 0, count: 1 } }],
  zrevrange: ['z', 0, -1], zrank: ['z', 'a'], zrevrank: ['z', 'a'], zpopmin: ['z'], zpopmax: ['z', 2], zmpop: [['a'], 'MIN'],
  bzpopmin: ['z', 1], bzpopmax: [['a', 'b'], 1], bzmpop: [1, ['a'], 'MAX', 2], zrandmember: ['z'],
  zunionstore: ['d', ['a', 'b'], { AGGREGATE: 'MAX' }], zinterstore: ['d', ['a']], zremrangebyscore: ['z', 0, 1],
  zremrangebyrank: ['z', 0, 1], zremrangebylex: ['z', '-', '+'], zscan: ['z', 0],
  // streams
  xadd: ['s', '*', { f: 'v' }, { MAXLEN: 10 }], xlen: ['s'], xrange: ['s'], xrevrange: ['s', '+', '-', 5],
  xread: [{ s: '0' }, { COUNT: 1 }], xreadgroup: ['g', 'c', { s: '>' }, { BLOCK: 10 }], xgroupCreate: ['s', 'g', '$', { MKSTREAM: true }],
  xgroupDestroy: ['s', 'g'], xgroupCreateconsumer: ['s', 'g', 'c'], xgroupDelconsumer: ['s', 'g', 'c'], xgroupSetid: ['s', 'g', '$'],
  xack: ['s', 'g', '1-1'], xpending: ['s', 'g'], xpendingRange: ['s', 'g', '-', '+', 10, { consumer: 'c' }],
  xclaim: ['s', 'g', 'c', 0, ['1-1']], xclaimJustid: ['s', 'g', 'c', 0, ['1-1'], { FORCE: true }], xautoclaim: ['s', 'g', 'c', 0, '0'],
  xtrim: ['s', { MAXLEN: 10, approximate: true }], xdel: ['s', '1-1'], xinfoStream: ['s'], xinfoGroups: ['s'],
  xinfoConsumers: ['s', 'g'],
  // HyperLogLog, bitmaps, geo
  pfadd: ['p', 'a'], pfcount: ['p'], pfmerge: ['d', 'p'],
  setbit: ['b', 0, 1], getbit: ['b', 0], bitcount: ['b', { start: 0, end: 1 }], bitpos: ['b', 1], bitop: ['AND', 'd', 'a', 'b'],
  bitfield: ['b', [{ op: 'GET', type: 'u8', offset: 0 }]],
  geoadd: ['g', { longitude: 1, latitude: 2, member: 'm' }, { CH: true }], geopos: ['g', 'm'], geodist: ['g', 'a', 'b', 'km'],
  geohash: ['g', 'm'], geosearch: ['g', { member: 'm' }, { radius: 1, unit: 'km' }, { WITHDIST: true }],
  // scripting
  eval: ['return 1', ['k'], [1]], evalsha: ['0'.repeat(40)], eval_ro: ['return 1', ['k']], evalsha_ro: ['0'.repeat(40), []],
  scriptLoad: ['return 1'], scriptExists: ['0'.repeat(40)], scriptFlush: ['ASYNC'], fcall: ['f', ['k']], fcall_ro: ['f'],
  functionLoad: ['#!lua name=l\n', { REPLACE: true }], functionDelete: ['l'], functionFlush: [], functionList: [{ WITHCODE: true }],
  // server
  info: ['server'], role: [], time: [], dbsize: [], flushdb: ['ASYNC'], flushall: [], configGet: ['maxmemory'],
  configSet: [{ maxmemory: '0' }], configResetstat: [], configRewrite: [], lastsave: [], memoryUsage: ['k', { SAMPLES: 5 }],
  swapdb: [0, 1], wait: [0, 10], waitaof: [0, 0, 10], commandCount: [], commandGetkeys: ['GET', 'k'],
  // connection
  ping: [], echo: ['hi'], select: [0], clientId: [], clientGetname: [], clientSetname: ['n'], clientList: [{ TYPE: 'normal' }],
  clientInfo: [], clientKill: [{ ID: 1 }], clientNoEvict: [true], clientTracking: [true, { BCAST: true }], clientGetredir: [],
  // pub/sub
  publish: ['c', 'm'], spublish: ['c', 'm'], pubsubChannels: [], pubsubNumsub: ['c'], pubsubNumpat: [],
  pubsubShardchannels: ['c*'], pubsubShardnumsub: ['c'],
};

async function argsOf(name: CommandMethodName, params: readonly unknown[]): Promise<RedisArg[]> {
  const client = new ArgsClient();
  const invoke = (client as unknown as Record<string, (...p: unknown[]) => Promise<unknown>>)[name]!;
  await invoke.apply(client, [...params]);
  return client.sent[0]!;
}

describe('every typed method has a row in the command table', () => {
  it('has a sample call for every typed method', () => {
    expect(Object.keys(samples).sort()).toEqual([...commandMethodNames].sort());
  });

  it.each([...commandMethodNames])('%s: its command (and subcommand) has a row', async (name) => {
    const args = await argsOf(name, samples[name]);
    const row = commandSpecForArgs(args);
    expect(row).toBeDefined();
    // A container row without a subcommand row would route without key positions: the subcommand row must exist.
    expect(row!.subcommands).toBeUndefined();
  });

  it.each([...commandMethodNames].filter((n) => Number.isFinite(commandMethods[n].check.max)))(
    '%s: the valid sample plus one more argument is refused',
    async (name) => {
      const params = [...samples[name]];
      while (params.length < commandMethods[name].check.max) params.push(undefined);
      await expect(argsOf(name, [...params, 'EXTRA'])).rejects.toBeInstanceOf(DataError);
    },
  );
});
