import { Inject } from '@nestjs/common';
import { getRedisToken } from './get-redis-token.util.js';

/**
 * Injects the client of connection `name` (default `'default'`), typed `RedisApi`: the same API whether the
 * connection is standalone, Sentinel or Cluster (`constructor(@InjectRedis() private readonly redis: RedisApi)`).
 */
export const InjectRedis = (name?: string): PropertyDecorator & ParameterDecorator => Inject(getRedisToken(name));
