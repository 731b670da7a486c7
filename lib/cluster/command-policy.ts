import { ClusterError, RedisError } from '../errors/index.js';
import type { RespValue } from '../protocol/resp-value.js';

/** Where a command without keys goes (Redis' `request_policy` tips, plus our defaults). */
export type RequestPolicy = 'random-primary' | 'random-node' | 'all-primaries' | 'all-nodes';
/** How the replies of a fanned-out command become one (Redis' `response_policy` tips). */
export type ResponsePolicy = 'all-succeeded' | 'one-succeeded' | 'sum' | 'min' | 'max' | 'logical-and' | 'logical-or' |
  'concat';

export interface KeylessPolicy {
  readonly request: RequestPolicy;
  readonly response: ResponsePolicy;
}

const P = (request: RequestPolicy, response: ResponsePolicy = 'all-succeeded'): KeylessPolicy => ({ request, response });

/**
 * Built-in policies of keyless commands (lower-case `name` or `name|subcommand`). Commands not listed use the
 * server's COMMAND INFO tips, else a random primary.
 */
const BUILTIN: ReadonlyMap<string, KeylessPolicy> = new Map(Object.entries({
  ping: P('random-node'),
  echo: P('random-node'),
  time: P('random-node'),
  lastsave: P('random-node'),
  info: P('random-node'),
  cluster: P('random-node'),
  command: P('random-node'),
  randomkey: P('random-primary'),
  dbsize: P('all-primaries', 'sum'),
  keys: P('all-primaries', 'concat'),
  flushall: P('all-primaries'),
  flushdb: P('all-primaries'),
  'script|load': P('all-primaries'),
  'script|flush': P('all-primaries'),
  'script|exists': P('all-primaries', 'logical-and'),
  'script|kill': P('all-primaries', 'one-succeeded'),
  'function|load': P('all-primaries'),
  'function|delete': P('all-primaries'),
  'function|flush': P('all-primaries'),
  'function|restore': P('all-primaries'),
  'function|kill': P('all-primaries', 'one-succeeded'),
  wait: P('all-primaries', 'min'),
  'config|set': P('all-nodes'),
  'config|resetstat': P('all-nodes'),
  'slowlog|reset': P('all-nodes'),
  'memory|purge': P('all-nodes'),
}));

export function builtinKeylessPolicy(name: string, sub: string | undefined): KeylessPolicy | undefined {
  return (sub === undefined ? undefined : BUILTIN.get(`${name}|${sub}`)) ?? BUILTIN.get(name);
}

/** Reads `request_policy:*` / `response_policy:*` tips from COMMAND INFO. */
export function policyFromTips(tips: readonly string[]): KeylessPolicy | undefined {
  let request: RequestPolicy | undefined;
  let response: ResponsePolicy | undefined;
  for (const tip of tips) {
    if (tip === 'request_policy:all_shards') request = 'all-primaries';
    else if (tip === 'request_policy:all_nodes') request = 'all-nodes';
    else if (tip.startsWith('response_policy:')) {
      response = ({
        one_succeeded: 'one-succeeded', all_succeeded: 'all-succeeded', agg_logical_and: 'logical-and',
        agg_logical_or: 'logical-or', agg_min: 'min', agg_max: 'max', agg_sum: 'sum',
      } as Record<string, ResponsePolicy>)[tip.slice('response_policy:'.length)];
    }
  }
  if (request === undefined) return undefined;
  // Without a response tip Redis' convention for fan-out is to concatenate arrays (KEYS-like), else all-succeeded.
  return { request, response: response ?? 'concat' };
}

type Settled = { ok: true; value: RespValue } | { ok: false; error: unknown };

function numeric(value: RespValue): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Combines the per-node outcomes of a fanned-out command. Throws the first error unless one success suffices. */
export function mergeReplies(policy: ResponsePolicy, outcomes: readonly Settled[], command: string): RespValue {
  const failures = outcomes.filter((o): o is { ok: false; error: unknown } => !o.ok);
  const values = outcomes.filter((o): o is { ok: true; value: RespValue } => o.ok).map((o) => o.value);
  if (policy === 'one-succeeded') {
    if (values.length > 0) return values[0] as RespValue;
    throw failures[0]?.error ?? new ClusterError(`${command} reached no node`, { command });
  }
  if (failures.length > 0) {
    const first = failures[0]?.error;
    throw first instanceof RedisError ? first : new ClusterError(`${command} failed on ${failures.length} node(s)`,
      { command, cause: first });
  }
  if (values.length === 0) throw new ClusterError(`${command} reached no node: the slot table is empty`, { command });
  switch (policy) {
    case 'sum':
      return values.reduce<number>((acc, v) => acc + numeric(v), 0);
    case 'min':
      return Math.min(...values.map(numeric));
    case 'max':
      return Math.max(...values.map(numeric));
    case 'concat':
      return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
    case 'logical-and':
    case 'logical-or': {
      const arrays = values.map((v) => (Array.isArray(v) ? v : [v]));
      const and = policy === 'logical-and';
      return (arrays[0] ?? []).map((_, i) => {
        const bits = arrays.map((a) => numeric(a[i] ?? 0) !== 0);
        return (and ? bits.every(Boolean) : bits.some(Boolean)) ? 1 : 0;
      });
    }
    default:
      return values[0] as RespValue;
  }
}
