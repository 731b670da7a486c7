import { Connection } from '../connection/connection.js';
import type { ConnectionOptions } from '../connection/connection-options.js';
import type { PoolConnection } from './pool-connection.js';

/** Builds the pool's connections when no `connectionFactory` is given. */
export function defaultConnectionFactory(options: ConnectionOptions): PoolConnection {
  return new Connection(options);
}
