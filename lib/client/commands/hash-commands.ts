import type { RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import { firstKey, read, write, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import {
  asBoolean, asBulkArray, asDouble, asInteger, asNullableBulk, asNullableBulkArray, asPairs, asRecord,
} from './reply-transforms.js';
import { keyValueArgs, type KeyValuePairs } from './string-commands.js';
import { asScanReply } from './key-commands.js';
import { scanArgs, scanOptionKeys, type ScanOptions } from './scan-options.js';
import type { RespValue } from '../../protocol/resp-value.js';

export interface HashCommands<S extends StringOrBuffer = string> {
  /** Set fields from an object, a Map or field/value arguments; returns how many fields were added. */
  hset(key: RedisKey, ...fieldValues: KeyValuePairs): Promise<number>;
  hsetnx(key: RedisKey, field: RedisKey, value: RedisValue): Promise<boolean>;
  hget(key: RedisKey, field: RedisKey): Promise<S | null>;
  hmget(key: RedisKey, ...fields: RedisKey[]): Promise<(S | null)[]>;
  /** All fields and values ({} when the key does not exist), the same in RESP2 and RESP3. */
  hgetall(key: RedisKey): Promise<Record<string, S>>;
  hdel(key: RedisKey, ...fields: RedisKey[]): Promise<number>;
  hexists(key: RedisKey, field: RedisKey): Promise<boolean>;
  hincrby(key: RedisKey, field: RedisKey, increment: number): Promise<number>;
  hincrbyfloat(key: RedisKey, field: RedisKey, increment: number): Promise<number>;
  hkeys(key: RedisKey): Promise<S[]>;
  hvals(key: RedisKey): Promise<S[]>;
  hlen(key: RedisKey): Promise<number>;
  hstrlen(key: RedisKey, field: RedisKey): Promise<number>;
  /** One random field, or null when the key does not exist. */
  hrandfield(key: RedisKey): Promise<S | null>;
  /** Up to `count` distinct fields (negative: exactly |count|, repeats allowed). */
  hrandfieldCount(key: RedisKey, count: number): Promise<S[]>;
  /** Like hrandfieldCount, with values: `[field, value]` pairs. */
  hrandfieldWithValues(key: RedisKey, count: number): Promise<[field: S, value: S][]>;
  /** One HSCAN step: next cursor ('0' when done) and `[field, value]` pairs. */
  hscan(key: RedisKey, cursor: string | number, options?: ScanOptions): Promise<[cursor: string, entries: [field: S, value: S][]]>;
}

function asFieldValuePairs(reply: RespValue): [string, string][] {
  return asPairs(reply) as [string, string][];
}

export const hashMethods = methodTable<HashCommands>({
  hset: { params: ['key', '...fieldValues'], args: (key, ...fv) => ['HSET', key, ...keyValueArgs('HSET', fv as KeyValuePairs)], reply: asInteger },
  hsetnx: { params: ['key', 'field', 'value'], args: (key, field, value) => ['HSETNX', key, field, value], reply: asBoolean },
  hget: { params: ['key', 'field'], args: (key, field) => ['HGET', key, field], reply: asNullableBulk },
  hmget: { params: ['key', '...fields'], args: (key, ...fields) => ['HMGET', key, ...fields], reply: asNullableBulkArray },
  hgetall: { params: ['key'], args: (key) => ['HGETALL', key], reply: asRecord },
  hdel: { params: ['key', '...fields'], args: (key, ...fields) => ['HDEL', key, ...fields], reply: asInteger },
  hexists: { params: ['key', 'field'], args: (key, field) => ['HEXISTS', key, field], reply: asBoolean },
  hincrby: { params: ['key', 'field', 'increment'], args: (key, field, n) => ['HINCRBY', key, field, n], reply: asInteger },
  hincrbyfloat: { params: ['key', 'field', 'increment'], args: (key, field, n) => ['HINCRBYFLOAT', key, field, n], reply: asDouble },
  hkeys: { params: ['key'], args: (key) => ['HKEYS', key], reply: asBulkArray },
  hvals: { params: ['key'], args: (key) => ['HVALS', key], reply: asBulkArray },
  hlen: { params: ['key'], args: (key) => ['HLEN', key], reply: asInteger },
  hstrlen: { params: ['key', 'field'], args: (key, field) => ['HSTRLEN', key, field], reply: asInteger },
  hrandfield: { params: ['key'], args: (key) => ['HRANDFIELD', key], reply: asNullableBulk },
  hrandfieldCount: { params: ['key', 'count'], args: (key, count) => ['HRANDFIELD', key, count], reply: asBulkArray },
  hrandfieldWithValues: { params: ['key', 'count'], args: (key, count) => ['HRANDFIELD', key, count, 'WITHVALUES'], reply: asFieldValuePairs },
  hscan: {
    params: ['key', 'cursor', 'options?'],
    options: scanOptionKeys,
    args: (key, cursor, options) => ['HSCAN', key, cursor, ...scanArgs(options)],
    reply: (r) => asScanReply(r, asFieldValuePairs),
  },
});

export const hashCommandSpecs: CommandSpec[] = [
  write('HSET', firstKey),
  write('HMSET', firstKey),
  write('HSETNX', firstKey),
  read('HGET', firstKey),
  read('HMGET', firstKey),
  read('HGETALL', firstKey),
  write('HDEL', firstKey),
  read('HEXISTS', firstKey),
  write('HINCRBY', firstKey),
  write('HINCRBYFLOAT', firstKey),
  read('HKEYS', firstKey),
  read('HVALS', firstKey),
  read('HLEN', firstKey),
  read('HSTRLEN', firstKey),
  read('HRANDFIELD', firstKey),
  read('HSCAN', firstKey),
];
