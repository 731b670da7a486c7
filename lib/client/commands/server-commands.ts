import type { RedisArg } from '../../protocol/resp-value.js';
import { DataError } from '../../errors/index.js';
import type { RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import { container, keyRange, millis, read, write, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import { asInteger, asIntegerArray, asNullableInteger, asOk, asTextArray, asTextRecord } from './reply-transforms.js';
import { asInfo, asRole, asServerTime, type InfoReply, type RoleInfo, type ServerTime } from './server-replies.js';
import type { FlushMode } from './scripting-commands.js';

export interface ServerCommands<S extends StringOrBuffer = string> {
  /** INFO, parsed: `sections.server.redis_version`, `sections.keyspace.db0`, ... plus `raw`. */
  info(...sections: string[]): Promise<InfoReply>;
  role(): Promise<RoleInfo>;
  time(): Promise<ServerTime>;
  dbsize(): Promise<number>;
  flushdb(mode?: FlushMode): Promise<'OK'>;
  flushall(mode?: FlushMode): Promise<'OK'>;
  /** Parameters matching the glob patterns, as `name → value`. */
  configGet(...patterns: string[]): Promise<Record<string, string>>;
  configSet(parameters: Record<string, RedisValue>): Promise<'OK'>;
  configResetstat(): Promise<'OK'>;
  configRewrite(): Promise<'OK'>;
  /** Unix time (s) of the last successful save. */
  lastsave(): Promise<number>;
  /** Bytes used by the key and its value, or null when it does not exist. */
  memoryUsage(key: RedisKey, options?: { SAMPLES?: number }): Promise<number | null>;
  swapdb(index1: number, index2: number): Promise<'OK'>;
  /** Number of replicas that acknowledged the writes of this connection within `timeoutMs` (0 = wait forever). */
  wait(numReplicas: number, timeoutMs: number): Promise<number>;
  /** Redis 7.2+: `[local fsyncs, replica fsyncs]` that acknowledged. */
  waitaof(numLocal: number, numReplicas: number, timeoutMs: number): Promise<[local: number, replicas: number]>;
  commandCount(): Promise<number>;
  /** Key arguments of a full command, as the server sees them (routing for commands the table does not know). */
  commandGetkeys(...args: RedisValue[]): Promise<S[]>;
}

function flush(command: string, mode?: FlushMode): RedisArg[] {
  return mode ? [command, mode] : [command];
}

export const serverMethods = methodTable<ServerCommands>({
  info: { params: ['...sections'], args: (...sections) => ['INFO', ...sections], reply: asInfo },
  role: { params: [], args: () => ['ROLE'], reply: asRole },
  time: { params: [], args: () => ['TIME'], reply: asServerTime },
  dbsize: { params: [], args: () => ['DBSIZE'], reply: asInteger },
  flushdb: { params: ['mode?'], args: (mode) => flush('FLUSHDB', mode), reply: asOk },
  flushall: { params: ['mode?'], args: (mode) => flush('FLUSHALL', mode), reply: asOk },
  configGet: { params: ['...patterns'], args: (...patterns) => ['CONFIG', 'GET', ...patterns], reply: asTextRecord },
  configSet: {
    params: ['parameters'],
    args: (parameters) => {
      const pairs = Object.entries(parameters).flat();
      if (pairs.length === 0) throw new DataError('CONFIG SET needs at least one parameter');
      return ['CONFIG', 'SET', ...pairs];
    },
    reply: asOk,
  },
  configResetstat: { params: [], args: () => ['CONFIG', 'RESETSTAT'], reply: asOk },
  configRewrite: { params: [], args: () => ['CONFIG', 'REWRITE'], reply: asOk },
  lastsave: { params: [], args: () => ['LASTSAVE'], reply: asInteger },
  memoryUsage: {
    params: ['key', 'options?'],
    options: { SAMPLES: true },
    args: (key, o = {}) => (o.SAMPLES === undefined ? ['MEMORY', 'USAGE', key] : ['MEMORY', 'USAGE', key, 'SAMPLES', o.SAMPLES]),
    reply: asNullableInteger,
  },
  swapdb: { params: ['index1', 'index2'], args: (a, b) => ['SWAPDB', a, b], reply: asOk },
  wait: { params: ['numReplicas', 'timeoutMs'], args: (n, timeout) => ['WAIT', n, timeout], reply: asInteger },
  waitaof: { params: ['numLocal', 'numReplicas', 'timeoutMs'], args: (local, replicas, timeout) => ['WAITAOF', local, replicas, timeout], reply: (r) => asIntegerArray(r) as [number, number] },
  commandCount: { params: [], args: () => ['COMMAND', 'COUNT'], reply: asInteger },
  commandGetkeys: { params: ['...args'], args: (...args) => ['COMMAND', 'GETKEYS', ...args], reply: (r) => asTextArray(r) },
});

const allShardsOk = { requestPolicy: 'all-shards', responsePolicy: 'all-succeeded' } as const;

export const serverCommandSpecs: CommandSpec[] = [
  read('INFO', undefined, { requestPolicy: 'all-nodes' }),
  read('ROLE'),
  read('TIME'),
  read('DBSIZE', undefined, { requestPolicy: 'all-shards', responsePolicy: 'agg-sum' }),
  write('FLUSHDB', undefined, allShardsOk),
  write('FLUSHALL', undefined, allShardsOk),
  container('CONFIG', [
    read('GET', undefined, { requestPolicy: 'all-nodes' }),
    write('SET', undefined, { requestPolicy: 'all-nodes', responsePolicy: 'all-succeeded' }),
    write('RESETSTAT', undefined, { requestPolicy: 'all-nodes', responsePolicy: 'all-succeeded' }),
    write('REWRITE', undefined, { requestPolicy: 'all-nodes', responsePolicy: 'all-succeeded' }),
    read('HELP'),
  ]),
  read('LASTSAVE'),
  container('MEMORY', [read('USAGE', keyRange(2, 2)), read('STATS'), read('DOCTOR'), write('PURGE'), read('MALLOC-STATS'), read('HELP')]),
  write('SWAPDB'),
  // WAIT/WAITAOF count acknowledgements of writes made on the same connection: send them where those went.
  read('WAIT', undefined, { blockTimeout: (args) => millis(args[2]) }),
  read('WAITAOF', undefined, { blockTimeout: (args) => millis(args[3]) }),
  container('COMMAND', [read('COUNT'), read('GETKEYS'), read('GETKEYSANDFLAGS'), read('INFO'), read('DOCS'), read('LIST'), read('HELP')]),
  write('SAVE'),
  write('BGSAVE'),
  write('BGREWRITEAOF'),
  write('SHUTDOWN'),
  write('REPLICAOF'),
  write('SLAVEOF'),
  write('FAILOVER'),
  read('SLOWLOG'),
  read('LATENCY'),
  read('LOLWUT'),
  write('DEBUG'),
  write('ACL'),
  read('MONITOR'),
];
