// redwire/nest/health: Terminus health indicators. Its own subpath so apps without @nestjs/terminus can use redwire/nest.
export { RedisHealthIndicator } from './redis.health.js';
export { RedisHealthModule } from './redis-health.module.js';
export { checkRedisHealth } from './check-redis-health.js';
export { REDIS_HEALTH_DEFAULTS } from './redis-health-options.interface.js';
export type { RedisHealthCheckOptions, RedisHealthReport } from './redis-health-options.interface.js';
