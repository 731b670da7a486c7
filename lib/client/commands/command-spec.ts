import type { RedisArg } from '../../protocol/resp-value.js';

/**
 * What the router, the pools and the typed methods need to know about one server command: one row of the command
 * table. Key positions and blocking are computed from the full argument list (`args[0]` is the command name, as in
 * `COMMAND INFO`), so `call('BLPOP', ...)` is routed and leased exactly like `client.blpop(...)`.
 */
export interface CommandSpec {
  /** Upper-case command name (`'GET'`, `'XGROUP'`). */
  readonly name: string;
  /** Never writes: may be served by a replica. */
  readonly readonly: boolean;
  /**
   * Indexes of the key arguments in the full args. A range `{ first, last, step }` (last < 0 counts from the end,
   * -1 = the last argument) for fixed forms, a function for variable ones (EVAL numkeys, XREAD STREAMS, ...).
   * Absent: the command takes no key.
   */
  readonly keys?: KeyRange | KeyFinder;
  /**
   * Present when the command can block the connection: returns how long the server may block for these args in ms
   * (0 = possibly forever), or `undefined` when this form does not block (XREAD without BLOCK).
   */
  readonly blockTimeout?: (args: readonly RedisArg[]) => number | undefined;
  /**
   * Cluster hint for key-less commands whose effect or answer spans the whole keyspace (Redis command tips
   * `request_policy`): `all-shards` = send to every primary, `all-nodes` = every node. Absent: one node (by key, or
   * any node when there is no key).
   */
  readonly requestPolicy?: 'all-shards' | 'all-nodes';
  /** How to merge fan-out replies (Redis `response_policy`); used with `requestPolicy`. */
  readonly responsePolicy?: 'all-succeeded' | 'one-succeeded' | 'agg-sum' | 'agg-logical-and' | 'agg-min';
  /** Container commands (`XGROUP`, `CONFIG`, ...): rows per upper-case subcommand, looked up by `args[1]`. */
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
}

export interface KeyRange {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export type KeyFinder = (args: readonly RedisArg[]) => number[];

/** Upper-case text of an argument (numbers and Buffers included), for keyword and subcommand matching. */
export function argText(arg: RedisArg | undefined): string {
  if (arg === undefined) return '';
  return (typeof arg === 'string' ? arg : arg.toString()).toUpperCase();
}

/** Integer value of an argument such as numkeys; NaN when it is not one. */
export function argInt(arg: RedisArg | undefined): number {
  if (arg === undefined) return Number.NaN;
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'bigint') return Number(arg);
  return Number(arg.toString());
}

/** Seconds (BLPOP-style, may be fractional) to ms. */
export function secondsToMs(arg: RedisArg | undefined): number {
  const seconds = Number(argText(arg));
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : 0;
}

/** Milliseconds argument (XREAD BLOCK, WAIT) as a number; 0 (forever) on anything unparsable. */
export function millis(arg: RedisArg | undefined): number {
  const ms = Number(argText(arg));
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

export function keyIndexesOf(spec: CommandSpec, args: readonly RedisArg[]): number[] {
  const keys = spec.keys;
  if (keys === undefined) return [];
  if (typeof keys === 'function') return keys(args).filter((i) => i > 0 && i < args.length);
  const last = keys.last < 0 ? args.length + keys.last : keys.last;
  const out: number[] = [];
  for (let i = keys.first; i <= last && i < args.length; i += keys.step) out.push(i);
  return out;
}

// ---- key-position helpers for the table rows -------------------------------------------------------------------

/** One key at args[1]. */
export const firstKey: KeyRange = { first: 1, last: 1, step: 1 };
/** Every argument from args[1] on is a key (DEL, MGET, ...). */
export const allKeys: KeyRange = { first: 1, last: -1, step: 1 };

export function keyRange(first: number, last: number, step = 1): KeyRange {
  return { first, last, step };
}

/** `numkeys` at `numkeysIndex`, keys right after it (EVAL, ZUNIONSTORE dest numkeys ..., LMPOP). */
export function keysAfterNumkeys(numkeysIndex: number, extra: readonly number[] = []): KeyFinder {
  return (args) => {
    const n = argInt(args[numkeysIndex]);
    const out = [...extra];
    for (let i = 0; Number.isInteger(n) && i < n; i++) out.push(numkeysIndex + 1 + i);
    return out;
  };
}

/** XREAD / XREADGROUP: after the `STREAMS` keyword, the first half of the remaining args are keys. */
export const streamsKeys: KeyFinder = (args) => {
  for (let i = 1; i < args.length; i++) {
    if (argText(args[i]) === 'STREAMS') {
      const count = Math.floor((args.length - i - 1) / 2);
      return Array.from({ length: count }, (_, j) => i + 1 + j);
    }
  }
  return [];
};

/** Index of the first argument equal (case-insensitively) to `keyword`, from `from` on; -1 when absent. */
export function findKeyword(args: readonly RedisArg[], keyword: string, from = 1): number {
  for (let i = from; i < args.length; i++) if (argText(args[i]) === keyword) return i;
  return -1;
}

// ---- row builders: `read('GET', firstKey)`, `write('DEL', allKeys)` -------------------------------------------

type RowExtras = Omit<CommandSpec, 'name' | 'readonly' | 'keys'>;

/** A command that never writes. */
export function read(name: string, keys?: KeyRange | KeyFinder, extras: RowExtras = {}): CommandSpec {
  return { name, readonly: true, ...(keys ? { keys } : {}), ...extras };
}

/** A command that may write (or has side effects: admin, pub/sub, scripting). */
export function write(name: string, keys?: KeyRange | KeyFinder, extras: RowExtras = {}): CommandSpec {
  return { name, readonly: false, ...(keys ? { keys } : {}), ...extras };
}

/** A container command (`XGROUP`, `CONFIG`): key positions and flags come from the subcommand rows. */
export function container(name: string, subcommands: readonly CommandSpec[]): CommandSpec {
  const rows: Record<string, CommandSpec> = {};
  for (const sub of subcommands) rows[sub.name] = sub;
  return { name, readonly: subcommands.every((s) => s.readonly), subcommands: rows };
}
