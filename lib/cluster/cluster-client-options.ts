import type { OptionKeyList } from '../connection/option-keys.js';
import { POOL_OPTION_KEYS, type PoolOptions } from '../pool/pool-options.js';
import type { AddressMapFn, NatMap } from './address-mapper.js';
import type { ClusterRetryDelay } from './redirect-policy.js';
import type { ReadFrom } from './nodes-manager.js';

/**
 * Options of `ClusterClient`: the connection/pool options applied to every node (host/port/path come from the
 * cluster) plus the cluster's own. Times in ms.
 */
export interface ClusterClientOptions extends Omit<PoolOptions, 'host' | 'port' | 'path' | 'resolveEndpoint'> {
  /** Startup nodes: `{ host, port }` or `'host:port'`. Any reachable node of the cluster is enough. */
  nodes: readonly ({ host: string; port: number } | string)[];
  /** Fail discovery when a slot has no primary (else such slots fail with SlotNotCoveredError). Default true. */
  requireFullCoverage?: boolean;
  /** Periodic slot-table refresh in ms (timer unref'd). Default 5000; 0 disables. */
  slotsRefreshInterval?: number;
  /** Least ms between two refreshes. Default 100. */
  minRefreshInterval?: number;
  /** Bound of every redirection/retry loop (MOVED, ASK, TRYAGAIN, CLUSTERDOWN, connection errors). Default 16. */
  maxRedirections?: number;
  /** Delay before retry n (1-based) of TRYAGAIN/CLUSTERDOWN/connection errors. Default min(100·n, 1000) ms. */
  retryDelay?: ClusterRetryDelay;
  /** Where read-only commands go. Default 'primary'. Replica connections get READONLY in their handshake. */
  readFrom?: ReadFrom;
  /** Announced `host:port` (or `host`) → reachable address, for NAT/Docker. */
  natMap?: NatMap;
  /** A function rewriting announced addresses; applied after `natMap`. */
  addressMap?: AddressMapFn;
}

export const DEFAULT_MAX_REDIRECTIONS = 16;

const { host: _host, port: _port, path: _path, resolveEndpoint: _resolve, ...NODE_OPTION_KEYS } = POOL_OPTION_KEYS;

/** Every `ClusterClientOptions` key: the pool options of every node (no host/port/path) and the cluster's own. */
export const CLUSTER_CLIENT_OPTION_KEYS: OptionKeyList<ClusterClientOptions> = Object.freeze({
  ...NODE_OPTION_KEYS,
  nodes: true, requireFullCoverage: true, slotsRefreshInterval: true, minRefreshInterval: true, maxRedirections: true,
  retryDelay: true, readFrom: true, natMap: true, addressMap: true,
});
