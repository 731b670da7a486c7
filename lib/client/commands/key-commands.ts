import type { RedisArg } from '../../protocol/resp-value.js';
import type { ExpireCondition, RedisKey, StringOrBuffer } from './command-types.js';
import { allKeys, firstKey, keyRange, read, write, container, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import {
  asBoolean, asBulkArray, asInteger, asNullableBulk, asNullableInteger, asNullableText, asOk, asText,
} from './reply-transforms.js';
import { keyScanOptionKeys, scanArgs, type KeyScanOptions } from './scan-options.js';

export interface CopyOptions {
  /** Destination database. */
  DB?: number;
  /** Overwrite an existing destination. */
  REPLACE?: boolean;
}

export interface RestoreOptions {
  REPLACE?: boolean;
  /** `ttl` is a Unix time in ms, not a duration. */
  ABSTTL?: boolean;
  IDLETIME?: number;
  FREQ?: number;
}

/** The value type names TYPE reports. */
export type KeyType = 'none' | 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream' | (string & {});

export interface KeyCommands<S extends StringOrBuffer = string> {
  /** Number of keys removed. */
  del(...keys: RedisKey[]): Promise<number>;
  unlink(...keys: RedisKey[]): Promise<number>;
  /** How many of the keys exist (a key named twice counts twice). */
  exists(...keys: RedisKey[]): Promise<number>;
  /** true when the timeout was set (false: no such key, or the condition failed). */
  expire(key: RedisKey, seconds: number, condition?: ExpireCondition): Promise<boolean>;
  pexpire(key: RedisKey, milliseconds: number, condition?: ExpireCondition): Promise<boolean>;
  expireat(key: RedisKey, unixSeconds: number, condition?: ExpireCondition): Promise<boolean>;
  pexpireat(key: RedisKey, unixMilliseconds: number, condition?: ExpireCondition): Promise<boolean>;
  /** Seconds to live; -1 no expiry, -2 no such key. */
  ttl(key: RedisKey): Promise<number>;
  pttl(key: RedisKey): Promise<number>;
  /** Unix time (s) the key expires at; -1 no expiry, -2 no such key. Redis 7. */
  expiretime(key: RedisKey): Promise<number>;
  pexpiretime(key: RedisKey): Promise<number>;
  /** true when a timeout was removed. */
  persist(key: RedisKey): Promise<boolean>;
  type(key: RedisKey): Promise<KeyType>;
  rename(key: RedisKey, newKey: RedisKey): Promise<'OK'>;
  renamenx(key: RedisKey, newKey: RedisKey): Promise<boolean>;
  copy(source: RedisKey, destination: RedisKey, options?: CopyOptions): Promise<boolean>;
  keys(pattern: string): Promise<S[]>;
  /** One SCAN step: the next cursor ('0' when done) and this step's keys. */
  scan(cursor: string | number, options?: KeyScanOptions): Promise<[cursor: string, keys: S[]]>;
  randomkey(): Promise<S | null>;
  touch(...keys: RedisKey[]): Promise<number>;
  /** Serialized value (always a Buffer), or null when the key does not exist. */
  dump(key: RedisKey): Promise<Buffer | null>;
  restore(key: RedisKey, ttl: number, serialized: Buffer, options?: RestoreOptions): Promise<'OK'>;
  /** Internal encoding (`'listpack'`, `'int'`, ...), or null when the key does not exist. */
  objectEncoding(key: RedisKey): Promise<string | null>;
  objectRefcount(key: RedisKey): Promise<number | null>;
  objectIdletime(key: RedisKey): Promise<number | null>;
  objectFreq(key: RedisKey): Promise<number | null>;
}

function expireArgs(command: string, key: RedisKey, time: number, condition?: ExpireCondition): RedisArg[] {
  return condition ? [command, key, time, condition] : [command, key, time];
}

/** SCAN-style reply `[cursor, elements]` with the cursor as text. */
export function asScanReply<T>(reply: unknown, shape: (elements: never) => T): [string, T] {
  const [cursor, elements] = reply as [RedisArg, never];
  return [asText(cursor), shape(elements)];
}

export const keyMethods = methodTable<KeyCommands>({
  del: { params: ['...keys'], args: (...keys) => ['DEL', ...keys], reply: asInteger },
  unlink: { params: ['...keys'], args: (...keys) => ['UNLINK', ...keys], reply: asInteger },
  exists: { params: ['...keys'], args: (...keys) => ['EXISTS', ...keys], reply: asInteger },
  expire: { params: ['key', 'seconds', 'condition?'], args: (key, t, c) => expireArgs('EXPIRE', key, t, c), reply: asBoolean },
  pexpire: { params: ['key', 'milliseconds', 'condition?'], args: (key, t, c) => expireArgs('PEXPIRE', key, t, c), reply: asBoolean },
  expireat: { params: ['key', 'unixSeconds', 'condition?'], args: (key, t, c) => expireArgs('EXPIREAT', key, t, c), reply: asBoolean },
  pexpireat: { params: ['key', 'unixMilliseconds', 'condition?'], args: (key, t, c) => expireArgs('PEXPIREAT', key, t, c), reply: asBoolean },
  ttl: { params: ['key'], args: (key) => ['TTL', key], reply: asInteger },
  pttl: { params: ['key'], args: (key) => ['PTTL', key], reply: asInteger },
  expiretime: { params: ['key'], args: (key) => ['EXPIRETIME', key], reply: asInteger },
  pexpiretime: { params: ['key'], args: (key) => ['PEXPIRETIME', key], reply: asInteger },
  persist: { params: ['key'], args: (key) => ['PERSIST', key], reply: asBoolean },
  type: { params: ['key'], args: (key) => ['TYPE', key], reply: asText },
  rename: { params: ['key', 'newKey'], args: (key, newKey) => ['RENAME', key, newKey], reply: asOk },
  renamenx: { params: ['key', 'newKey'], args: (key, newKey) => ['RENAMENX', key, newKey], reply: asBoolean },
  copy: {
    params: ['source', 'destination', 'options?'],
    options: { DB: true, REPLACE: true },
    args: (source, destination, options = {}) => {
      const args: RedisArg[] = ['COPY', source, destination];
      if (options.DB !== undefined) args.push('DB', options.DB);
      if (options.REPLACE) args.push('REPLACE');
      return args;
    },
    reply: asBoolean,
  },
  keys: { params: ['pattern'], args: (pattern) => ['KEYS', pattern], reply: asBulkArray },
  scan: {
    params: ['cursor', 'options?'],
    options: keyScanOptionKeys,
    args: (cursor, options) => ['SCAN', cursor, ...scanArgs(options)],
    reply: (r) => asScanReply(r, asBulkArray),
  },
  randomkey: { params: [], args: () => ['RANDOMKEY'], reply: asNullableBulk },
  touch: { params: ['...keys'], args: (...keys) => ['TOUCH', ...keys], reply: asInteger },
  dump: { params: ['key'], args: (key) => ['DUMP', key], reply: (r) => (r === null ? null : (r as Buffer)), returnBuffers: true },
  restore: {
    params: ['key', 'ttl', 'serialized', 'options?'],
    options: { REPLACE: true, ABSTTL: true, IDLETIME: true, FREQ: true },
    args: (key, ttl, serialized, options = {}) => {
      const args: RedisArg[] = ['RESTORE', key, ttl, serialized];
      if (options.REPLACE) args.push('REPLACE');
      if (options.ABSTTL) args.push('ABSTTL');
      if (options.IDLETIME !== undefined) args.push('IDLETIME', options.IDLETIME);
      if (options.FREQ !== undefined) args.push('FREQ', options.FREQ);
      return args;
    },
    reply: asOk,
  },
  objectEncoding: { params: ['key'], args: (key) => ['OBJECT', 'ENCODING', key], reply: asNullableText },
  objectRefcount: { params: ['key'], args: (key) => ['OBJECT', 'REFCOUNT', key], reply: asNullableInteger },
  objectIdletime: { params: ['key'], args: (key) => ['OBJECT', 'IDLETIME', key], reply: asNullableInteger },
  objectFreq: { params: ['key'], args: (key) => ['OBJECT', 'FREQ', key], reply: asNullableInteger },
});


export const keyCommandSpecs: CommandSpec[] = [
  write('DEL', allKeys),
  write('UNLINK', allKeys),
  read('EXISTS', allKeys),
  write('EXPIRE', firstKey),
  write('PEXPIRE', firstKey),
  write('EXPIREAT', firstKey),
  write('PEXPIREAT', firstKey),
  read('TTL', firstKey),
  read('PTTL', firstKey),
  read('EXPIRETIME', firstKey),
  read('PEXPIRETIME', firstKey),
  write('PERSIST', firstKey),
  read('TYPE', firstKey),
  write('RENAME', keyRange(1, 2)),
  write('RENAMENX', keyRange(1, 2)),
  write('COPY', keyRange(1, 2)),
  read('KEYS', undefined, { requestPolicy: 'all-shards' }),
  read('SCAN'),
  read('RANDOMKEY', undefined, { requestPolicy: 'all-shards' }),
  read('TOUCH', allKeys),
  read('DUMP', firstKey),
  write('RESTORE', firstKey),
  write('MOVE', firstKey),
  read('SORT_RO', firstKey),
  // SORT may STORE into a second key; routing by the first key is what servers accept for same-slot keys.
  write('SORT', firstKey),
  container('OBJECT', [
    read('ENCODING', keyRange(2, 2)),
    read('REFCOUNT', keyRange(2, 2)),
    read('IDLETIME', keyRange(2, 2)),
    read('FREQ', keyRange(2, 2)),
    read('HELP'),
  ]),
];
