import calculateSlot from 'cluster-key-slot';
import type { RedisArg } from '../protocol/resp-value.js';

/** Number of hash slots in a Redis Cluster. */
export const SLOT_COUNT = 16384;

/**
 * Hash slot of a key: CRC16 of the key (or of its `{hash tag}` when it has a non-empty one) modulo 16384.
 * Numbers are hashed as the decimal text the encoder writes for them.
 */
export function keySlot(key: RedisArg): number {
  return calculateSlot(typeof key === 'string' || Buffer.isBuffer(key) ? key : String(key));
}
