import { inspect } from 'node:util';
import { redactRedisUrl } from './redact-redis-url.js';

/** What a hidden value is shown as. */
export const REDACTED = '[redacted]';

/** Option names whose values are secrets at any depth: password, sentinelPassword, passphrase, tokens, credentialProvider. */
const SECRET_KEY = /passw|passphrase|^pass$|secret|token|credential/i;
/** Inside a `tls` object: the private key material (the certificates and CA are public). */
const TLS_SECRET_KEYS = new Set(['key', 'pfx', 'passphrase', 'privateKey', 'secureContext']);
const MAX_DEPTH = 8;

function isSecretKey(key: string, inTls: boolean): boolean {
  return SECRET_KEY.test(key) || (inTls && TLS_SECRET_KEYS.has(key));
}

/** Both serialisations defined by the object itself (our clients, pools, connections): trusted to hide secrets. */
function hasOwnSerialisation(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function' && inspect.custom in value;
}

function copy(value: unknown, depth: number, inTls: boolean, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return value.includes('://') ? redactRedisUrl(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof URL) return redactRedisUrl(value.href);
  if (Buffer.isBuffer(value) || value instanceof Date || value instanceof RegExp || value instanceof Error) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  const proto: unknown = Object.getPrototypeOf(value);
  const plain = proto === null || proto === Object.prototype || Array.isArray(value);
  // Other instances are copied field by field like plain objects (their class name is lost, their secrets too).
  if (!plain && hasOwnSerialisation(value)) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1, inTls, seen));
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined) continue;
      out[key] = isSecretKey(key, inTls) ? REDACTED : copy(field, depth + 1, key === 'tls', seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * A copy of `value` fit for logs, `util.inspect` and `JSON.stringify`: passwords, sentinelPassword, tokens,
 * credential providers and TLS private keys/passphrases/pfx shown as '[redacted]' at any depth; URLs with the
 * password masked; cycles cut. The one redaction used by every `toJSON` and `[inspect.custom]` of the package.
 */
export function redactSecrets(value: unknown): unknown {
  return copy(value, 0, false, new WeakSet());
}

/**
 * Makes `JSON.stringify(target)` (pino, Nest's JSON logger) and `util.inspect(target)` (console.log) show
 * `redactSecrets(target)`, via non-enumerable `toJSON` and `[inspect.custom]` (so spreading the object does not copy
 * them). `label` prefixes the inspect output. Returns `target`.
 */
export function redactOnSerialise<T extends object>(target: T, label?: string): T {
  Object.defineProperty(target, 'toJSON', {
    enumerable: false,
    configurable: true,
    value: () => redactSecrets({ ...target }),
  });
  Object.defineProperty(target, inspect.custom, {
    enumerable: false,
    configurable: true,
    value: (depth: number, options: object, insp: typeof inspect) => {
      const shown = insp(redactSecrets({ ...target }), { ...options, depth });
      return label === undefined ? shown : `${label} ${shown}`;
    },
  });
  return target;
}
