import { Inject } from '@nestjs/common';
import { getConnectionPoolToken } from './get-redis-token.util.js';

/** Injects the `ConnectionPool` (standalone and Sentinel connections only) of connection `name` (default `'default'`). */
export const InjectConnectionPool = (name?: string): PropertyDecorator & ParameterDecorator => Inject(getConnectionPoolToken(name));
