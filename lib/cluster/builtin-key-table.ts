import type { RedisArg } from '../protocol/resp-value.js';
import type { FastCommandInfo } from './command-router.js';
import { builtinKeylessPolicy, type KeylessPolicy, type ResponsePolicy } from './command-policy.js';
import { commandSpecForArgs } from '../client/commands/command-table.js';
import { keyIndexesOf, type CommandSpec } from '../client/commands/command-spec.js';

/**
 * Fast path for the commands most programs use: key positions without asking the server.
 * `[first, last, step, readonly]`; `last` < 0 counts from the end (-1 = last argument). Everything else is found
 * through COMMAND INFO key specs (cached per cluster).
 */
export type KeyPositions = readonly [first: number, last: number, step: number, readonly: boolean];

const R = true;
const W = false;
const one = (ro: boolean): KeyPositions => [1, 1, 1, ro];
const all = (ro: boolean): KeyPositions => [1, -1, 1, ro];

export const BUILTIN_KEY_TABLE: ReadonlyMap<string, KeyPositions> = new Map<string, KeyPositions>([
  ...['get', 'strlen', 'getrange', 'ttl', 'pttl', 'type', 'hget', 'hgetall', 'hmget', 'hexists', 'hlen',
    'hkeys', 'hvals', 'hstrlen', 'hrandfield', 'lrange', 'llen', 'lindex', 'lpos', 'smembers', 'sismember', 'smismember',
    'scard', 'srandmember', 'zrange', 'zscore', 'zmscore', 'zcard', 'zcount', 'zrank', 'zrevrank', 'zrangebyscore',
    'zrevrange', 'zrevrangebyscore', 'getbit', 'bitcount', 'bitpos', 'xrange', 'xrevrange', 'xlen',
    'hscan', 'sscan', 'zscan', 'dump', 'expiretime', 'pexpiretime', 'geopos', 'geodist', 'geohash', 'substr',
  ].map((n) => [n, one(R)] as const),
  ...['set', 'setex', 'psetex', 'setnx', 'getset', 'getdel', 'getex', 'append', 'setrange', 'incr', 'decr', 'incrby',
    'decrby', 'incrbyfloat', 'expire', 'pexpire', 'expireat', 'pexpireat', 'persist', 'hset', 'hsetnx', 'hmset', 'hdel',
    'hincrby', 'hincrbyfloat', 'lpush', 'rpush', 'lpushx', 'rpushx', 'lpop', 'rpop', 'lset', 'lrem', 'ltrim', 'linsert',
    'sadd', 'srem', 'spop', 'zadd', 'zrem', 'zincrby', 'zpopmin', 'zpopmax', 'zremrangebyscore', 'zremrangebyrank',
    'setbit', 'pfadd', 'xadd', 'xdel', 'xtrim', 'xack', 'geoadd', 'restore',
  ].map((n) => [n, one(W)] as const),
  ...['mget', 'exists', 'touch', 'sunion', 'sinter', 'sdiff', 'pfcount'].map((n) => [n, all(R)] as const),
  ...['del', 'unlink', 'watch', 'sunionstore', 'sinterstore', 'sdiffstore', 'pfmerge'].map((n) => [n, all(W)] as const),
  ['mset', [1, -1, 2, W]],
  ['msetnx', [1, -1, 2, W]],
  ['rename', [1, 2, 1, W]],
  ['renamenx', [1, 2, 1, W]],
  ['lmove', [1, 2, 1, W]],
  ['rpoplpush', [1, 2, 1, W]],
  ['smove', [1, 2, 1, W]],
  ['copy', [1, 2, 1, W]],
  ['blpop', [1, -2, 1, W]],
  ['brpop', [1, -2, 1, W]],
  ['bzpopmin', [1, -2, 1, W]],
  ['bzpopmax', [1, -2, 1, W]],
  ['blmove', [1, 2, 1, W]],
  ['brpoplpush', [1, 2, 1, W]],
]);

function lowerName(arg: RedisArg | undefined): string {
  return arg === undefined ? '' : (typeof arg === 'string' ? arg : arg.toString()).toLowerCase();
}

const RESPONSE: Record<NonNullable<CommandSpec['responsePolicy']>, ResponsePolicy> = {
  'all-succeeded': 'all-succeeded', 'one-succeeded': 'one-succeeded', 'agg-sum': 'sum', 'agg-logical-and': 'logical-and',
  'agg-min': 'min',
};

function policyOfSpec(spec: CommandSpec): KeylessPolicy | undefined {
  if (spec.requestPolicy === undefined) return undefined;
  return {
    request: spec.requestPolicy === 'all-shards' ? 'all-primaries' : 'all-nodes',
    response: spec.responsePolicy === undefined ? 'concat' : RESPONSE[spec.responsePolicy],
  };
}

/**
 * The router's fast path: the client's command table (lib/client/commands), then this file's table, then the
 * built-in keyless policies. `undefined` sends the router to COMMAND INFO.
 */
export function builtinFastPath(args: readonly RedisArg[]): FastCommandInfo | undefined {
  const name = lowerName(args[0]);
  const sub = args.length > 1 ? lowerName(args[1]) : undefined;
  const spec = commandSpecForArgs(args);
  if (spec !== undefined) {
    const keys = keyIndexesOf(spec, args).map((i) => args[i] as RedisArg);
    const policy = keys.length > 0 ? undefined : (policyOfSpec(spec) ?? builtinKeylessPolicy(name, sub));
    return policy === undefined ? { keys, readonly: spec.readonly } : { keys, readonly: spec.readonly, policy };
  }
  const row = BUILTIN_KEY_TABLE.get(name);
  if (row !== undefined) {
    const [first, lastRaw, step, readonly] = row;
    const last = lastRaw < 0 ? args.length + lastRaw : lastRaw;
    const keys: RedisArg[] = [];
    for (let i = first; i <= last && i < args.length; i += step) keys.push(args[i] as RedisArg);
    return { keys, readonly };
  }
  const policy = builtinKeylessPolicy(name, sub);
  return policy === undefined ? undefined : { keys: [], readonly: false, policy };
}
