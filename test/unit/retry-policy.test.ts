import { ConfigError } from '../../lib/errors/index.js';
import { backoff, normalizeRetry } from '../../lib/connection/retry-policy.js';

const cause = new Error('boom');
const delays = (fn: (a: number, c: Error) => number | false, n: number): (number | false)[] =>
  Array.from({ length: n }, (_, i) => fn(i + 1, cause));

describe('normalizeRetry', () => {
  it('false never retries', () => {
    expect(normalizeRetry(false)(1, cause)).toBe(false);
  });

  it('a number is the attempt budget with the default backoff', () => {
    const fn = normalizeRetry(3, () => 0.5);
    expect(delays(fn, 4).map((d) => d !== false)).toEqual([true, true, true, false]);
  });

  it('defaults to capped equal-jitter exponential backoff with 20 attempts', () => {
    const high = normalizeRetry(undefined, () => 0.999999);
    const low = normalizeRetry(undefined, () => 0);
    expect(delays(low, 6)).toEqual([25, 50, 100, 200, 400, 800]);
    expect(delays(high, 7)).toEqual([49, 99, 199, 399, 799, 1599, 1999]);
    expect(high(20, cause)).toBe(1999);
    expect(high(21, cause)).toBe(false);
  });

  it('supports every backoff shape with base and cap', () => {
    expect(delays(backoff('constant', 100, 1000), 3)).toEqual([100, 100, 100]);
    expect(delays(backoff('exponential', 100, 1000), 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(delays(backoff('full-jitter', 100, 1000, () => 0.5), 5)).toEqual([50, 100, 200, 400, 500]);
    expect(delays(backoff('equal-jitter', 100, 1000, () => 0), 5)).toEqual([50, 100, 200, 400, 500]);
    // decorrelated: min(cap, base + r * (prev*3 - base)); r = 1 grows by x3 until the cap.
    expect(delays(backoff('decorrelated-jitter', 100, 1000, () => 1), 4)).toEqual([300, 900, 1000, 1000]);
    expect(delays(backoff('decorrelated-jitter', 100, 1000, () => 0), 3)).toEqual([100, 100, 100]);
  });

  it('never exceeds the cap for any random value', () => {
    for (const strategy of ['exponential', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'] as const) {
      const fn = normalizeRetry({ strategy, base: 10, cap: 500, attempts: Infinity }, Math.random);
      for (let attempt = 1; attempt < 200; attempt++) {
        const d = fn(attempt, cause);
        expect(d).not.toBe(false);
        expect(d as number).toBeGreaterThanOrEqual(0);
        expect(d as number).toBeLessThanOrEqual(500);
      }
    }
  });

  it('wraps a strategy function: attempts bound it, invalid returns and throws give up', () => {
    const seen: [number, Error | undefined][] = [];
    const fn = normalizeRetry({ attempts: 2, strategy: (a, c) => (seen.push([a, c]), 7) });
    expect(delays(fn, 3)).toEqual([7, 7, false]);
    expect(seen).toEqual([[1, cause], [2, cause]]);
    expect(normalizeRetry(() => Number.NaN)(1, cause)).toBe(false);
    expect(normalizeRetry(() => -1)(1, cause)).toBe(false);
    expect(normalizeRetry(() => {
      throw new Error('x');
    })(1, cause)).toBe(false);
    expect(normalizeRetry((a) => (a < 3 ? 0 : false))(2, cause)).toBe(0);
  });

  it.each([
    [{ attempts: -1 }, /retry.attempts/],
    [{ attempts: 1.5 }, /retry.attempts/],
    [{ base: -5 }, /retry.base/],
    [{ cap: Number.NaN }, /retry.cap/],
    [{ base: 100, cap: 10 }, /retry.cap.*must be >= retry.base/],
    [{ strategy: 'linear' }, /retry.strategy/],
  ])('rejects %p with ConfigError naming the field', (option, message) => {
    expect(() => normalizeRetry(option as never)).toThrow(ConfigError);
    expect(() => normalizeRetry(option as never)).toThrow(message);
  });
  it('rejects a negative attempt count', () => {
    expect(() => normalizeRetry(-2)).toThrow(/'retry'/);
  });
});
