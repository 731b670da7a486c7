import { Inject } from '@nestjs/common';
import { getSentinelServiceToken } from './get-redis-token.util.js';

/** Injects the `SentinelService` (Sentinel connections only) of connection `name` (default `'default'`). */
export const InjectSentinel = (name?: string): PropertyDecorator & ParameterDecorator => Inject(getSentinelServiceToken(name));
