import type { RedisArg } from '../../protocol/resp-value.js';
import { DataError } from '../../errors/index.js';
import type { RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import {
  container, findKeyword, firstKey, keyRange, millis, read, streamsKeys, write, type CommandSpec,
} from './command-spec.js';
import { methodTable, type OptionKeys } from './method-spec.js';
import { asBoolean, asInteger, asNullableText, asOk, asTextArray } from './reply-transforms.js';
import { keyValueArgs } from './string-commands.js';
import {
  asAutoClaimResult, asPendingEntries, asPendingSummary, asStreamConsumerInfos, asStreamEntries, asStreamGroupInfos,
  asStreamInfo, asStreamMessages, type AutoClaimResult, type PendingEntry, type PendingSummary, type StreamConsumerInfo,
  type StreamEntry, type StreamGroupInfo, type StreamInfo, type StreamMessages,
} from './stream-replies.js';

/** Trim by length (MAXLEN) or by smallest id (MINID); exactly one of them. */
export interface StreamTrimOptions {
  MAXLEN?: number;
  MINID?: string;
  /** `~`: trim lazily, whole nodes only (much cheaper). */
  approximate?: boolean;
  /** With `approximate`: evict at most this many entries per call. */
  LIMIT?: number;
}

export interface XAddOptions extends Partial<StreamTrimOptions> {
  /** Do not create the stream when it does not exist (XADD then returns null). */
  NOMKSTREAM?: boolean;
}

/** Streams to read and the id to read after, per stream: an object or `[key, id]` pairs ('$' = only new, '>' = never delivered to the group). */
export type StreamOffsets = Record<string, string> | [key: RedisKey, id: string][];

export interface XReadOptions {
  COUNT?: number;
  /** Block up to this many ms for data (0 = forever). The call then runs on a leased connection. */
  BLOCK?: number;
}

export interface XReadGroupOptions extends XReadOptions {
  NOACK?: boolean;
}

export interface XClaimOptions {
  IDLE?: number;
  TIME?: number;
  RETRYCOUNT?: number;
  FORCE?: boolean;
  LASTID?: string;
}

/** Fields of a new entry: an object, a Map or field/value pairs. */
export type StreamFieldValues = Record<string, RedisValue> | Map<RedisKey, RedisValue> | RedisValue[];

export interface StreamCommands<S extends StringOrBuffer = string> {
  /** Appends an entry; returns its id, or null with NOMKSTREAM when the stream does not exist. */
  xadd(key: RedisKey, id: string, fields: StreamFieldValues, options?: XAddOptions): Promise<string | null>;
  xlen(key: RedisKey): Promise<number>;
  xrange(key: RedisKey, start?: string, end?: string, count?: number): Promise<StreamEntry<S>[]>;
  xrevrange(key: RedisKey, end?: string, start?: string, count?: number): Promise<StreamEntry<S>[]>;
  /** Entries after the given ids, per stream; null when none arrived (within BLOCK). */
  xread(streams: StreamOffsets, options?: XReadOptions): Promise<StreamMessages<S>[] | null>;
  xreadgroup(group: string, consumer: string, streams: StreamOffsets, options?: XReadGroupOptions): Promise<StreamMessages<S>[] | null>;
  xgroupCreate(key: RedisKey, group: string, id: string, options?: { MKSTREAM?: boolean; ENTRIESREAD?: number }): Promise<'OK'>;
  /** true when the group existed. */
  xgroupDestroy(key: RedisKey, group: string): Promise<boolean>;
  /** true when the consumer was created (false: it existed). */
  xgroupCreateconsumer(key: RedisKey, group: string, consumer: string): Promise<boolean>;
  /** Number of pending messages the consumer had. */
  xgroupDelconsumer(key: RedisKey, group: string, consumer: string): Promise<number>;
  xgroupSetid(key: RedisKey, group: string, id: string, options?: { ENTRIESREAD?: number }): Promise<'OK'>;
  xack(key: RedisKey, group: string, ...ids: string[]): Promise<number>;
  /** Summary form of XPENDING. */
  xpending(key: RedisKey, group: string): Promise<PendingSummary>;
  /** Extended form: pending entries between start and end, at most count, optionally of one consumer / min idle. */
  xpendingRange(key: RedisKey, group: string, start: string, end: string, count: number, options?: { IDLE?: number; consumer?: string }): Promise<PendingEntry[]>;
  xclaim(key: RedisKey, group: string, consumer: string, minIdleMs: number, ids: string[], options?: XClaimOptions): Promise<StreamEntry<S>[]>;
  xclaimJustid(key: RedisKey, group: string, consumer: string, minIdleMs: number, ids: string[], options?: XClaimOptions): Promise<string[]>;
  xautoclaim(key: RedisKey, group: string, consumer: string, minIdleMs: number, start: string, options?: { COUNT?: number }): Promise<AutoClaimResult<S>>;
  /** Number of entries removed. */
  xtrim(key: RedisKey, options: StreamTrimOptions): Promise<number>;
  xdel(key: RedisKey, ...ids: string[]): Promise<number>;
  xinfoStream(key: RedisKey): Promise<StreamInfo<S>>;
  xinfoGroups(key: RedisKey): Promise<StreamGroupInfo[]>;
  xinfoConsumers(key: RedisKey, group: string): Promise<StreamConsumerInfo[]>;
}

const trimOptionKeys: OptionKeys<StreamTrimOptions> = { MAXLEN: true, MINID: true, approximate: true, LIMIT: true };
const xaddOptionKeys: OptionKeys<XAddOptions> = { ...trimOptionKeys, NOMKSTREAM: true };
const xreadOptionKeys: OptionKeys<XReadOptions> = { COUNT: true, BLOCK: true };
const xreadGroupOptionKeys: OptionKeys<XReadGroupOptions> = { ...xreadOptionKeys, NOACK: true };
const xclaimOptionKeys: OptionKeys<XClaimOptions> = { IDLE: true, TIME: true, RETRYCOUNT: true, FORCE: true, LASTID: true };

function trimArgs(command: string, options: Partial<StreamTrimOptions>, required: boolean): RedisArg[] {
  const given = (options.MAXLEN !== undefined ? 1 : 0) + (options.MINID !== undefined ? 1 : 0);
  if (given > 1 || (required && given === 0)) throw new DataError(`${command}: give exactly one of MAXLEN or MINID`);
  if (given === 0) return [];
  const args: RedisArg[] = options.MAXLEN !== undefined ? ['MAXLEN'] : ['MINID'];
  if (options.approximate) args.push('~');
  args.push(options.MAXLEN ?? (options.MINID as string));
  if (options.LIMIT !== undefined) args.push('LIMIT', options.LIMIT);
  return args;
}

function streamsArgs(streams: StreamOffsets): RedisArg[] {
  const pairs: [RedisKey, string][] = Array.isArray(streams) ? streams : Object.entries(streams);
  if (pairs.length === 0) throw new DataError('XREAD/XREADGROUP needs at least one stream');
  return ['STREAMS', ...pairs.map(([key]) => key), ...pairs.map(([, id]) => id)];
}

function readArgs(options: XReadGroupOptions): RedisArg[] {
  const args: RedisArg[] = [];
  if (options.COUNT !== undefined) args.push('COUNT', options.COUNT);
  if (options.BLOCK !== undefined) args.push('BLOCK', options.BLOCK);
  if (options.NOACK) args.push('NOACK');
  return args;
}

function claimArgs(key: RedisKey, group: string, consumer: string, minIdle: number, ids: string[], options: XClaimOptions, justId: boolean): RedisArg[] {
  const args: RedisArg[] = ['XCLAIM', key, group, consumer, minIdle, ...ids];
  if (options.IDLE !== undefined) args.push('IDLE', options.IDLE);
  if (options.TIME !== undefined) args.push('TIME', options.TIME);
  if (options.RETRYCOUNT !== undefined) args.push('RETRYCOUNT', options.RETRYCOUNT);
  if (options.FORCE) args.push('FORCE');
  if (justId) args.push('JUSTID');
  if (options.LASTID !== undefined) args.push('LASTID', options.LASTID);
  return args;
}

function rangeArgs(command: string, key: RedisKey, from: string, to: string, count?: number): RedisArg[] {
  return count === undefined ? [command, key, from, to] : [command, key, from, to, 'COUNT', count];
}

export const streamMethods = methodTable<StreamCommands>({
  xadd: {
    params: ['key', 'id', 'fields', 'options?'],
    options: xaddOptionKeys,
    args: (key, id, fields, options = {}) => {
      const args: RedisArg[] = ['XADD', key];
      if (options.NOMKSTREAM) args.push('NOMKSTREAM');
      args.push(...trimArgs('XADD', options, false), id);
      args.push(...keyValueArgs('XADD', Array.isArray(fields) ? fields : [fields]));
      return args;
    },
    reply: asNullableText,
  },
  xlen: { params: ['key'], args: (key) => ['XLEN', key], reply: asInteger },
  xrange: {
    params: ['key', 'start?', 'end?', 'count?'],
    args: (key, start = '-', end = '+', count) => rangeArgs('XRANGE', key, start, end, count),
    reply: asStreamEntries,
  },
  xrevrange: {
    params: ['key', 'end?', 'start?', 'count?'],
    args: (key, end = '+', start = '-', count) => rangeArgs('XREVRANGE', key, end, start, count),
    reply: asStreamEntries,
  },
  xread: {
    params: ['streams', 'options?'],
    options: xreadOptionKeys,
    args: (streams, options = {}) => ['XREAD', ...readArgs(options), ...streamsArgs(streams)],
    reply: asStreamMessages,
  },
  xreadgroup: {
    params: ['group', 'consumer', 'streams', 'options?'],
    options: xreadGroupOptionKeys,
    args: (group, consumer, streams, options = {}) => ['XREADGROUP', 'GROUP', group, consumer, ...readArgs(options), ...streamsArgs(streams)],
    reply: asStreamMessages,
  },
  xgroupCreate: {
    params: ['key', 'group', 'id', 'options?'],
    options: { MKSTREAM: true, ENTRIESREAD: true },
    args: (key, group, id, options = {}) => {
      const args: RedisArg[] = ['XGROUP', 'CREATE', key, group, id];
      if (options.MKSTREAM) args.push('MKSTREAM');
      if (options.ENTRIESREAD !== undefined) args.push('ENTRIESREAD', options.ENTRIESREAD);
      return args;
    },
    reply: asOk,
  },
  xgroupDestroy: { params: ['key', 'group'], args: (key, group) => ['XGROUP', 'DESTROY', key, group], reply: asBoolean },
  xgroupCreateconsumer: { params: ['key', 'group', 'consumer'], args: (key, g, c) => ['XGROUP', 'CREATECONSUMER', key, g, c], reply: asBoolean },
  xgroupDelconsumer: { params: ['key', 'group', 'consumer'], args: (key, g, c) => ['XGROUP', 'DELCONSUMER', key, g, c], reply: asInteger },
  xgroupSetid: {
    params: ['key', 'group', 'id', 'options?'],
    options: { ENTRIESREAD: true },
    args: (key, group, id, options = {}) =>
      options.ENTRIESREAD === undefined ? ['XGROUP', 'SETID', key, group, id] : ['XGROUP', 'SETID', key, group, id, 'ENTRIESREAD', options.ENTRIESREAD],
    reply: asOk,
  },
  xack: { params: ['key', 'group', '...ids'], args: (key, group, ...ids) => ['XACK', key, group, ...ids], reply: asInteger },
  xpending: { params: ['key', 'group'], args: (key, group) => ['XPENDING', key, group], reply: asPendingSummary },
  xpendingRange: {
    params: ['key', 'group', 'start', 'end', 'count', 'options?'],
    options: { IDLE: true, consumer: true },
    args: (key, group, start, end, count, options = {}) => {
      const args: RedisArg[] = ['XPENDING', key, group];
      if (options.IDLE !== undefined) args.push('IDLE', options.IDLE);
      args.push(start, end, count);
      if (options.consumer !== undefined) args.push(options.consumer);
      return args;
    },
    reply: asPendingEntries,
  },
  xclaim: {
    params: ['key', 'group', 'consumer', 'minIdleMs', 'ids', 'options?'],
    options: xclaimOptionKeys,
    args: (k, g, c, idle, ids, o = {}) => claimArgs(k, g, c, idle, ids, o, false),
    reply: asStreamEntries,
  },
  xclaimJustid: {
    params: ['key', 'group', 'consumer', 'minIdleMs', 'ids', 'options?'],
    options: xclaimOptionKeys,
    args: (k, g, c, idle, ids, o = {}) => claimArgs(k, g, c, idle, ids, o, true),
    reply: asTextArray,
  },
  xautoclaim: {
    params: ['key', 'group', 'consumer', 'minIdleMs', 'start', 'options?'],
    options: { COUNT: true },
    args: (key, group, consumer, minIdle, start, options = {}) =>
      options.COUNT === undefined
        ? ['XAUTOCLAIM', key, group, consumer, minIdle, start]
        : ['XAUTOCLAIM', key, group, consumer, minIdle, start, 'COUNT', options.COUNT],
    reply: asAutoClaimResult,
  },
  xtrim: {
    params: ['key', 'options'],
    options: trimOptionKeys,
    args: (key, options) => ['XTRIM', key, ...trimArgs('XTRIM', options, true)],
    reply: asInteger,
  },
  xdel: { params: ['key', '...ids'], args: (key, ...ids) => ['XDEL', key, ...ids], reply: asInteger },
  xinfoStream: { params: ['key'], args: (key) => ['XINFO', 'STREAM', key], reply: asStreamInfo },
  xinfoGroups: { params: ['key'], args: (key) => ['XINFO', 'GROUPS', key], reply: asStreamGroupInfos },
  xinfoConsumers: { params: ['key', 'group'], args: (key, group) => ['XINFO', 'CONSUMERS', key, group], reply: asStreamConsumerInfos },
});

/** XREAD/XREADGROUP block only with a BLOCK option (before STREAMS). */
function streamBlockTimeout(args: readonly RedisArg[]): number | undefined {
  const streams = findKeyword(args, 'STREAMS');
  const block = findKeyword(args, 'BLOCK');
  return block > 0 && (streams < 0 || block < streams) ? millis(args[block + 1]) : undefined;
}

const atIndex2 = keyRange(2, 2);

export const streamCommandSpecs: CommandSpec[] = [
  write('XADD', firstKey),
  read('XLEN', firstKey),
  read('XRANGE', firstKey),
  read('XREVRANGE', firstKey),
  read('XREAD', streamsKeys, { blockTimeout: streamBlockTimeout }),
  write('XREADGROUP', streamsKeys, { blockTimeout: streamBlockTimeout }),
  container('XGROUP', [
    write('CREATE', atIndex2),
    write('DESTROY', atIndex2),
    write('CREATECONSUMER', atIndex2),
    write('DELCONSUMER', atIndex2),
    write('SETID', atIndex2),
    read('HELP'),
  ]),
  write('XACK', firstKey),
  read('XPENDING', firstKey),
  write('XCLAIM', firstKey),
  write('XAUTOCLAIM', firstKey),
  write('XTRIM', firstKey),
  write('XDEL', firstKey),
  write('XSETID', firstKey),
  container('XINFO', [read('STREAM', atIndex2), read('GROUPS', atIndex2), read('CONSUMERS', atIndex2), read('HELP')]),
];
