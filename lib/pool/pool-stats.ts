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
