export { ConnectionPool } from './connection-pool.js';
export type { AcquireOptions, PoolDisconnectOptions, PoolConnectionEventInfo } from './connection-pool.js';
export { BlockingConnectionPool } from './blocking-connection-pool.js';
export { DEFAULT_POOL_OPTIONS } from './pool-options.js';
export type { PoolOptions, ConnectionFactory, ReplyErrorHook, EndpointWatcher, WatchedPool } from './pool-options.js';
export type { PoolStats } from './pool-stats.js';
export { sumPoolStats } from './pool-stats.js';
export type { PoolConnection, PoolCommandOptions } from './pool-connection.js';
