import { Inject } from '@nestjs/common';
import { getRedisToken } from './get-redis-token.util.js';

/** Injects the command client (`RedisCommands`) of connection `name` (default `'default'`). */
export const InjectRedis = (name?: string): PropertyDecorator & ParameterDecorator => Inject(getRedisToken(name));
