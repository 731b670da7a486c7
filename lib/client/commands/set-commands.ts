import type { RedisArg } from '../../protocol/resp-value.js';
import type { Flag, RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import { allKeys, firstKey, keyRange, keysAfterNumkeys, read, write, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import { asBoolean, asBooleanArray, asBulkArray, asInteger, asNullableBulk } from './reply-transforms.js';
import { asScanReply } from './key-commands.js';
import { scanArgs, scanOptionKeys, type ScanOptions } from './scan-options.js';

export interface SetCommands<S extends StringOrBuffer = string> {
  /** Number of members added (not counting ones already present). */
  sadd(key: RedisKey, ...members: RedisValue[]): Promise<number>;
  srem(key: RedisKey, ...members: RedisValue[]): Promise<number>;
  smembers(key: RedisKey): Promise<S[]>;
  sismember(key: RedisKey, member: RedisValue): Promise<boolean>;
  smismember(key: RedisKey, ...members: RedisValue[]): Promise<boolean[]>;
  scard(key: RedisKey): Promise<number>;
  /** Without count: one member or null; with count: up to count members. */
  spop<A extends [count?: number] = []>(key: RedisKey, ...count: A): Promise<Flag<A, '0', S[], S | null, number>>;
  srandmember<A extends [count?: number] = []>(key: RedisKey, ...count: A): Promise<Flag<A, '0', S[], S | null, number>>;
  sinter(...keys: RedisKey[]): Promise<S[]>;
  sunion(...keys: RedisKey[]): Promise<S[]>;
  sdiff(...keys: RedisKey[]): Promise<S[]>;
  /** Size of the stored result. */
  sinterstore(destination: RedisKey, ...keys: RedisKey[]): Promise<number>;
  sunionstore(destination: RedisKey, ...keys: RedisKey[]): Promise<number>;
  sdiffstore(destination: RedisKey, ...keys: RedisKey[]): Promise<number>;
  /** Cardinality of the intersection, stopping at `limit` when given (Redis 7). */
  sintercard(keys: RedisKey[], limit?: number): Promise<number>;
  smove(source: RedisKey, destination: RedisKey, member: RedisValue): Promise<boolean>;
  /** One SSCAN step: next cursor ('0' when done) and members. */
  sscan(key: RedisKey, cursor: string | number, options?: ScanOptions): Promise<[cursor: string, members: S[]]>;
}

function optionalCount(command: string, key: RedisKey, count: number | undefined): RedisArg[] {
  return count === undefined ? [command, key] : [command, key, count];
}

export const setMethods = methodTable<SetCommands>({
  sadd: { params: ['key', '...members'], args: (key, ...members) => ['SADD', key, ...members], reply: asInteger },
  srem: { params: ['key', '...members'], args: (key, ...members) => ['SREM', key, ...members], reply: asInteger },
  smembers: { params: ['key'], args: (key) => ['SMEMBERS', key], reply: asBulkArray },
  sismember: { params: ['key', 'member'], args: (key, member) => ['SISMEMBER', key, member], reply: asBoolean },
  smismember: { params: ['key', '...members'], args: (key, ...members) => ['SMISMEMBER', key, ...members], reply: asBooleanArray },
  scard: { params: ['key'], args: (key) => ['SCARD', key], reply: asInteger },
  spop: {
    params: ['key', 'count?'],
    args: (key, count) => optionalCount('SPOP', key, count),
    reply: (r, [, count]) => (count === undefined ? asNullableBulk(r) : asBulkArray(r)) as never,
  },
  srandmember: {
    params: ['key', 'count?'],
    args: (key, count) => optionalCount('SRANDMEMBER', key, count),
    reply: (r, [, count]) => (count === undefined ? asNullableBulk(r) : asBulkArray(r)) as never,
  },
  sinter: { params: ['...keys'], args: (...keys) => ['SINTER', ...keys], reply: asBulkArray },
  sunion: { params: ['...keys'], args: (...keys) => ['SUNION', ...keys], reply: asBulkArray },
  sdiff: { params: ['...keys'], args: (...keys) => ['SDIFF', ...keys], reply: asBulkArray },
  sinterstore: { params: ['destination', '...keys'], args: (dst, ...keys) => ['SINTERSTORE', dst, ...keys], reply: asInteger },
  sunionstore: { params: ['destination', '...keys'], args: (dst, ...keys) => ['SUNIONSTORE', dst, ...keys], reply: asInteger },
  sdiffstore: { params: ['destination', '...keys'], args: (dst, ...keys) => ['SDIFFSTORE', dst, ...keys], reply: asInteger },
  sintercard: {
    params: ['keys', 'limit?'],
    args: (keys, limit) => ['SINTERCARD', keys.length, ...keys, ...(limit === undefined ? [] : ['LIMIT', limit])],
    reply: asInteger,
  },
  smove: { params: ['source', 'destination', 'member'], args: (src, dst, member) => ['SMOVE', src, dst, member], reply: asBoolean },
  sscan: {
    params: ['key', 'cursor', 'options?'],
    options: scanOptionKeys,
    args: (key, cursor, options) => ['SSCAN', key, cursor, ...scanArgs(options)],
    reply: (r) => asScanReply(r, asBulkArray),
  },
});

export const setCommandSpecs: CommandSpec[] = [
  write('SADD', firstKey),
  write('SREM', firstKey),
  read('SMEMBERS', firstKey),
  read('SISMEMBER', firstKey),
  read('SMISMEMBER', firstKey),
  read('SCARD', firstKey),
  write('SPOP', firstKey),
  read('SRANDMEMBER', firstKey),
  read('SINTER', allKeys),
  read('SUNION', allKeys),
  read('SDIFF', allKeys),
  write('SINTERSTORE', allKeys),
  write('SUNIONSTORE', allKeys),
  write('SDIFFSTORE', allKeys),
  read('SINTERCARD', keysAfterNumkeys(1)),
  write('SMOVE', keyRange(1, 2)),
  read('SSCAN', firstKey),
];
