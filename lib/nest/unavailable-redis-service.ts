/**
 * What the pool / Sentinel / Cluster tokens hold when the connection's topology has no such service. Injecting one
 * fails bootstrap (see `assertTopologyServices`); this object only exists so Nest can build the module graph.
 */
export class UnavailableRedisService {
  constructor(
    readonly connection: string,
    readonly service: 'ConnectionPool' | 'SentinelService' | 'ClusterService',
    readonly reason: string,
  ) {
    Object.freeze(this);
  }
}
