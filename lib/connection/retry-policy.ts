import { ConfigError } from '../errors/index.js';
import { DEFAULT_CONNECTION_OPTIONS } from './connection-defaults.js';
import type { BackoffKind, RetryOptions, RetryStrategyFn } from './connection-options.js';

const KINDS: readonly BackoffKind[] = ['constant', 'exponential', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'];

/** The accepted shapes of the `retry` option. */
export type RetryOption = false | number | RetryOptions | RetryStrategyFn;

/**
 * Turns any accepted `retry` option into one function `(attempt, cause) => delay ms | false`, once, in the
 * connection's constructor (so the reconnect loop has a single code path):
 * - `false`: never reconnect;
 * - a number: that many attempts with the default backoff;
 * - `RetryOptions`: attempts + backoff shape (`constant`, `exponential`, `full-jitter`, `equal-jitter`,
 *   `decorrelated-jitter`, see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/) with
 *   `base` and `cap` in ms, or a strategy function still bounded by `attempts`;
 * - a function: used as is; a return that is not a finite delay >= 0 (or a throw) gives up.
 * `random` is injectable for tests. Throws ConfigError naming the bad field.
 */
export function normalizeRetry(option: RetryOption | undefined, random: () => number = Math.random): RetryStrategyFn {
  if (option === false) return () => false;
  if (typeof option === 'function') return guard(option, Number.POSITIVE_INFINITY);
  if (option === undefined || option === null) return fromOptions({}, random);
  if (typeof option === 'number') {
    checkAttempts(option, 'retry');
    return fromOptions({ attempts: option }, random);
  }
  if (typeof option !== 'object') {
    throw new ConfigError(`Invalid option 'retry': expected false, a number of attempts, retry options or a function, got ${typeof option}.`);
  }
  return fromOptions(option, random);
}

function checkAttempts(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0))) {
    throw new ConfigError(`Invalid option '${field}': expected a whole number of attempts >= 0 or Infinity, got ${String(value)}.`);
  }
}

function checkMs(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`Invalid option '${field}': expected a delay in ms (a finite number >= 0), got ${String(value)}.`);
  }
}

function fromOptions(options: RetryOptions, random: () => number): RetryStrategyFn {
  const defaults = DEFAULT_CONNECTION_OPTIONS.retry;
  const attempts = options.attempts ?? defaults.attempts;
  const base = options.base ?? defaults.base;
  const cap = options.cap ?? defaults.cap;
  const strategy = options.strategy ?? defaults.strategy;
  checkAttempts(attempts, 'retry.attempts');
  checkMs(base, 'retry.base');
  checkMs(cap, 'retry.cap');
  if (cap < base) throw new ConfigError(`Invalid option 'retry.cap': it (${cap} ms) must be >= retry.base (${base} ms).`);
  if (typeof strategy === 'function') return guard(strategy, attempts);
  if (!KINDS.includes(strategy)) {
    throw new ConfigError(`Invalid option 'retry.strategy': expected one of ${KINDS.join(', ')} or a function, got ${String(strategy)}.`);
  }
  return guard(backoff(strategy, base, cap, random), attempts);
}

/** Delay for a backoff shape; `attempt` is 1-based. Exported for tests. */
export function backoff(kind: BackoffKind, base: number, cap: number, random: () => number = Math.random): RetryStrategyFn {
  const exp = (attempt: number): number => Math.min(cap, base * 2 ** Math.min(attempt - 1, 52));
  switch (kind) {
    case 'constant':
      return () => Math.min(cap, base);
    case 'exponential':
      return (attempt) => exp(attempt);
    case 'full-jitter':
      return (attempt) => Math.floor(random() * exp(attempt));
    case 'equal-jitter':
      return (attempt) => {
        const half = exp(attempt) / 2;
        return Math.floor(half + random() * half);
      };
    case 'decorrelated-jitter': {
      // sleep = min(cap, random_between(base, previous * 3)); restarts from base on a new series (attempt 1).
      let previous = base;
      return (attempt) => {
        if (attempt <= 1) previous = base;
        const upper = Math.max(base, previous * 3);
        previous = Math.min(cap, Math.floor(base + random() * (upper - base)));
        return previous;
      };
    }
  }
}

function guard(fn: RetryStrategyFn, attempts: number): RetryStrategyFn {
  return (attempt, cause) => {
    if (attempt > attempts) return false;
    let delay: number | false;
    try {
      delay = fn(attempt, cause);
    } catch {
      return false;
    }
    if (delay === false || typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) return false;
    return delay;
  };
}
