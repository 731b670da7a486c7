/** A snapshot of a pool's connections, from `pool.stats()`. */
export interface PoolStats {
  /** Every open connection: shared + idle + leased + pending. */
  total: number;
  /** Connections carrying multiplexed ordinary commands. */
  shared: number;
  /** Exclusive connections ready to be leased. */
  idle: number;
  /** Exclusive connections currently leased (acquire / withConnection / blocking commands / pub/sub / MULTI). */
  leased: number;
  /** Exclusive connections being opened or health-checked for a caller, or reset after a dirty lease. */
  pending: number;
  /** Commands written or queued on the shared connections, awaiting replies. */
  sharedInFlight: number;
  /** Callers waiting for a connection (BlockingConnectionPool). */
  waiters: number;
  /** The pool's cap on exclusive connections. */
  maxConnections: number;
}

/** The figures of several pools added up (a cluster's node pools, pools of one endpoint); all zero for none. */
export function sumPoolStats(stats: Iterable<PoolStats>): PoolStats {
  const sum: PoolStats = { total: 0, shared: 0, idle: 0, leased: 0, pending: 0, sharedInFlight: 0, waiters: 0, maxConnections: 0 };
  for (const s of stats) {
    sum.total += s.total;
    sum.shared += s.shared;
    sum.idle += s.idle;
    sum.leased += s.leased;
    sum.pending += s.pending;
    sum.sharedInFlight += s.sharedInFlight;
    sum.waiters += s.waiters;
    sum.maxConnections += s.maxConnections;
  }
  return sum;
}
