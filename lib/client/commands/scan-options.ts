import type { RedisArg } from '../../protocol/resp-value.js';
import type { OptionKeys } from './method-spec.js';

/** MATCH / COUNT of SCAN, HSCAN, SSCAN, ZSCAN. */
export interface ScanOptions {
  /** Glob-style pattern the returned elements must match. */
  MATCH?: string;
  /** Hint for how much work one step does (server default 10). */
  COUNT?: number;
}

/** SCAN only: restrict to keys of one type (`'string'`, `'hash'`, `'zset'`, ...). */
export interface KeyScanOptions extends ScanOptions {
  TYPE?: string;
}

/** The keys of ScanOptions / KeyScanOptions, checked against the interfaces. */
export const scanOptionKeys: OptionKeys<ScanOptions> = { MATCH: true, COUNT: true };
export const keyScanOptionKeys: OptionKeys<KeyScanOptions> = { ...scanOptionKeys, TYPE: true };

export function scanArgs(options: KeyScanOptions = {}): RedisArg[] {
  const out: RedisArg[] = [];
  if (options.MATCH !== undefined) out.push('MATCH', options.MATCH);
  if (options.COUNT !== undefined) out.push('COUNT', options.COUNT);
  if (options.TYPE !== undefined) out.push('TYPE', options.TYPE);
  return out;
}
