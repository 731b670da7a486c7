import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import { DataError } from '../../errors/index.js';
import type { Flag, RedisKey, RedisValue, ScoredMember, StringOrBuffer } from './command-types.js';
import { firstKey, keyRange, keysAfterNumkeys, read, write, type CommandSpec } from './command-spec.js';
import { methodTable, type OptionKeys } from './method-spec.js';
import { checkShape } from './param-check.js';
import {
  asArray, asBulkArray, asDouble, asInteger, asNullableBulk, asNullableDouble, asNullableInteger, asScoredMembers,
} from './reply-transforms.js';
import { asScanReply } from './key-commands.js';
import { firstArgSeconds, lastArgSeconds } from './list-commands.js';
import { scanArgs, scanOptionKeys, type ScanOptions } from './scan-options.js';

/** A score bound: a number, or Redis syntax such as `'(1.5'`, `'-inf'`, `'+inf'` (and `'[a'`, `'-'` for BYLEX). */
export type ScoreBound = number | string;

export interface ZAddMember {
  score: number;
  member: RedisValue;
}

export interface ZAddOptions {
  NX?: boolean;
  XX?: boolean;
  GT?: boolean;
  LT?: boolean;
  /** Count changed members, not only added ones. */
  CH?: boolean;
}

export interface ZRangeOptions {
  /** Range by score or lexicographically instead of by rank. */
  BY?: 'SCORE' | 'LEX';
  REV?: boolean;
  LIMIT?: { offset: number; count: number };
  WITHSCORES?: boolean;
}

export interface ZStoreOptions {
  WEIGHTS?: number[];
  AGGREGATE?: 'SUM' | 'MIN' | 'MAX';
}

/** Result of BZPOPMIN / BZPOPMAX. */
export interface KeyedScoredMember<S extends StringOrBuffer = string> extends ScoredMember<S> {
  key: S;
}

/** Result of ZMPOP / BZMPOP. */
export interface SortedSetPopResult<S extends StringOrBuffer = string> {
  key: S;
  members: ScoredMember<S>[];
}

const zaddOptionKeys: OptionKeys<ZAddOptions> = { NX: true, XX: true, GT: true, LT: true, CH: true };
const zrangeOptionKeys: OptionKeys<ZRangeOptions> = { BY: true, REV: true, LIMIT: true, WITHSCORES: true };
const zstoreOptionKeys: OptionKeys<ZStoreOptions> = { WEIGHTS: true, AGGREGATE: true };

type RangeResult<O, S extends StringOrBuffer> = Flag<O, 'WITHSCORES', ScoredMember<S>[], S[]>;

