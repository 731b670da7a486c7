import type { RedisArg } from '../../protocol/resp-value.js';

/** A key: text or raw bytes. */
export type RedisKey = string | Buffer;
/** A value argument: text, bytes or a number (sent as its decimal text). */
export type RedisValue = RedisArg;
/** `string` by default; `Buffer` on a `withBuffers()` view. Threaded through every family interface. */
export type StringOrBuffer = string | Buffer;

export interface ScoredMember<S extends StringOrBuffer = string> {
  member: S;
  score: number;
}

/** Condition of EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (Redis 7). */
export type ExpireCondition = 'NX' | 'XX' | 'GT' | 'LT';
