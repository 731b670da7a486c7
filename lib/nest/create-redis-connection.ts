import { ConfigError } from '../errors/index.js';
import { clusterRedisConnection } from './cluster-redis-connection.js';
import type { RedisConnection } from './redis-connection.js';
import { sentinelRedisConnection } from './sentinel-redis-connection.js';
import { standaloneRedisConnection } from './standalone-redis-connection.js';
import type { ResolvedRedisModuleOptions } from './validate-redis-module-options.js';

/**
 * Builds the connection of one name from validated options. Nothing connects yet (the lifecycle does); errors of
 * the client constructors are `ConfigError`s, prefixed here with the connection name.
 */
export function createRedisConnection(options: ResolvedRedisModuleOptions): RedisConnection {
  const { name, client } = options;
  try {
    if (client.topology === 'sentinel') return sentinelRedisConnection(name, client.options);
    if (client.topology === 'cluster') return clusterRedisConnection(name, client.options);
    return standaloneRedisConnection(name, client.options);
  } catch (error) {
    if (error instanceof ConfigError && !error.message.startsWith('Redis connection')) {
      throw new ConfigError(`Redis connection '${name}': ${error.message}`, { cause: error });
    }
    throw error;
  }
}
