// redwire/nest: the NestJS module. Served as its own subpath so apps without Nest never load @nestjs/*.
export { RedisModule } from './redis.module.js';
export { RedisService } from './redis.service.js';
/** The type of what `@InjectRedis()` gives, whatever the topology (`RedisCommands` is its command part). */
export type { RedisApi, RedisApiEvents, PipelineApi, TransactionApi } from '../client/index.js';
export type { RedisCommands } from '../client/commands/redis-commands.js';
export { DEFAULT_REDIS_CONNECTION, REDIS_MODULE_DEFAULTS, REDIS_MODULE_LOG_CONTEXT } from './redis.constants.js';
export {
  getRedisToken,
  getConnectionPoolToken,
  getSentinelServiceToken,
  getClusterServiceToken,
  getRedisOptionsToken,
  getRedisConnectionToken,
  getRedisConnectionHandleToken,
} from './get-redis-token.util.js';
export { InjectRedis } from './inject-redis.decorator.js';
export { InjectConnectionPool } from './inject-connection-pool.decorator.js';
export { InjectSentinel } from './inject-sentinel.decorator.js';
export { InjectCluster } from './inject-cluster.decorator.js';
export type * from './redis-module-options.interface.js';
export type * from './redis-module-async-options.interface.js';
export type { RedisConnection, RedisConnectionEvent } from './redis-connection.js';
export { validateRedisModuleOptions, type ResolvedRedisModuleOptions, type ResolvedClientConfig } from './validate-redis-module-options.js';
export { RedisLifecycle } from './redis-lifecycle.js';
