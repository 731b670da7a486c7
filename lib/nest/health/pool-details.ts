import { ClusterClient } from '../../cluster/cluster-client.js';
import { sumPoolStats, type PoolStats } from '../../pool/pool-stats.js';
import type { RedisConnection } from '../redis-connection.js';

/** Pool figures of a health report: the pool's stats, or the sums over a cluster's node pools (with `nodes`). */
export type PoolDetails = Omit<PoolStats, 'maxConnections'> & { maxConnections: number; nodes?: number };

export function poolDetails(connection: RedisConnection): PoolDetails | undefined {
  if (connection.pool !== undefined) return { ...connection.pool.stats() };
  const client = connection.client;
  if (!(client instanceof ClusterClient) || !client.nodesManager.loaded) return undefined;
  const stats = client.nodesManager.nodePools().map(({ pool }) => pool.stats());
  return { ...sumPoolStats(stats), nodes: stats.length };
}
