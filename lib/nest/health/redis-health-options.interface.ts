/** Options of `RedisHealthIndicator.isHealthy(key, options)`. Every limit is optional; times in ms. */
export interface RedisHealthCheckOptions {
  /** Connection name. Default `'default'`. */
  connection?: string;
  /** The whole check must finish within this many ms, or it reports down. Default 1000. */
  timeout?: number;
  /** Down when the PING round trip takes longer (ms). Default: no limit. */
  maxLatency?: number;
  /** Down when the server's `used_memory` (INFO memory) exceeds this many bytes. Default: no limit. */
  maxUsedMemory?: number;
  /** Sentinel: down with fewer healthy replicas. Cluster: down when a primary has fewer healthy replicas. Default 0. */
  minReplicas?: number;
  /** Sentinel: down when fewer sentinels (the answering one included) monitor the master. Default 1. */
  minSentinels?: number;
  /** Cluster: down with fewer reachable primaries. Default 1. */
  minPrimaries?: number;
}

export const REDIS_HEALTH_DEFAULTS = Object.freeze({
  timeout: 1000,
  minReplicas: 0,
  minSentinels: 1,
  minPrimaries: 1,
});

/** What a check found: up or down, and details for the health report (addresses and counts, never secrets). */
export interface RedisHealthReport {
  healthy: boolean;
  details: Record<string, unknown>;
}
