import { ProtocolError } from '../errors/index.js';
import type { RespMap, RespValue } from '../protocol/resp-value.js';
import type { AddressMapper, AnnouncedAddress, ClusterNodeInfo, ClusterShard } from './cluster-topology.js';

/**
 * Parsers of CLUSTER SHARDS (Redis >= 7.0, RESP2 flat arrays or RESP3 maps) and CLUSTER SLOTS (every version).
 * `askedHost` is the host we sent the command to: the spec says an empty/NULL endpoint means "the host you asked".
 */

function text(value: RespValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  return undefined;
}

function int(value: RespValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const s = text(value);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isInteger(n) ? n : undefined;
}

/** A RESP3 map stays as is; a RESP2 flat `[k, v, k, v]` array becomes a map. */
function asRecord(value: RespValue | undefined): Record<string, RespValue> | undefined {
  if (Array.isArray(value)) {
    const out: Record<string, RespValue> = Object.create(null) as Record<string, RespValue>;
    for (let i = 0; i + 1 < value.length; i += 2) {
      const key = text(value[i]);
      if (key !== undefined) out[key] = value[i + 1] ?? null;
    }
    return out;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Error)) {
    return value as RespMap;
  }
  return undefined;
}

function resolveAnnounced(endpoint: string | undefined, fallbackIp: string | undefined, askedHost: string):
  string | undefined {
  if (endpoint === undefined || endpoint === '') return askedHost;
  // '?' = the node has no known endpoint of the preferred type: fall back to its IP, else it is unreachable for now.
  if (endpoint === '?') return fallbackIp !== undefined && fallbackIp !== '' && fallbackIp !== '?' ? fallbackIp : undefined;
  return endpoint;
}

function makeNode(announced: AnnouncedAddress, map: AddressMapper, id: string | undefined,
  role: 'primary' | 'replica', health: string): ClusterNodeInfo {
  const { host, port } = map(announced);
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { address, host, port, id, role, health };
}

const identity: AddressMapper = (a) => a;

/** One shard of a CLUSTER SHARDS reply as listed, before any judgement: its ranges and every usable node. */
export interface ListedShard {
  readonly slots: [number, number][];
  readonly nodes: ClusterNodeInfo[];
}

/**
 * CLUSTER SHARDS as listed, shards without a primary or without slots included (some servers list a fresh replica
 * in a shard of its own, or a promoted primary's shard with no slots): what the slot table must not be built from
 * alone, but the only source of node health (and of the TLS port where CLUSTER SLOTS reports the plain one).
 */
export function parseClusterShardsListing(reply: RespValue, askedHost: string, map: AddressMapper = identity,
  useTlsPort = false): ListedShard[] {
  if (!Array.isArray(reply)) throw new ProtocolError('CLUSTER SHARDS reply is not an array', { command: 'CLUSTER' });
  const shards: ListedShard[] = [];
  for (const rawShard of reply) {
    const shard = asRecord(rawShard);
    if (shard === undefined) continue;
    const rawSlots = Array.isArray(shard.slots) ? shard.slots : [];
    const slots: [number, number][] = [];
    for (let i = 0; i + 1 < rawSlots.length; i += 2) {
      const start = int(rawSlots[i]);
      const end = int(rawSlots[i + 1]);
      if (start !== undefined && end !== undefined) slots.push([start, end]);
    }
    const nodes: ClusterNodeInfo[] = [];
    for (const rawNode of Array.isArray(shard.nodes) ? shard.nodes : []) {
      const node = asRecord(rawNode);
      if (node === undefined) continue;
      const host = resolveAnnounced(text(node.endpoint), text(node.ip), askedHost);
      const port = (useTlsPort ? int(node['tls-port']) : undefined) ?? int(node.port) ?? int(node['tls-port']);
      if (host === undefined || port === undefined || port === 0) continue;
      const role = text(node.role) === 'master' ? 'primary' : 'replica';
      nodes.push(makeNode({ host, port }, map, text(node.id), role, text(node.health) ?? 'online'));
    }
    shards.push({ slots, nodes });
  }
  return shards;
}

/**
 * CLUSTER SHARDS taken at its word: the shards that list a primary, with their replicas. Not what the slot table is
 * built from (see merge-topology.ts); kept for callers that want the server's own shard view.
 */
export function parseClusterShards(reply: RespValue, askedHost: string, map: AddressMapper = identity,
  useTlsPort = false): ClusterShard[] {
  const shards: ClusterShard[] = [];
  for (const listed of parseClusterShardsListing(reply, askedHost, map, useTlsPort)) {
    const primary = listed.nodes.filter((n) => n.role === 'primary').pop();
    if (primary !== undefined) {
      shards.push({ slots: listed.slots, primary, replicas: listed.nodes.filter((n) => n.role !== 'primary') });
    }
  }
  return shards;
}

export function parseClusterSlots(reply: RespValue, askedHost: string, map: AddressMapper = identity): ClusterShard[] {
  if (!Array.isArray(reply)) throw new ProtocolError('CLUSTER SLOTS reply is not an array', { command: 'CLUSTER' });
  // CLUSTER SLOTS repeats the node list for every range; merge ranges served by the same primary.
  const byPrimary = new Map<string, { slots: [number, number][]; primary: ClusterNodeInfo; replicas: ClusterNodeInfo[] }>();
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 3) continue;
    const start = int(entry[0]);
    const end = int(entry[1]);
    if (start === undefined || end === undefined) continue;
    const nodes: ClusterNodeInfo[] = [];
    for (let i = 2; i < entry.length; i++) {
      const raw = entry[i];
      if (!Array.isArray(raw)) continue;
      const host = resolveAnnounced(raw[0] === null ? undefined : text(raw[0]), undefined, askedHost);
      const port = int(raw[1]);
      if (host === undefined || port === undefined) continue;
      nodes.push(makeNode({ host, port }, map, text(raw[2]), i === 2 ? 'primary' : 'replica', 'online'));
    }
    const primary = nodes[0];
    // Only the first listed node is the primary; if it was unusable ('?') the range has no primary for now.
    if (primary === undefined || primary.role !== 'primary') continue;
    const known = byPrimary.get(primary.address);
    if (known === undefined) byPrimary.set(primary.address, { slots: [[start, end]], primary, replicas: nodes.slice(1) });
    else known.slots.push([start, end]);
  }
  return [...byPrimary.values()];
}
