import { inspect } from 'node:util';
import { redactRedisUrl } from '../connection/parse-redis-url.js';

const SECRET_KEYS = new Set(['password', 'sentinelPassword', 'credentialProvider', 'tls']);

/** A copy of `value` fit for logs and `util.inspect`: passwords and credential providers hidden, URLs redacted. */
export function redactForDisplay(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactForDisplay(item, depth + 1));
  if (Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (SECRET_KEYS.has(key) && field !== undefined) out[key] = '[redacted]';
    else if (key === 'url' && typeof field === 'string') out[key] = redactRedisUrl(field);
    else out[key] = redactForDisplay(field, depth + 1);
  }
  return out;
}

/** Makes `util.inspect(target)` (and so console.log and most loggers) show the redacted form. */
export function redactOnInspect<T extends object>(target: T, label: string): T {
  Object.defineProperty(target, inspect.custom, {
    enumerable: false,
    value: (depth: number, options: object, insp: typeof inspect) =>
      `${label} ${insp(redactForDisplay({ ...target }), { ...options, depth })}`,
  });
  return target;
}