export interface SortedSetCommands<S extends StringOrBuffer = string> {
  /** Number of members added (changed, with CH). */
  zadd(key: RedisKey, members: ZAddMember | ZAddMember[], options?: ZAddOptions): Promise<number>;
  /** ZADD ... INCR: the member's new score, or null when NX/XX/GT/LT prevented it. */
  zaddIncr(key: RedisKey, member: ZAddMember, options?: ZAddOptions): Promise<number | null>;
  zrem(key: RedisKey, ...members: RedisValue[]): Promise<number>;
  zscore(key: RedisKey, member: RedisValue): Promise<number | null>;
  zmscore(key: RedisKey, ...members: RedisValue[]): Promise<(number | null)[]>;
  zincrby(key: RedisKey, increment: number, member: RedisValue): Promise<number>;
  zcard(key: RedisKey): Promise<number>;
  zcount(key: RedisKey, min: ScoreBound, max: ScoreBound): Promise<number>;
  zlexcount(key: RedisKey, min: string, max: string): Promise<number>;
  /** Members by rank (or score/lex with `BY`); `{ member, score }` objects with `WITHSCORES: true`. */
  zrange<O extends ZRangeOptions = {}>(key: RedisKey, start: ScoreBound, stop: ScoreBound, options?: O): Promise<RangeResult<O, S>>;
  zrangebyscore<O extends Omit<ZRangeOptions, 'BY' | 'REV'> = {}>(key: RedisKey, min: ScoreBound, max: ScoreBound, options?: O): Promise<RangeResult<O, S>>;
  zrevrange<O extends Pick<ZRangeOptions, 'WITHSCORES'> = {}>(key: RedisKey, start: number, stop: number, options?: O): Promise<RangeResult<O, S>>;
  zrank(key: RedisKey, member: RedisValue): Promise<number | null>;
  zrevrank(key: RedisKey, member: RedisValue): Promise<number | null>;
  /** Pops the lowest-scored members (1 by default); [] when the key does not exist. */
  zpopmin(key: RedisKey, count?: number): Promise<ScoredMember<S>[]>;
  zpopmax(key: RedisKey, count?: number): Promise<ScoredMember<S>[]>;
  zmpop(keys: RedisKey[], which: 'MIN' | 'MAX', count?: number): Promise<SortedSetPopResult<S> | null>;
  /** Blocking pop: the key, member and score, or null after `timeoutSeconds` (0 = forever). */
  bzpopmin(keys: RedisKey | RedisKey[], timeoutSeconds: number): Promise<KeyedScoredMember<S> | null>;
  bzpopmax(keys: RedisKey | RedisKey[], timeoutSeconds: number): Promise<KeyedScoredMember<S> | null>;
  bzmpop(timeoutSeconds: number, keys: RedisKey[], which: 'MIN' | 'MAX', count?: number): Promise<SortedSetPopResult<S> | null>;
  zrandmember(key: RedisKey): Promise<S | null>;
  /** Size of the stored result. */
  zunionstore(destination: RedisKey, keys: RedisKey[], options?: ZStoreOptions): Promise<number>;
  zinterstore(destination: RedisKey, keys: RedisKey[], options?: ZStoreOptions): Promise<number>;
  zremrangebyscore(key: RedisKey, min: ScoreBound, max: ScoreBound): Promise<number>;
  zremrangebyrank(key: RedisKey, start: number, stop: number): Promise<number>;
  zremrangebylex(key: RedisKey, min: string, max: string): Promise<number>;
  /** One ZSCAN step: next cursor ('0' when done) and members with scores. */
  zscan(key: RedisKey, cursor: string | number, options?: ScanOptions): Promise<[cursor: string, members: ScoredMember<S>[]]>;
}

/** ±Infinity as Redis spells it (the encoder rejects non-finite numbers); other bounds as given. */
export function scoreArg(score: ScoreBound): RedisArg {
  if (score === Number.POSITIVE_INFINITY) return '+inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return score;
}

function zaddArgs(key: RedisKey, members: ZAddMember[], options: ZAddOptions, incr: boolean): RedisArg[] {
  if (members.length === 0) throw new DataError('ZADD needs at least one { score, member }');
  const args: RedisArg[] = ['ZADD', key];
  for (const flag of ['NX', 'XX', 'GT', 'LT', 'CH'] as const) if (options[flag]) args.push(flag);
  if (incr) args.push('INCR');
  for (const { score, member } of members) args.push(scoreArg(score), member);
  return args;
}

function rangeOptionArgs(command: string, options: ZRangeOptions): RedisArg[] {
  const args: RedisArg[] = [];
  if (options.LIMIT !== undefined) checkShape(command, 'LIMIT', options.LIMIT, [['offset', 'count']]);
  if (options.BY) args.push(`BY${options.BY}`);
  if (options.REV) args.push('REV');
  if (options.LIMIT) args.push('LIMIT', options.LIMIT.offset, options.LIMIT.count);
  if (options.WITHSCORES) args.push('WITHSCORES');
  return args;
}

function rangeReply(reply: RespValue, options: { WITHSCORES?: boolean } | undefined): never {
  return (options?.WITHSCORES ? asScoredMembers(reply) : asBulkArray(reply)) as never;
}

function storeArgs(command: string, destination: RedisKey, keys: RedisKey[], options: ZStoreOptions = {}): RedisArg[] {
  const args: RedisArg[] = [command, destination, keys.length, ...keys];
  if (options.WEIGHTS) args.push('WEIGHTS', ...options.WEIGHTS);
  if (options.AGGREGATE) args.push('AGGREGATE', options.AGGREGATE);
  return args;
}

function withCount(args: RedisArg[], count: number | undefined): RedisArg[] {
  return count === undefined ? args : [...args, count];
}

