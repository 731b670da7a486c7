import { ConfigError } from '../errors/index.js';
import type { ClusterClientOptions } from './cluster-client-options.js';
import { READ_FROM } from './nodes-manager.js';

const show = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : String(value));

/**
 * The cluster's own plain-value options, checked before anything is built (they may come from a
 * `redis+cluster://...?readFrom=replica` URL or an untyped config): a wrong value is a ConfigError naming it.
 */
export function validateClusterOptions(options: ClusterClientOptions): void {
  const { readFrom, requireFullCoverage, maxRedirections, slotsRefreshInterval, minRefreshInterval, retryDelay } = options;
  if (readFrom !== undefined && !READ_FROM.includes(readFrom)) {
    throw new ConfigError(`Invalid option 'readFrom': expected one of ${READ_FROM.join(', ')}, got ${show(readFrom)}.`);
  }
  if (requireFullCoverage !== undefined && typeof requireFullCoverage !== 'boolean') {
    throw new ConfigError(`Invalid option 'requireFullCoverage': expected true or false, got ${show(requireFullCoverage)}.`);
  }
  if (maxRedirections !== undefined && (!Number.isInteger(maxRedirections) || maxRedirections < 0)) {
    throw new ConfigError(`Invalid option 'maxRedirections': expected a whole number >= 0, got ${show(maxRedirections)}.`);
  }
  for (const [name, value] of [['slotsRefreshInterval', slotsRefreshInterval], ['minRefreshInterval', minRefreshInterval]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new ConfigError(`Invalid option '${name}': expected a number of ms >= 0, got ${show(value)}.`);
    }
  }
  if (retryDelay !== undefined && typeof retryDelay !== 'function') {
    throw new ConfigError(`Invalid option 'retryDelay': expected a function (attempt) => ms, got ${show(retryDelay)}.`);
  }
}
