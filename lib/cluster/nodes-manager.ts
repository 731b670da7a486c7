import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { ClusterError, ConfigError, ResponseError, SlotNotCoveredError } from '../errors/index.js';
import { redactSecrets } from '../connection/redact-secrets.js';
import { failoverChannel } from '../connection/connection-diagnostics.js';
import { ConnectionPool } from '../pool/connection-pool.js';
import type { PoolOptions } from '../pool/pool-options.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { createAddressMapper, type AddressMapFn, type NatMap } from './address-mapper.js';
import type { AddressMapper, ClusterNodeInfo } from './cluster-topology.js';
import { parseClusterShardsListing, parseClusterSlots } from './parse-cluster-topology.js';
import { mergeTopology, type MergedTopology } from './merge-topology.js';
import { SlotTable } from './slot-table.js';
import { SLOT_COUNT } from './key-slot.js';

/** Where read-only commands go; every value `readFrom` accepts. */
export const READ_FROM = ['primary', 'replica', 'prefer-replica', 'any'] as const;
export type ReadFrom = (typeof READ_FROM)[number];

export interface NodesManagerOptions {
  /** Where discovery starts. Any reachable node of the cluster is enough. */
  startupNodes: readonly { host: string; port: number }[];
  /** Options of every node's pool (host/port are set per node). */
  poolOptions?: PoolOptions;
  /** Fail when the table leaves a slot without a primary. Default true. */
  requireFullCoverage?: boolean;
  /** Re-read the slot table every this many ms (timer unref'd). Default 5000; 0 disables. */
  slotsRefreshInterval?: number;
  /** Least ms between two refreshes (MOVED storms coalesce). Default 100. */
  minRefreshInterval?: number;
  /** ms each node gets to answer CLUSTER SHARDS/SLOTS during a refresh. Default 1000. */
  refreshTimeout?: number;
  natMap?: NatMap;
  addressMap?: AddressMapFn;
  /** Replica reads: adds READONLY to every node's handshake when not 'primary'. Default 'primary'. */
  readFrom?: ReadFrom;
  /** Builds a node's pool. Default `new ConnectionPool(options)`. */
  poolFactory?: (options: PoolOptions) => ConnectionPool;
}

export interface FailoverEvent {
  /** Former primary of the slots, and the node serving them now. */
  from: string;
  to: string;
  /** How many slots changed primary from `from` to `to`. */
  slots: number;
}

/** Node pools keep few reconnect attempts: the cluster layer re-routes instead of queueing on a dead node. */
const NODE_POOL_RETRY = Object.freeze({ attempts: 3, base: 50, cap: 500 });

/** First re-read after a refresh found a node the table does not place; doubles while that lasts (up to 5 s). */
const UNPLACED_RECHECK_MS = 250;
const UNPLACED_RECHECK_MAX_MS = 5000;

/**
 * Knows the cluster: the slot table (CLUSTER SLOTS, with node health from CLUSTER SHARDS where the server has it:
 * see merge-topology.ts) and one `ConnectionPool` per node. Refreshes run one at a time and at most every
 * `minRefreshInterval` ms; callers asking meanwhile share the pending one. A refresh that finds a node the table
 * does not place (a replica CLUSTER SHARDS lists on its own) re-reads soon, and so does a MOVED.
 *
 * Events: `slots-refreshed` (SlotTable), `node-added` / `node-removed` (ClusterNodeInfo), `failover` (FailoverEvent),
 * `error` (a refresh failed; only emitted when someone listens).
 */