/** `[key, member, score]` → `{ key, member, score }`. */
function asKeyedScoredMember(reply: RespValue): KeyedScoredMember | null {
  if (reply === null) return null;
  const [key, member, score] = asArray(reply);
  return { key: key as string, member: member as string, score: asDouble(score ?? null) };
}

/** `[key, [[member, score], ...]]` → `{ key, members }`. */
function asPopResult(reply: RespValue): SortedSetPopResult | null {
  if (reply === null) return null;
  const [key, members] = asArray(reply);
  return { key: key as string, members: asScoredMembers(members ?? []) };
}

function mpopArgs(keys: RedisKey[], which: 'MIN' | 'MAX', count?: number): RedisArg[] {
  return [keys.length, ...keys, which, ...(count === undefined ? [] : ['COUNT', count])];
}

export const sortedSetMethods = methodTable<SortedSetCommands>({
  zadd: {
    params: ['key', 'members', 'options?'],
    options: zaddOptionKeys,
    args: (key, m, options = {}) => zaddArgs(key, Array.isArray(m) ? m : [m], options, false),
    reply: asInteger,
  },
  zaddIncr: {
    params: ['key', 'member', 'options?'],
    options: zaddOptionKeys,
    args: (key, m, options = {}) => zaddArgs(key, [m], options, true),
    reply: asNullableDouble,
  },
  zrem: { params: ['key', '...members'], args: (key, ...members) => ['ZREM', key, ...members], reply: asInteger },
  zscore: { params: ['key', 'member'], args: (key, member) => ['ZSCORE', key, member], reply: asNullableDouble },
  zmscore: { params: ['key', '...members'], args: (key, ...members) => ['ZMSCORE', key, ...members], reply: (r) => asArray(r).map(asNullableDouble) },
  zincrby: { params: ['key', 'increment', 'member'], args: (key, n, member) => ['ZINCRBY', key, scoreArg(n), member], reply: asDouble },
  zcard: { params: ['key'], args: (key) => ['ZCARD', key], reply: asInteger },
  zcount: { params: ['key', 'min', 'max'], args: (key, min, max) => ['ZCOUNT', key, scoreArg(min), scoreArg(max)], reply: asInteger },
  zlexcount: { params: ['key', 'min', 'max'], args: (key, min, max) => ['ZLEXCOUNT', key, min, max], reply: asInteger },
  zrange: {
    params: ['key', 'start', 'stop', 'options?'],
    options: zrangeOptionKeys,
    args: (key, start, stop, options = {}) => ['ZRANGE', key, scoreArg(start), scoreArg(stop), ...rangeOptionArgs('ZRANGE', options)],
    reply: (r, [, , , options]) => rangeReply(r, options),
  },
  zrangebyscore: {
    params: ['key', 'min', 'max', 'options?'],
    options: { LIMIT: true, WITHSCORES: true },
    args: (key, min, max, options = {}) => ['ZRANGEBYSCORE', key, scoreArg(min), scoreArg(max), ...rangeOptionArgs('ZRANGEBYSCORE', options)],
    reply: (r, [, , , options]) => rangeReply(r, options),
  },
  zrevrange: {
    params: ['key', 'start', 'stop', 'options?'],
    options: { WITHSCORES: true },
    args: (key, start, stop, options = {}) => ['ZREVRANGE', key, start, stop, ...rangeOptionArgs('ZREVRANGE', options)],
    reply: (r, [, , , options]) => rangeReply(r, options),
  },
  zrank: { params: ['key', 'member'], args: (key, member) => ['ZRANK', key, member], reply: asNullableInteger },
  zrevrank: { params: ['key', 'member'], args: (key, member) => ['ZREVRANK', key, member], reply: asNullableInteger },
  zpopmin: { params: ['key', 'count?'], args: (key, count) => withCount(['ZPOPMIN', key], count), reply: asScoredMembers },
  zpopmax: { params: ['key', 'count?'], args: (key, count) => withCount(['ZPOPMAX', key], count), reply: asScoredMembers },
  zmpop: { params: ['keys', 'which', 'count?'], args: (keys, which, count) => ['ZMPOP', ...mpopArgs(keys, which, count)], reply: asPopResult },
  bzpopmin: { params: ['keys', 'timeoutSeconds'], args: (keys, t) => ['BZPOPMIN', ...(Array.isArray(keys) ? keys : [keys]), t], reply: asKeyedScoredMember },
  bzpopmax: { params: ['keys', 'timeoutSeconds'], args: (keys, t) => ['BZPOPMAX', ...(Array.isArray(keys) ? keys : [keys]), t], reply: asKeyedScoredMember },
  bzmpop: { params: ['timeoutSeconds', 'keys', 'which', 'count?'], args: (t, keys, which, count) => ['BZMPOP', t, ...mpopArgs(keys, which, count)], reply: asPopResult },
  zrandmember: { params: ['key'], args: (key) => ['ZRANDMEMBER', key], reply: asNullableBulk },
  zunionstore: {
    params: ['destination', 'keys', 'options?'],
    options: zstoreOptionKeys,
    args: (dst, keys, options) => storeArgs('ZUNIONSTORE', dst, keys, options),
    reply: asInteger,
  },
  zinterstore: {
    params: ['destination', 'keys', 'options?'],
    options: zstoreOptionKeys,
    args: (dst, keys, options) => storeArgs('ZINTERSTORE', dst, keys, options),
    reply: asInteger,
  },
  zremrangebyscore: { params: ['key', 'min', 'max'], args: (key, min, max) => ['ZREMRANGEBYSCORE', key, scoreArg(min), scoreArg(max)], reply: asInteger },
  zremrangebyrank: { params: ['key', 'start', 'stop'], args: (key, start, stop) => ['ZREMRANGEBYRANK', key, start, stop], reply: asInteger },
  zremrangebylex: { params: ['key', 'min', 'max'], args: (key, min, max) => ['ZREMRANGEBYLEX', key, min, max], reply: asInteger },
  zscan: {
    params: ['key', 'cursor', 'options?'],
    options: scanOptionKeys,
    args: (key, cursor, options) => ['ZSCAN', key, cursor, ...scanArgs(options)],
    reply: (r) => asScanReply(r, asScoredMembers),
  },
});

