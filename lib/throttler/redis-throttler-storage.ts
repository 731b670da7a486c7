import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { ConfigError, DataError } from '../index.js';
import { InjectRedis } from '../nest/index.js';
import {
  REDIS_THROTTLER_DEFAULTS, REDIS_THROTTLER_OPTIONS, type RedisThrottlerStorageOptions, type ThrottlerClient,
} from './redis-throttler-options.interface.js';
import { incrementScript, type ThrottleRecord } from './throttler-script.js';

function checkNumber(name: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new DataError(`RedisThrottlerStorage.increment: '${name}' must be a finite number >= ${min}, got ${String(value)}.`);
  }
}

/**
 * @nestjs/throttler storage in Redis, shared by every instance of the app: each `increment` is one Lua script
 * (EVALSHA, EVAL once on NOSCRIPT) that prunes, counts, blocks and answers atomically on Redis' clock, with the
 * semantics of the in-memory `ThrottlerStorageService` (sliding log of hits; `blockDuration` > 0 blocks once the
 * limit is passed, and the first call after the block starts a new count). The keys of one throttler key share a
 * hash tag, so they stay in one cluster slot.
 *
 * Inject it (`providers: [RedisThrottlerStorage]` uses the default connection; `redisThrottlerStorageProvider({ connection })`
 * another one) or build it: `new RedisThrottlerStorage(client)`.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  readonly #client: ThrottlerClient;
  readonly #prefix: string;

  constructor(
    @InjectRedis() client: ThrottlerClient,
    @Optional() @Inject(REDIS_THROTTLER_OPTIONS) options: RedisThrottlerStorageOptions = {},
  ) {
    if (client === null || typeof client !== 'object' || typeof client.evalsha !== 'function') {
      throw new ConfigError('RedisThrottlerStorage needs a redwire client (RedisClient or ClusterClient) as its first argument.');
    }
    const keyPrefix = options?.keyPrefix ?? REDIS_THROTTLER_DEFAULTS.keyPrefix;
    if (typeof keyPrefix !== 'string') throw new ConfigError(`RedisThrottlerStorage option 'keyPrefix' must be a string.`);
    this.#client = client;
    this.#prefix = keyPrefix;
  }

  /** `ttl` and `blockDuration` in ms (as @nestjs/throttler 6 passes them); times in the record are in seconds. */
  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottleRecord> {
    checkNumber('ttl', ttl, 1);
    checkNumber('limit', limit, 0);
    checkNumber('blockDuration', blockDuration, -Infinity);
    const base = this.keyOf(key);
    return incrementScript.run(
      this.#client,
      [`${base}:${throttlerName}:hits`, `${base}:window`, `${base}:block`],
      [Math.ceil(ttl), limit, Math.ceil(blockDuration), randomUUID()],
    );
  }

  /** Common start of the Redis keys of a throttler key; its `{...}` hash tag keeps them in one slot. */
  keyOf(key: string): string {
    return `${this.#prefix}{${key}}`;
  }
}