export class NodesManager extends EventEmitter {
  readonly #options: Required<Omit<NodesManagerOptions, 'natMap' | 'addressMap' | 'poolFactory' | 'poolOptions'>>;
  readonly #poolOptions: PoolOptions;
  readonly #poolFactory: (options: PoolOptions) => ConnectionPool;
  readonly #map: AddressMapper;
  readonly #pools = new Map<string, ConnectionPool>();
  #table = new SlotTable();
  #loaded = false;
  /** Servers before 7.0 have no CLUSTER SHARDS: node health is then 'online' for every listed node. */
  #hasShardsCommand = true;
  #recheckTimer: NodeJS.Timeout | undefined;
  #recheckDelay = 0;
  #refreshing: Promise<SlotTable> | undefined;
  #lastRefreshAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: NodesManagerOptions) {
    super();
    if (!Array.isArray(options.startupNodes) || options.startupNodes.length === 0) {
      throw new ConfigError('A cluster needs at least one startup node in `nodes` (e.g. [{ host, port }]).');
    }
    this.#options = {
      startupNodes: options.startupNodes.map(({ host, port }) => ({ host, port })),
      requireFullCoverage: options.requireFullCoverage ?? true,
      slotsRefreshInterval: options.slotsRefreshInterval ?? 5000,
      minRefreshInterval: options.minRefreshInterval ?? 100,
      refreshTimeout: options.refreshTimeout ?? 1000,
      readFrom: options.readFrom ?? 'primary',
    };
    this.#poolOptions = options.poolOptions ?? {};
    this.#poolFactory = options.poolFactory ?? ((o) => new ConnectionPool(o));
    this.#map = createAddressMapper(options.natMap, options.addressMap);
  }

  get table(): SlotTable {
    return this.#table;
  }

  get readFrom(): ReadFrom {
    return this.#options.readFrom;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Loads the slot table (once) and starts the periodic refresh. */
  async initialize(): Promise<void> {
    if (!this.#loaded) await this.refresh();
    if (this.#timer === undefined && this.#options.slotsRefreshInterval > 0 && !this.#closed) {
      this.#timer = setInterval(() => {
        this.refresh().catch(() => undefined);
      }, this.#options.slotsRefreshInterval);
      this.#timer.unref();
    }
  }

  /** The node serving `slot` for this kind of command, honouring `readFrom` for read-only commands. */
  nodeForSlot(slot: number, readonly: boolean): ClusterNodeInfo {
    const primary = this.#table.primaryFor(slot);
    if (primary === undefined) {
      throw new SlotNotCoveredError(
        `Hash slot ${slot} is not served by any node in the current slot table; the cluster may be resharding or ` +
          `down. The table is being refreshed: retry shortly, or check CLUSTER SLOTS.`, slot);
    }
    const mode = this.#options.readFrom;
    if (!readonly || mode === 'primary') return primary;
    const replicas = this.#table.replicasFor(slot).filter((r) => r.health === 'online');
    if (mode === 'any') return pick([primary, ...replicas]);
    if (replicas.length > 0) return pick(replicas);
    return primary;
  }

  randomPrimary(): ClusterNodeInfo {
    const primaries = this.#table.primaries();
    if (primaries.length === 0) throw new ClusterError('The slot table has no primary: connect() first, or the cluster is down.');
    return pick(primaries);
  }

  randomNode(): ClusterNodeInfo {
    const nodes = this.#table.nodes().filter((n) => n.health === 'online');
    return nodes.length > 0 ? pick(nodes) : this.randomPrimary();
  }

  /** The pool of a node (created on first use), by `host:port` as it appears in the table or a redirection. */
  poolFor(node: { host: string; port: number; address: string }): ConnectionPool {
    let pool = this.#pools.get(node.address);
    if (pool === undefined) {
      if (this.#closed) throw new ClusterError('The cluster client is closed.');
      const base = this.#poolOptions;
      const readonlyHook = this.#options.readFrom !== 'primary';
      const userHook = base.afterHandshake;
      pool = this.#poolFactory({
        retry: NODE_POOL_RETRY,
        ...base,
        host: node.host,
        port: node.port,
        path: undefined,
        afterHandshake: readonlyHook
          ? async (send, endpoint) => {
            await send(['READONLY']);
            if (userHook !== undefined) await userHook(send, endpoint);
          }
          : userHook,
      });
      // Node pools report errors through the commands that hit them; keep an emitter listener so none is unhandled.
      pool.on('error', () => undefined);
      this.#pools.set(node.address, pool);
    }
    return pool;
  }

  /** A node for an address announced by MOVED/ASK, mapped through natMap/addressMap. */
  nodeFromRedirect(host: string, port: number, askedHost: string): ClusterNodeInfo {
    const mapped = this.#map({ host: host === '' ? askedHost : host, port });
    const known = this.#table.nodes().find((n) => n.host === mapped.host && n.port === mapped.port);
    if (known !== undefined) return known;
    const address = mapped.host.includes(':') ? `[${mapped.host}]:${mapped.port}` : `${mapped.host}:${mapped.port}`;
    return { address, host: mapped.host, port: mapped.port, id: undefined, role: 'primary', health: 'online' };
  }

  /** MOVED: patch the table now (so following commands go straight there) and refresh in the background. */
  applyMoved(slot: number, node: ClusterNodeInfo): void {
    this.#table.assign(slot, node);
    this.refresh().catch(() => undefined);
  }

  /**
   * Re-reads the slot table. Concurrent callers share one refresh; a call within `minRefreshInterval` of the last
   * one waits for the interval and then runs (or joins the one already scheduled).
   */
  refresh(): Promise<SlotTable> {
    if (this.#closed) return Promise.reject(new ClusterError('The cluster client is closed.'));
    if (this.#refreshing !== undefined) return this.#refreshing;
    const wait = this.#lastRefreshAt + this.#options.minRefreshInterval - Date.now();
    this.#refreshing = (async () => {
      try {
        if (wait > 0 && this.#loaded) await new Promise((r) => setTimeout(r, wait).unref());
        return await this.#load();
      } finally {
        this.#lastRefreshAt = Date.now();
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  /** Every node's pool (primaries and replicas of the current table). */
  nodePools(): { node: ClusterNodeInfo; pool: ConnectionPool }[] {
    return this.#table.nodes().map((node) => ({ node, pool: this.poolFor(node) }));
  }

  async close(options: { graceful?: boolean; timeout?: number } = {}): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#recheckTimer);
    this.#recheckTimer = undefined;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.disconnect(options).catch(() => undefined)));
  }

  async #load(): Promise<SlotTable> {
    const errors: string[] = [];
    for (const candidate of this.#candidates()) {
      try {
        const { shards, unplaced } = await this.#query(candidate);
        const table = new SlotTable(shards);
        if (!table.fullyCovered && this.#options.requireFullCoverage) {
          const missing = table.uncoveredRanges();
          errors.push(`${candidate.address}: slots ${missing.slice(0, 3).map(([a, b]) => `${a}-${b}`).join(', ')}` +
            `${missing.length > 3 ? ', …' : ''} not covered`);
          continue;
        }
        if (shards.length === 0) {
          errors.push(`${candidate.address}: no shard has slots`);
          continue;
        }
        this.#install(table);
        this.#recheckIf(unplaced.length > 0);
        return table;
      } catch (error) {
        errors.push(`${candidate.address}: ${(error as Error).message}`);
      }
    }
    const error = new ClusterError(
      `Could not load the cluster slot table from any node (${errors.join('; ')}). Check that the nodes are ` +
        `reachable and the cluster is healthy (CLUSTER INFO), or set requireFullCoverage: false.`,
      { command: 'CLUSTER' },
    );
    if (this.listenerCount('error') > 0) this.emit('error', error);
    throw error;
  }

  /** A node is known that the table does not place: re-read soon (backing off while the servers disagree). */
  #recheckIf(unplaced: boolean): void {
    if (!unplaced) {
      this.#recheckDelay = 0;
      return;
    }
    if (this.#recheckTimer !== undefined || this.#closed) return;
    this.#recheckDelay = this.#recheckDelay === 0 ? UNPLACED_RECHECK_MS
      : Math.min(this.#recheckDelay * 2, UNPLACED_RECHECK_MAX_MS);
    this.#recheckTimer = setTimeout(() => {
      this.#recheckTimer = undefined;
      this.refresh().catch(() => undefined);
    }, this.#recheckDelay);
    this.#recheckTimer.unref();
  }

  /** Nodes to ask: known ones (shuffled, healthy first) then the startup nodes. */
  #candidates(): ClusterNodeInfo[] {
    const seen = new Set<string>();
    const out: ClusterNodeInfo[] = [];
    const known = shuffle(this.#table.nodes()).sort((a, b) => Number(a.health !== 'online') - Number(b.health !== 'online'));
    const startup = this.#options.startupNodes.map(({ host, port }) => this.nodeFromRedirect(host, port, host));
    for (const node of [...known, ...startup]) {
      if (!seen.has(node.address)) {
        seen.add(node.address);
        out.push(node);
      }
    }
    return out;
  }

  /** CLUSTER SLOTS (the slot table) and CLUSTER SHARDS (node health only), in one round trip. */
  async #query(node: ClusterNodeInfo): Promise<MergedTopology> {
    const pool = this.poolFor(node);
    const send = (args: RedisArg[]): Promise<RespValue> => pool.sendCommand<RespValue>(args, {
      timeout: this.#options.refreshTimeout,
      signal: AbortSignal.timeout(this.#options.refreshTimeout + 50),
    });
    const tls = Boolean(this.#poolOptions.tls);
    const listing = this.#hasShardsCommand
      ? send(['CLUSTER', 'SHARDS']).then((reply) => parseClusterShardsListing(reply, node.host, this.#map, tls),
        (error: unknown) => {
          // Servers before 7.0 answer "unknown subcommand": stop asking. Any other failure only costs the health.
          if (error instanceof ResponseError && /unknown subcommand|unknown command/i.test(error.message)) {
            this.#hasShardsCommand = false;
          }
          return undefined;
        })
      : Promise.resolve(undefined);
    const slots = parseClusterSlots(await send(['CLUSTER', 'SLOTS']), node.host, this.#map);
    return mergeTopology(slots, await listing, tls);
  }

  #install(table: SlotTable): void {
    const before = this.#table;
    const beforeNodes = new Map(before.nodes().map((n) => [n.address, n]));
    const afterNodes = new Map(table.nodes().map((n) => [n.address, n]));
    const afterPrimaries = new Set(table.primaries().map((n) => n.address));
    this.#table = table;
    const wasLoaded = this.#loaded;
    this.#loaded = true;
    if (wasLoaded) {
      const moved = new Map<string, FailoverEvent>();
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        const from = before.primaryAddressOf(slot);
        const to = table.primaryAddressOf(slot);
        // A failover: the old primary is no longer a primary (a migration leaves it primary of other slots).
        if (from !== undefined && to !== undefined && from !== to && !afterPrimaries.has(from)) {
          const key = `${from}>${to}`;
          const event = moved.get(key) ?? { from, to, slots: 0 };
          event.slots++;
          moved.set(key, event);
        }
      }
      for (const event of moved.values()) {
        if (failoverChannel.hasSubscribers) failoverChannel.publish({ kind: 'cluster', from: event.from, to: event.to, slots: event.slots });
        this.emit('failover', event);
      }
    }
    for (const [address, node] of afterNodes) if (!beforeNodes.has(address)) this.emit('node-added', node);
    for (const [address, node] of beforeNodes) {
      if (!afterNodes.has(address)) {
        this.emit('node-removed', node);
        const pool = this.#pools.get(address);
        this.#pools.delete(address);
        pool?.disconnect({ graceful: true, timeout: 2000 }).catch(() => undefined);
      }
    }
    this.emit('slots-refreshed', table);
  }

  /** What `JSON.stringify` and `util.inspect` show: counts and state, never the pools' options. */
  toJSON(): unknown {
    return redactSecrets({ nodes: this.#table.nodes().length, pools: this.#pools.size, loaded: this.#loaded, closed: this.#closed });
  }

  [inspect.custom](depth: number, opts: object, insp: typeof inspect): string {
    return `NodesManager ${insp(this.toJSON(), { ...opts, depth })}`;
  }
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
