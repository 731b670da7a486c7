import type { RedisArg, RespValue } from '../protocol/resp-value.js';

/**
 * What COMMAND INFO says about one command, reduced to what routing needs: its keys (Redis 7 key specs, else the
 * legacy first/last/step triple), whether it only reads, and the request/response policy tips.
 */
export interface CommandInfo {
  readonly name: string;
  readonly readonly: boolean;
  /** The keys cannot be found from the arguments alone: ask the server (COMMAND GETKEYS). */
  readonly needsGetKeys: boolean;
  readonly legacy: { first: number; last: number; step: number };
  readonly keySpecs: readonly KeySpec[];
  readonly tips: readonly string[];
  readonly subcommands: ReadonlyMap<string, CommandInfo>;
}

export type BeginSearch = { type: 'index'; index: number } | { type: 'keyword'; keyword: string; startFrom: number } |
  { type: 'unknown' };
export type FindKeys = { type: 'range'; lastKey: number; keyStep: number; limit: number } |
  { type: 'keynum'; keyNumIdx: number; firstKey: number; keyStep: number } | { type: 'unknown' };
export interface KeySpec {
  readonly beginSearch: BeginSearch;
  readonly findKeys: FindKeys;
  readonly incomplete: boolean;
}

function str(value: RespValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '';
}

function num(value: RespValue | undefined): number {
  const n = typeof value === 'number' ? value : Number(str(value));
  return Number.isFinite(n) ? n : 0;
}

function record(value: RespValue | undefined): Record<string, RespValue> {
  const out: Record<string, RespValue> = Object.create(null) as Record<string, RespValue>;
  if (Array.isArray(value)) {
    for (let i = 0; i + 1 < value.length; i += 2) out[str(value[i])] = value[i + 1] ?? null;
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Error)) {
    Object.assign(out, value);
  }
  return out;
}

function strings(value: RespValue | undefined): string[] {
  return Array.isArray(value) ? value.map((v) => str(v).toLowerCase()) : [];
}

function parseKeySpec(raw: RespValue): KeySpec {
  const spec = record(raw);
  const flags = strings(spec.flags);
  const begin = record(spec.begin_search);
  const beginSpec = record(begin.spec);
  let beginSearch: BeginSearch = { type: 'unknown' };
  if (str(begin.type) === 'index') beginSearch = { type: 'index', index: num(beginSpec.index) };
  else if (str(begin.type) === 'keyword') {
    beginSearch = { type: 'keyword', keyword: str(beginSpec.keyword).toLowerCase(), startFrom: num(beginSpec.startfrom) };
  }
  const find = record(spec.find_keys);
  const findSpec = record(find.spec);
  let findKeys: FindKeys = { type: 'unknown' };
  if (str(find.type) === 'range') {
    findKeys = { type: 'range', lastKey: num(findSpec.lastkey), keyStep: num(findSpec.keystep) || 1, limit: num(findSpec.limit) };
  } else if (str(find.type) === 'keynum') {
    findKeys = { type: 'keynum', keyNumIdx: num(findSpec.keynumidx), firstKey: num(findSpec.firstkey),
      keyStep: num(findSpec.keystep) || 1 };
  }
  const incomplete = flags.includes('incomplete') || beginSearch.type === 'unknown' || findKeys.type === 'unknown';
  return { beginSearch, findKeys, incomplete };
}

/** Parses one entry of a COMMAND INFO reply (RESP2 or RESP3; Redis 7 layout, older servers' shorter one too). */
export function parseCommandInfo(entry: RespValue): CommandInfo | undefined {
  if (!Array.isArray(entry) || entry.length < 6) return undefined;
  const flags = strings(entry[2]);
  const keySpecs = Array.isArray(entry[8]) ? entry[8].map(parseKeySpec) : [];
  const subcommands = new Map<string, CommandInfo>();
  if (Array.isArray(entry[9])) {
    for (const sub of entry[9]) {
      const info = parseCommandInfo(sub);
      if (info !== undefined) subcommands.set(info.name, info);
    }
  }
  const legacy = { first: num(entry[3]), last: num(entry[4]), step: num(entry[5]) };
  const movable = flags.includes('movablekeys');
  return {
    name: str(entry[0]).toLowerCase(),
    readonly: flags.includes('readonly') && !flags.includes('write'),
    needsGetKeys: keySpecs.length > 0 ? keySpecs.some((s) => s.incomplete) : movable,
    legacy,
    keySpecs,
    tips: strings(entry[7]),
    subcommands,
  };
}

function evaluateSpec(spec: KeySpec, args: readonly RedisArg[], out: RedisArg[]): void {
  const n = args.length;
  let start: number;
  const begin = spec.beginSearch;
  if (begin.type === 'index') start = begin.index;
  else if (begin.type === 'keyword') {
    const backwards = begin.startFrom < 0;
    let i = backwards ? n + begin.startFrom : begin.startFrom;
    start = -1;
    for (; backwards ? i > 0 : i < n; i += backwards ? -1 : 1) {
      if (str(args[i] as RespValue).toLowerCase() === begin.keyword) {
        start = i + 1;
        break;
      }
    }
    if (start < 0) return;
  } else return;
  const find = spec.findKeys;
  if (find.type === 'range') {
    let last: number;
    if (find.lastKey >= 0) last = start + find.lastKey;
    else if (find.lastKey === -1 && find.limit > 1) last = start + Math.floor((n - start) / find.limit) - 1;
    else last = n + find.lastKey;
    for (let i = start; i <= last && i < n; i += find.keyStep) out.push(args[i] as RedisArg);
  } else if (find.type === 'keynum') {
    const count = num(args[start + find.keyNumIdx] as RespValue);
    const first = start + find.firstKey;
    for (let k = 0, i = first; k < count && i < n; k++, i += find.keyStep) out.push(args[i] as RedisArg);
  }
}

/** The keys of `args` (args[0] is the command name) by the command's key specs or legacy triple. */
export function keysFromInfo(info: CommandInfo, args: readonly RedisArg[]): RedisArg[] {
  const keys: RedisArg[] = [];
  if (info.keySpecs.length > 0) {
    for (const spec of info.keySpecs) evaluateSpec(spec, args, keys);
    return keys;
  }
  const { first, last, step } = info.legacy;
  if (first <= 0) return keys;
  const end = last < 0 ? args.length + last : last;
  for (let i = first; i <= end && i < args.length; i += Math.max(1, step)) keys.push(args[i] as RedisArg);
  return keys;
}
