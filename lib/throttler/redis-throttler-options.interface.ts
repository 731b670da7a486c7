import type { RedisApi } from '../index.js';

/** What `RedisThrottlerStorage` calls on the client (EVALSHA, EVAL on NOSCRIPT): standalone, Sentinel and Cluster fit. */
export type ThrottlerClient = Pick<RedisApi, 'evalsha' | 'eval' | 'evalsha_ro' | 'eval_ro'>;

export interface RedisThrottlerStorageOptions {
  /** Prefix of every key the storage writes. Default `'throttler:'`. */
  keyPrefix?: string;
}

export const REDIS_THROTTLER_DEFAULTS = {
  keyPrefix: 'throttler:',
} as const satisfies Required<RedisThrottlerStorageOptions>;

/** Optional provider of `RedisThrottlerStorageOptions` for the injectable storage. */
export const REDIS_THROTTLER_OPTIONS = 'redwire:throttler:options';
