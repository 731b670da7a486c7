import { ClusterClient } from '../../cluster/cluster-client.js';
import type { PoolStats } from '../../pool/pool-stats.js';
import type { RedisConnection } from '../redis-connection.js';

/** Pool figures of a health report: the pool's stats, or the sums over a cluster's node pools (with `nodes`). */
export type PoolDetails = Omit<PoolStats, 'maxConnections'> & { maxConnections: number; nodes?: number };

export function poolDetails(connection: RedisConnection): PoolDetails | undefined {
  if (connection.pool !== undefined) return { ...connection.pool.stats() };
  const client = connection.client;
  if (!(client instanceof ClusterClient) || !client.nodesManager.loaded) return undefined;
  const sum: PoolDetails = { total: 0, shared: 0, idle: 0, leased: 0, pending: 0, sharedInFlight: 0, waiters: 0, maxConnections: 0, nodes: 0 };
  for (const { pool } of client.nodesManager.nodePools()) {
    const s = pool.stats();
    sum.total += s.total;
    sum.shared += s.shared;
    sum.idle += s.idle;
    sum.leased += s.leased;
    sum.pending += s.pending;
    sum.sharedInFlight += s.sharedInFlight;
    sum.waiters += s.waiters;
    sum.maxConnections += s.maxConnections;
    sum.nodes! += 1;
  }
  return sum;
}
