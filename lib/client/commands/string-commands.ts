import type { RedisArg } from '../../protocol/resp-value.js';
import { DataError } from '../../errors/index.js';
import type { Flag, RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import { allKeys, firstKey, keyRange, read, write, type CommandSpec } from './command-spec.js';
import { methodTable, type OptionKeys } from './method-spec.js';
import {
  asBoolean, asBulk, asDouble, asInteger, asNullableBulk, asNullableBulkArray, asOk,
} from './reply-transforms.js';

/** Expiration of SET: at most one of EX/PX/EXAT/PXAT/KEEPTTL. */
export interface SetOptions {
  /** Seconds to live. */
  EX?: number;
  /** Milliseconds to live. */
  PX?: number;
  /** Unix time in seconds. */
  EXAT?: number;
  /** Unix time in milliseconds. */
  PXAT?: number;
  /** Keep the key's current TTL. */
  KEEPTTL?: boolean;
  /** Only set when the key does not exist. */
  NX?: boolean;
  /** Only set when the key exists. */
  XX?: boolean;
  /** Return the old value (string or null) instead of 'OK'. */
  GET?: boolean;
}

/** GETEX: at most one of EX/PX/EXAT/PXAT/PERSIST. */
export interface GetExOptions {
  EX?: number;
  PX?: number;
  EXAT?: number;
  PXAT?: number;
  PERSIST?: boolean;
}

const setOptionKeys: OptionKeys<SetOptions> = { EX: true, PX: true, EXAT: true, PXAT: true, KEEPTTL: true, NX: true, XX: true, GET: true };
const getExOptionKeys: OptionKeys<GetExOptions> = { EX: true, PX: true, EXAT: true, PXAT: true, PERSIST: true };

/** MSET / MSETNX input: an object, a Map, or alternating key/value arguments. */
export type KeyValuePairs = [Record<string, RedisValue> | Map<RedisKey, RedisValue>] | RedisValue[];

export interface StringCommands<S extends StringOrBuffer = string> {
  get(key: RedisKey): Promise<S | null>;
  /** 'OK', or null when NX/XX prevented the write; with `GET: true` the old value (or null) instead. */
  set<O extends SetOptions = {}>(key: RedisKey, value: RedisValue, options?: O): Promise<Flag<O, 'GET', S | null, 'OK' | null>>;
  mget(...keys: RedisKey[]): Promise<(S | null)[]>;
  mset(...pairs: KeyValuePairs): Promise<'OK'>;
  /** true when all keys were set (none existed). */
  msetnx(...pairs: KeyValuePairs): Promise<boolean>;
  setnx(key: RedisKey, value: RedisValue): Promise<boolean>;
  setex(key: RedisKey, seconds: number, value: RedisValue): Promise<'OK'>;
  psetex(key: RedisKey, milliseconds: number, value: RedisValue): Promise<'OK'>;
  getdel(key: RedisKey): Promise<S | null>;
  getex(key: RedisKey, options?: GetExOptions): Promise<S | null>;
  incr(key: RedisKey): Promise<number>;
  incrby(key: RedisKey, increment: number): Promise<number>;
  incrbyfloat(key: RedisKey, increment: number): Promise<number>;
  decr(key: RedisKey): Promise<number>;
  decrby(key: RedisKey, decrement: number): Promise<number>;
  /** Length of the string after the append. */
  append(key: RedisKey, value: RedisValue): Promise<number>;
  strlen(key: RedisKey): Promise<number>;
  getrange(key: RedisKey, start: number, end: number): Promise<S>;
  /** Length of the string after the write. */
  setrange(key: RedisKey, offset: number, value: RedisValue): Promise<number>;
}

/** Flattens MSET-style input; rejects an odd number of arguments before anything is sent. */
export function keyValueArgs(command: string, pairs: KeyValuePairs): RedisArg[] {
  const first = pairs[0];
  if (pairs.length === 1 && first instanceof Map) return [...first].flat();
  if (pairs.length === 1 && typeof first === 'object' && first !== null && !Buffer.isBuffer(first)) {
    return Object.entries(first).flat();
  }
  if (pairs.length === 0 || pairs.length % 2 !== 0) {
    throw new DataError(`${command} needs key/value pairs (an object, a Map, or an even number of arguments); got ${pairs.length} argument(s)`);
  }
  return pairs as RedisArg[];
}

/** The one-of expiration arguments of SET / GETEX. */
export function expirationArgs(command: string, options: SetOptions & GetExOptions): RedisArg[] {
  const out: RedisArg[] = [];
  if (options.EX !== undefined) out.push('EX', options.EX);
  if (options.PX !== undefined) out.push('PX', options.PX);
  if (options.EXAT !== undefined) out.push('EXAT', options.EXAT);
  if (options.PXAT !== undefined) out.push('PXAT', options.PXAT);
  if (options.KEEPTTL) out.push('KEEPTTL');
  if (options.PERSIST) out.push('PERSIST');
  if (out.length > 2 || (out.length === 2 && typeof out[1] !== 'number')) {
    throw new DataError(`${command}: give at most one of EX, PX, EXAT, PXAT, KEEPTTL/PERSIST`);
  }
  return out;
}

export const stringMethods = methodTable<StringCommands>({
  get: { params: ['key'], args: (key) => ['GET', key], reply: asNullableBulk },
  set: {
    params: ['key', 'value', 'options?'],
    options: setOptionKeys,
    args: (key, value, options = {}) => {
      if (options.NX && options.XX) throw new DataError('SET: NX and XX exclude each other; give one');
      const args: RedisArg[] = ['SET', key, value, ...expirationArgs('SET', options)];
      if (options.NX) args.push('NX');
      if (options.XX) args.push('XX');
      if (options.GET) args.push('GET');
      return args;
    },
    // SET ... GET: the old value; otherwise OK, or null when NX/XX prevented the write.
    reply: (reply, [, , options]) => (options?.GET ? asNullableBulk(reply) : reply === null ? null : asOk(reply)) as 'OK' | null,
  },
  mget: { params: ['...keys'], args: (...keys) => ['MGET', ...keys], reply: asNullableBulkArray },
  mset: { params: ['...pairs'], args: (...pairs) => ['MSET', ...keyValueArgs('MSET', pairs)], reply: asOk },
  msetnx: { params: ['...pairs'], args: (...pairs) => ['MSETNX', ...keyValueArgs('MSETNX', pairs)], reply: asBoolean },
  setnx: { params: ['key', 'value'], args: (key, value) => ['SETNX', key, value], reply: asBoolean },
  setex: { params: ['key', 'seconds', 'value'], args: (key, seconds, value) => ['SETEX', key, seconds, value], reply: asOk },
  psetex: { params: ['key', 'milliseconds', 'value'], args: (key, ms, value) => ['PSETEX', key, ms, value], reply: asOk },
  getdel: { params: ['key'], args: (key) => ['GETDEL', key], reply: asNullableBulk },
  getex: {
    params: ['key', 'options?'],
    options: getExOptionKeys,
    args: (key, options = {}) => ['GETEX', key, ...expirationArgs('GETEX', options)],
    reply: asNullableBulk,
  },
  incr: { params: ['key'], args: (key) => ['INCR', key], reply: asInteger },
  incrby: { params: ['key', 'increment'], args: (key, n) => ['INCRBY', key, n], reply: asInteger },
  incrbyfloat: { params: ['key', 'increment'], args: (key, n) => ['INCRBYFLOAT', key, n], reply: asDouble },
  decr: { params: ['key'], args: (key) => ['DECR', key], reply: asInteger },
  decrby: { params: ['key', 'decrement'], args: (key, n) => ['DECRBY', key, n], reply: asInteger },
  append: { params: ['key', 'value'], args: (key, value) => ['APPEND', key, value], reply: asInteger },
  strlen: { params: ['key'], args: (key) => ['STRLEN', key], reply: asInteger },
  getrange: { params: ['key', 'start', 'end'], args: (key, start, end) => ['GETRANGE', key, start, end], reply: asBulk },
  setrange: { params: ['key', 'offset', 'value'], args: (key, offset, value) => ['SETRANGE', key, offset, value], reply: asInteger },
});

export const stringCommandSpecs: CommandSpec[] = [
  read('GET', firstKey),
  write('SET', firstKey),
  read('MGET', allKeys),
  write('MSET', keyRange(1, -1, 2)),
  write('MSETNX', keyRange(1, -1, 2)),
  write('SETNX', firstKey),
  write('SETEX', firstKey),
  write('PSETEX', firstKey),
  write('GETDEL', firstKey),
  write('GETEX', firstKey),
  write('GETSET', firstKey),
  write('INCR', firstKey),
  write('INCRBY', firstKey),
  write('INCRBYFLOAT', firstKey),
  write('DECR', firstKey),
  write('DECRBY', firstKey),
  write('APPEND', firstKey),
  read('STRLEN', firstKey),
  read('GETRANGE', firstKey),
  read('SUBSTR', firstKey),
  write('SETRANGE', firstKey),
  read('LCS', keyRange(1, 2)),
];
