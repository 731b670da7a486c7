import { RedisClient, type QuitOptions, type RedisClientOptions } from './client/redis-client.js';
import type { RedisApi } from './client/redis-api.js';
import { ClusterClient } from './cluster/cluster-client.js';
import type { ClusterClientOptions } from './cluster/cluster-client-options.js';
import { ConfigError } from './errors/index.js';
import { resolveClientOptions, type ResolvedClientOptions, type SentinelManagedClientOptions } from './resolve-client-options.js';
import { Sentinel } from './sentinel/sentinel.js';
import type { SentinelManagedPool } from './sentinel/sentinel-managed-pool.js';

/** A standalone server (the default topology). */
export interface StandaloneClientOptions extends RedisClientOptions {
  topology?: 'standalone';
}
/** A master (or replicas) discovered through Sentinel. */
export interface SentinelTopologyOptions extends SentinelManagedClientOptions {
  topology: 'sentinel';
}
/** A Redis Cluster. */
export interface ClusterTopologyOptions extends ClusterClientOptions {
  topology: 'cluster';
}
export type CreateClientOptions = StandaloneClientOptions | SentinelTopologyOptions | ClusterTopologyOptions;

/** A client over a Sentinel-managed pool that also closes its Sentinel when it is closed. */
class SentinelBackedClient extends RedisClient {
  readonly #sentinel: Sentinel;
  constructor(sentinel: Sentinel, options: RedisClientOptions) {
    super(options);
    this.#sentinel = sentinel;
  }
  override async quit(options: QuitOptions = {}): Promise<void> {
    try {
      await super.quit(options);
    } finally {
      await this.#sentinel.close();
    }
  }
  override async disconnect(): Promise<void> {
    try {
      await super.disconnect();
    } finally {
      await this.#sentinel.close();
    }
  }
}

/** What a Sentinel-backed client is made of; `client.quit()` / `disconnect()` also close `sentinel`. */
export interface SentinelClientParts {
  sentinel: Sentinel;
  pool: SentinelManagedPool;
  client: RedisClient;
}

/**
 * Assembles a client over the Sentinel-managed pool of `masterName` (`role` 'master' by default, or 'replica'),
 * nothing connected yet. `createClient` and the Nest module both build Sentinel clients with it.
 */
export function sentinelClientParts(options: SentinelManagedClientOptions): SentinelClientParts {
  const { masterName, role = 'master', ...sentinelOptions } = options;
  if (typeof masterName !== 'string' || masterName === '') {
    throw new ConfigError('Sentinel topology needs `masterName` (the name the sentinels monitor).');
  }
  const sentinel = new Sentinel({ ...sentinelOptions, lazyConnect: true });
  const pool = role === 'replica' ? sentinel.replicaPool(masterName) : sentinel.masterPool(masterName);
  return { sentinel, pool, client: new SentinelBackedClient(sentinel, { pool }) };
}

/**
 * The topology and client options `createClient` builds from its arguments: a URL with `overrides` over it, or
 * options with their `topology` (the same folding as the Nest module's, `resolveClientOptions`).
 */
export function resolveCreateClientOptions(
  urlOrOptions: string | CreateClientOptions,
  overrides: RedisClientOptions = {},
): ResolvedClientOptions {
  if (typeof urlOrOptions === 'string') return resolveClientOptions({ url: urlOrOptions, options: overrides });
  if (urlOrOptions === null || typeof urlOrOptions !== 'object') return resolveClientOptions({ options: urlOrOptions });
  const { topology, ...options } = urlOrOptions;
  return resolveClientOptions({ topology, options });
}

/**
 * One entry point for every topology. The URL scheme (`redis://`, `rediss://`, `unix://`, `redis+sentinel://`,
 * `redis+cluster://`) or the `topology` field picks the client. Every client implements `RedisApi` (commands,
 * pipelines, transactions, pub/sub, scan iterators, lifecycle, events), so service code does not change between
 * environments: a URL, or options whose topology is only known at runtime, give a `RedisApi`; options with a literal
 * `topology` give the concrete class (`ClusterClient` for 'cluster', else `RedisClient`).
 */
export function createClient(options: ClusterTopologyOptions): ClusterClient;
export function createClient(options: StandaloneClientOptions | SentinelTopologyOptions): RedisClient;
export function createClient(options: CreateClientOptions): RedisApi;
export function createClient(url: string, overrides?: RedisClientOptions): RedisApi;
export function createClient(
  urlOrOptions: string | CreateClientOptions,
  overrides: RedisClientOptions = {},
): RedisClient | ClusterClient {
  const resolved = resolveCreateClientOptions(urlOrOptions, overrides);
  if (resolved.topology === 'cluster') return new ClusterClient(resolved.options);
  if (resolved.topology === 'sentinel') {
    const { client } = sentinelClientParts(resolved.options);
    if (resolved.options.lazyConnect !== true) client.connect().catch(() => undefined); // surfaced on the first command
    return client;
  }
  return new RedisClient(resolved.options);
}
