import type { CallOptions, RedisApi, RedisCommands } from '../index.js';

/**
 * What the BullMQ connection needs of a redwire client: the client API (`RedisApi`), `duplicate` taking a
 * connection name for the connections BullMQ makes its own (workers, queue events), and `withOptions` so blocking
 * reads can be aborted. `RedisClient` (standalone or Sentinel) and `ClusterClient` fit.
 */
export interface BullMQRedis extends RedisApi {
  duplicate(overrides?: { clientName?: string; lazyConnect?: boolean }): BullMQRedis;
  withOptions(options: Omit<CallOptions, 'returnBuffers'>): RedisCommands;
}
