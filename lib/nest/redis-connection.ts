import type { RedisApi } from '../client/redis-api.js';
import type { ConnectionPool } from '../pool/connection-pool.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { SentinelService } from '../sentinel/sentinel-service.js';
import type { RedisTopology } from './redis-module-options.interface.js';

/** What the module logs about a connection. Built by the connection factory; never carries secrets. */
export interface RedisConnectionEvent {
  type: 'connect' | 'ready' | 'reconnecting' | 'error' | 'failover' | 'slot-refresh' | 'end';
  message: string;
}

/**
 * One named connection as the Nest module sees it: the objects it hands out for injection plus what the
 * lifecycle and the health indicator need. `createRedisConnection` builds it from the client layers; tests and
 * `connectionFactory` users may build their own.
 */
export interface RedisConnection {
  readonly name: string;
  readonly topology: RedisTopology;
  /** Where it points, for logs and health details: addresses only, never credentials. */
  readonly label: string;
  /** The client `@InjectRedis()` hands out: a `RedisClient` or a `ClusterClient`, both `RedisApi`. */
  readonly client: RedisApi;
  /** The `ConnectionPool` (standalone and Sentinel). */
  readonly pool?: ConnectionPool;
  /** The `SentinelService` (Sentinel). */
  readonly sentinel?: SentinelService;
  /** The `ClusterService` (Cluster). */
  readonly cluster?: object;
  /** Opens the connections (resolves when ready). */
  connect(): Promise<void>;
  /**
   * Stops accepting commands, lets in-flight ones finish for up to `timeoutMs`, sends QUIT and closes every socket
   * and timer. Never leaves anything open, even when it rejects.
   */
  close(timeoutMs: number): Promise<void>;
  /**
   * Sends one command to the data node (the master for Sentinel) on a connection that ordinary commands do not
   * queue on, so a stalled command cannot delay it. Rejects within `timeoutMs`.
   */
  probe(args: readonly RedisArg[], timeoutMs: number): Promise<RespValue>;
  /**
   * Cluster: sends one command to the nodes in turn (each on a connection of its own) and returns the first reply,
   * with the address that gave it. Rejects when no node answers within `timeoutMs`.
   */
  nodeProbe?(args: readonly RedisArg[], timeoutMs: number): Promise<{ address: string; reply: RespValue }>;
  /** Subscribes to what should be logged. */
  onEvent?(listener: (event: RedisConnectionEvent) => void): void;
}
