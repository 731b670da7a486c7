import type { FactoryProvider } from '@nestjs/common';
import { getRedisToken } from '../nest/index.js';
import type { RedisThrottlerStorageOptions, ThrottlerClient } from './redis-throttler-options.interface.js';
import { RedisThrottlerStorage } from './redis-throttler-storage.js';

/** A provider of `RedisThrottlerStorage` on connection `connection` (default: the default connection). */
export function redisThrottlerStorageProvider(
  options: RedisThrottlerStorageOptions & { connection?: string } = {},
): FactoryProvider<RedisThrottlerStorage> {
  const { connection, ...storageOptions } = options;
  return {
    provide: RedisThrottlerStorage,
    useFactory: (client: ThrottlerClient) => new RedisThrottlerStorage(client, storageOptions),
    inject: [getRedisToken(connection)],
  };
}
