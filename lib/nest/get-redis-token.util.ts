import { DEFAULT_REDIS_CONNECTION, REDWIRE_TOKEN_PREFIX } from './redis.constants.js';

// String tokens (not symbols or classes) so `overrideProvider(getRedisToken('x'))` and cross-package copies agree.
function token(kind: string, name: string | undefined): string {
  return `${REDWIRE_TOKEN_PREFIX}:${kind}:${name ?? DEFAULT_REDIS_CONNECTION}`;
}

/** Token of the client (`RedisApi`: a `RedisClient` or a `ClusterClient`) of connection `name` (default `'default'`). */
export function getRedisToken(name?: string): string {
  return token('client', name);
}

/** Token of the `ConnectionPool` of a standalone or Sentinel connection. */
export function getConnectionPoolToken(name?: string): string {
  return token('pool', name);
}

/** Token of the `SentinelService` of a Sentinel connection. */
export function getSentinelServiceToken(name?: string): string {
  return token('sentinel', name);
}

/** Token of the `ClusterService` of a Cluster connection. */
export function getClusterServiceToken(name?: string): string {
  return token('cluster', name);
}

/** Token of the validated `RedisModuleOptions` of connection `name`. */
export function getRedisOptionsToken(name?: string): string {
  return token('options', name);
}

/**
 * The name @nestjs-modules/ioredis gives the client's token, with the same meaning: `getRedisToken(name)`, so
 * `@Inject(getRedisConnectionToken())` keeps working after a migration.
 */
export function getRedisConnectionToken(name?: string): string {
  return getRedisToken(name);
}

/** Token of the connection handle (`RedisConnection`: client, topology services, lifecycle) of connection `name`. */
export function getRedisConnectionHandleToken(name?: string): string {
  return token('connection', name);
}

/** Internal: the options as returned by a `forRootAsync` factory, before validation. */
export function getRawRedisOptionsToken(name?: string): string {
  return token('raw-options', name);
}
