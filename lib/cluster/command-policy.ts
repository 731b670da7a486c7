import { ClusterError, RedisError } from '../errors/index.js';
import type { RespValue } from '../protocol/resp-value.js';
import { asPairs } from '../client/commands/reply-transforms.js';

/** Where a command without keys goes (Redis' `request_policy` tips, plus our defaults). */
export type RequestPolicy = 'random-primary' | 'random-node' | 'all-primaries' | 'all-nodes';
/** How the replies of a fanned-out command become one (Redis' `response_policy` tips). */
export type ResponsePolicy = 'all-succeeded' | 'one-succeeded' | 'sum' | 'min' | 'max' | 'logical-and' | 'logical-or' |
  'concat' | 'union' | 'sum-per-name';

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
  // Classic pub/sub: a subscriber is connected to one node (any node, replicas too) and a node counts only its own,
  // so the cluster-wide answer is every node's, merged. NUMPAT sums per node (a pattern subscribed on two nodes
  // counts twice, as those two subscriptions each receive every match).
  'pubsub|numsub': P('all-nodes', 'sum-per-name'),
  'pubsub|channels': P('all-nodes', 'union'),
  'pubsub|numpat': P('all-nodes', 'sum'),
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

/** A reply element as a map key (Buffers by their bytes: channel names are binary-safe and case-sensitive). */
function identity(item: RespValue): string {
  return Buffer.isBuffer(item) ? `b:${item.toString('hex')}` : `s:${String(item)}`;
}

/** Every distinct element of the replies' arrays, in the order first seen. */
function union(values: readonly RespValue[]): RespValue[] {
  const seen = new Map<string, RespValue>();
  for (const v of values) {
    for (const item of Array.isArray(v) ? v : [v]) {
      const key = identity(item);
      if (!seen.has(key)) seen.set(key, item);
    }
  }
  return [...seen.values()];
}

/** `[name, count, …]` replies (flat arrays or maps, as PUBSUB NUMSUB gives) as one flat array, counts summed per name. */
function sumPerName(values: readonly RespValue[]): RespValue[] {
  const sums = new Map<string, { name: RespValue; count: number }>();
  for (const v of values) {
    for (const [name, count] of asPairs(v)) {
      const key = identity(name);
      const entry = sums.get(key);
      if (entry === undefined) sums.set(key, { name, count: numeric(count) });
      else entry.count += numeric(count);
    }
  }
  return [...sums.values()].flatMap(({ name, count }) => [name, count]);
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
    case 'union':
      return union(values);
    case 'sum-per-name':
      return sumPerName(values);
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