export const sortedSetCommandSpecs: CommandSpec[] = [
  write('ZADD', firstKey),
  write('ZREM', firstKey),
  read('ZSCORE', firstKey),
  read('ZMSCORE', firstKey),
  write('ZINCRBY', firstKey),
  read('ZCARD', firstKey),
  read('ZCOUNT', firstKey),
  read('ZLEXCOUNT', firstKey),
  read('ZRANGE', firstKey),
  read('ZRANGEBYSCORE', firstKey),
  read('ZRANGEBYLEX', firstKey),
  read('ZREVRANGE', firstKey),
  read('ZREVRANGEBYSCORE', firstKey),
  read('ZREVRANGEBYLEX', firstKey),
  write('ZRANGESTORE', keyRange(1, 2)),
  read('ZRANK', firstKey),
  read('ZREVRANK', firstKey),
  write('ZPOPMIN', firstKey),
  write('ZPOPMAX', firstKey),
  write('ZMPOP', keysAfterNumkeys(1)),
  write('BZPOPMIN', keyRange(1, -2), { blockTimeout: lastArgSeconds }),
  write('BZPOPMAX', keyRange(1, -2), { blockTimeout: lastArgSeconds }),
  write('BZMPOP', keysAfterNumkeys(2), { blockTimeout: firstArgSeconds }),
  read('ZRANDMEMBER', firstKey),
  write('ZUNIONSTORE', keysAfterNumkeys(2, [1])),
  write('ZINTERSTORE', keysAfterNumkeys(2, [1])),
  write('ZDIFFSTORE', keysAfterNumkeys(2, [1])),
  read('ZUNION', keysAfterNumkeys(1)),
  read('ZINTER', keysAfterNumkeys(1)),
  read('ZDIFF', keysAfterNumkeys(1)),
  read('ZINTERCARD', keysAfterNumkeys(1)),
  write('ZREMRANGEBYSCORE', firstKey),
  write('ZREMRANGEBYRANK', firstKey),
  write('ZREMRANGEBYLEX', firstKey),
  read('ZSCAN', firstKey),
];
