import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import type { Flag, RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import {
  firstKey, keyRange, keysAfterNumkeys, read, secondsToMs, write, type CommandSpec,
} from './command-spec.js';
import { methodTable } from './method-spec.js';
import { asArray, asBulkArray, asInteger, asIntegerArray, asNullableBulk, asNullableInteger, asOk } from './reply-transforms.js';

export type ListSide = 'LEFT' | 'RIGHT';

export interface LposOptions {
  /** Which match to return (1 = first, -1 = last, ...). */
  RANK?: number;
  /** Return up to this many positions (0 = all) as an array. */
  COUNT?: number;
  /** Compare at most this many elements. */
  MAXLEN?: number;
}

/** LMPOP / BLMPOP result: the list popped from and its elements. */
export interface ListPopResult<S extends StringOrBuffer = string> {
  key: S;
  elements: S[];
}

export interface ListCommands<S extends StringOrBuffer = string> {
  /** Length of the list after the push. */
  lpush(key: RedisKey, ...elements: RedisValue[]): Promise<number>;
  rpush(key: RedisKey, ...elements: RedisValue[]): Promise<number>;
  lpushx(key: RedisKey, ...elements: RedisValue[]): Promise<number>;
  rpushx(key: RedisKey, ...elements: RedisValue[]): Promise<number>;
  /** Without count: one element or null. With count: up to count elements, or null when the key does not exist. */
  lpop<A extends [count?: number] = []>(key: RedisKey, ...count: A): Promise<Flag<A, '0', S[] | null, S | null, number>>;
  rpop<A extends [count?: number] = []>(key: RedisKey, ...count: A): Promise<Flag<A, '0', S[] | null, S | null, number>>;
  lrange(key: RedisKey, start: number, stop: number): Promise<S[]>;
  llen(key: RedisKey): Promise<number>;
  lindex(key: RedisKey, index: number): Promise<S | null>;
  lset(key: RedisKey, index: number, element: RedisValue): Promise<'OK'>;
  /** Number of removed elements. */
  lrem(key: RedisKey, count: number, element: RedisValue): Promise<number>;
  ltrim(key: RedisKey, start: number, stop: number): Promise<'OK'>;
  /** New length, -1 when the pivot was not found, 0 when the key does not exist. */
  linsert(key: RedisKey, where: 'BEFORE' | 'AFTER', pivot: RedisValue, element: RedisValue): Promise<number>;
  /** Index of the element or null; with `COUNT`, an array of indexes. */
  lpos<O extends LposOptions = {}>(key: RedisKey, element: RedisValue, options?: O): Promise<Flag<O, 'COUNT', number[], number | null, number>>;
  lmove(source: RedisKey, destination: RedisKey, from: ListSide, to: ListSide): Promise<S | null>;
  rpoplpush(source: RedisKey, destination: RedisKey): Promise<S | null>;
  lmpop(keys: RedisKey[], from: ListSide, count?: number): Promise<ListPopResult<S> | null>;
  /** Blocking pop: `[key, element]`, or null after `timeoutSeconds` (0 = wait forever). */
  blpop(keys: RedisKey | RedisKey[], timeoutSeconds: number): Promise<[key: S, element: S] | null>;
  brpop(keys: RedisKey | RedisKey[], timeoutSeconds: number): Promise<[key: S, element: S] | null>;
  blmove(source: RedisKey, destination: RedisKey, from: ListSide, to: ListSide, timeoutSeconds: number): Promise<S | null>;
  brpoplpush(source: RedisKey, destination: RedisKey, timeoutSeconds: number): Promise<S | null>;
  blmpop(timeoutSeconds: number, keys: RedisKey[], from: ListSide, count?: number): Promise<ListPopResult<S> | null>;
}

function keyList(keys: RedisKey | RedisKey[]): RedisKey[] {
  return Array.isArray(keys) ? keys : [keys];
}

function mpopArgs(keys: RedisKey[], from: ListSide, count?: number): RedisArg[] {
  const args: RedisArg[] = [keys.length, ...keys, from];
  if (count !== undefined) args.push('COUNT', count);
  return args;
}

/** `[key, [elements]]` (both protocols) → `{ key, elements }`. */
function asListPopResult(reply: RespValue): ListPopResult | null {
  if (reply === null) return null;
  const [key, elements] = asArray(reply);
  return { key: key as string, elements: asBulkArray(elements ?? []) };
}

function asKeyElement(reply: RespValue): [string, string] | null {
  return reply === null ? null : (asArray(reply) as [string, string]);
}

export const listMethods = methodTable<ListCommands>({
  lpush: { params: ['key', '...elements'], args: (key, ...els) => ['LPUSH', key, ...els], reply: asInteger },
  rpush: { params: ['key', '...elements'], args: (key, ...els) => ['RPUSH', key, ...els], reply: asInteger },
  lpushx: { params: ['key', '...elements'], args: (key, ...els) => ['LPUSHX', key, ...els], reply: asInteger },
  rpushx: { params: ['key', '...elements'], args: (key, ...els) => ['RPUSHX', key, ...els], reply: asInteger },
  lpop: { params: ['key', 'count?'], args: (key, count) => (count === undefined ? ['LPOP', key] : ['LPOP', key, count]), reply: (r) => r as never },
  rpop: { params: ['key', 'count?'], args: (key, count) => (count === undefined ? ['RPOP', key] : ['RPOP', key, count]), reply: (r) => r as never },
  lrange: { params: ['key', 'start', 'stop'], args: (key, start, stop) => ['LRANGE', key, start, stop], reply: asBulkArray },
  llen: { params: ['key'], args: (key) => ['LLEN', key], reply: asInteger },
  lindex: { params: ['key', 'index'], args: (key, index) => ['LINDEX', key, index], reply: asNullableBulk },
  lset: { params: ['key', 'index', 'element'], args: (key, index, element) => ['LSET', key, index, element], reply: asOk },
  lrem: { params: ['key', 'count', 'element'], args: (key, count, element) => ['LREM', key, count, element], reply: asInteger },
  ltrim: { params: ['key', 'start', 'stop'], args: (key, start, stop) => ['LTRIM', key, start, stop], reply: asOk },
  linsert: { params: ['key', 'where', 'pivot', 'element'], args: (key, where, pivot, element) => ['LINSERT', key, where, pivot, element], reply: asInteger },
  lpos: {
    params: ['key', 'element', 'options?'],
    options: { RANK: true, COUNT: true, MAXLEN: true },
    args: (key, element, options = {}) => {
      const args: RedisArg[] = ['LPOS', key, element];
      if (options.RANK !== undefined) args.push('RANK', options.RANK);
      if (options.COUNT !== undefined) args.push('COUNT', options.COUNT);
      if (options.MAXLEN !== undefined) args.push('MAXLEN', options.MAXLEN);
      return args;
    },
    reply: (r, [, , options]) => (options?.COUNT !== undefined ? asIntegerArray(r) : asNullableInteger(r)) as never,
  },
  lmove: { params: ['source', 'destination', 'from', 'to'], args: (src, dst, from, to) => ['LMOVE', src, dst, from, to], reply: asNullableBulk },
  rpoplpush: { params: ['source', 'destination'], args: (src, dst) => ['RPOPLPUSH', src, dst], reply: asNullableBulk },
  lmpop: { params: ['keys', 'from', 'count?'], args: (keys, from, count) => ['LMPOP', ...mpopArgs(keys, from, count)], reply: asListPopResult },
  blpop: { params: ['keys', 'timeoutSeconds'], args: (keys, timeout) => ['BLPOP', ...keyList(keys), timeout], reply: asKeyElement },
  brpop: { params: ['keys', 'timeoutSeconds'], args: (keys, timeout) => ['BRPOP', ...keyList(keys), timeout], reply: asKeyElement },
  blmove: { params: ['source', 'destination', 'from', 'to', 'timeoutSeconds'], args: (src, dst, from, to, timeout) => ['BLMOVE', src, dst, from, to, timeout], reply: asNullableBulk },
  brpoplpush: { params: ['source', 'destination', 'timeoutSeconds'], args: (src, dst, timeout) => ['BRPOPLPUSH', src, dst, timeout], reply: asNullableBulk },
  blmpop: { params: ['timeoutSeconds', 'keys', 'from', 'count?'], args: (timeout, keys, from, count) => ['BLMPOP', timeout, ...mpopArgs(keys, from, count)], reply: asListPopResult },
});

/** Timeout in seconds as the last argument (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN/MAX). */
export const lastArgSeconds = (args: readonly RedisArg[]): number => secondsToMs(args[args.length - 1]);
/** Timeout in seconds as args[1] (BLMPOP, BZMPOP). */
export const firstArgSeconds = (args: readonly RedisArg[]): number => secondsToMs(args[1]);

export const listCommandSpecs: CommandSpec[] = [
  write('LPUSH', firstKey),
  write('RPUSH', firstKey),
  write('LPUSHX', firstKey),
  write('RPUSHX', firstKey),
  write('LPOP', firstKey),
  write('RPOP', firstKey),
  read('LRANGE', firstKey),
  read('LLEN', firstKey),
  read('LINDEX', firstKey),
  write('LSET', firstKey),
  write('LREM', firstKey),
  write('LTRIM', firstKey),
  write('LINSERT', firstKey),
  read('LPOS', firstKey),
  write('LMOVE', keyRange(1, 2)),
  write('RPOPLPUSH', keyRange(1, 2)),
  write('LMPOP', keysAfterNumkeys(1)),
  write('BLPOP', keyRange(1, -2), { blockTimeout: lastArgSeconds }),
  write('BRPOP', keyRange(1, -2), { blockTimeout: lastArgSeconds }),
  write('BLMOVE', keyRange(1, 2), { blockTimeout: lastArgSeconds }),
  write('BRPOPLPUSH', keyRange(1, 2), { blockTimeout: lastArgSeconds }),
  write('BLMPOP', keysAfterNumkeys(2), { blockTimeout: firstArgSeconds }),
];
