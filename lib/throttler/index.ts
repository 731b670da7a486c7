// redwire/nest/throttler: @nestjs/throttler storage in Redis, over a redwire client.
export { RedisThrottlerStorage } from './redis-throttler-storage.js';
export { redisThrottlerStorageProvider } from './redis-throttler-storage.provider.js';
export { REDIS_THROTTLER_DEFAULTS, REDIS_THROTTLER_OPTIONS } from './redis-throttler-options.interface.js';
export type { RedisThrottlerStorageOptions, ThrottlerClient } from './redis-throttler-options.interface.js';
export type { ThrottleRecord } from './throttler-script.js';
