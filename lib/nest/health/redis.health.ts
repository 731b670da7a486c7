import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { getRedisConnectionHandleToken } from '../get-redis-token.util.js';
import { DEFAULT_REDIS_CONNECTION } from '../redis.constants.js';
import type { RedisLifecycle } from '../redis-lifecycle.js';
import { checkRedisHealth } from './check-redis-health.js';
import type { RedisHealthCheckOptions } from './redis-health-options.interface.js';

/**
 * Terminus health indicator for any redwire connection (standalone, Sentinel, Cluster). Returns `down` results
 * rather than throwing: Terminus 11/12 build the 503 from the returned status.
 *
 * @example
 * health.check([() => redis.isHealthy('redis', { connection: 'cache', timeout: 500 })])
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly healthIndicatorService: HealthIndicatorService,
  ) {}

  async isHealthy<const Key extends string>(key: Key, options: RedisHealthCheckOptions = {}): Promise<HealthIndicatorResult<Key>> {
    const session = this.healthIndicatorService.check(key);
    const name = options.connection ?? DEFAULT_REDIS_CONNECTION;
    let lifecycle: RedisLifecycle;
    try {
      lifecycle = this.moduleRef.get<RedisLifecycle>(getRedisConnectionHandleToken(name), { strict: false });
    } catch {
      return session.down({
        connection: name,
        reason: `No Redis connection named '${name}': register it with RedisModule.forRoot({ name: '${name}', ... }).`,
      });
    }
    const report = await checkRedisHealth(lifecycle.connection, options);
    return report.healthy ? session.up(report.details) : session.down(report.details);
  }
}
