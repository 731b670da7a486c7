import { RedisError } from '../errors/index.js';
import type { RespValue } from './resp-value.js';

/* The property name a decoded RESP3 map key becomes (RespMap keys are strings, whatever the key's RESP type). */

export function mapKey(value: RespValue): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof RedisError) return value.message;
  return String(value);
}
