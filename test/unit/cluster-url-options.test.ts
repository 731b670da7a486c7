/**
 * The cluster client's plain-value options from a redis+cluster:// URL query (as `role=replica` is for Sentinel
 * URLs), and the cluster option checks they meet: a wrong value is a ConfigError naming the option and the value.
 */
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import type { ClusterClientOptions } from '../../lib/cluster/cluster-client-options.js';
import { parseRedisUrl } from '../../lib/connection/parse-redis-url.js';
import { createClient } from '../../lib/create-client.js';
import { ConfigError } from '../../lib/errors/index.js';

describe('redis+cluster:// query options', () => {
  it('reads readFrom, requireFullCoverage, maxRedirections, slotsRefreshInterval and minRefreshInterval', () => {
    const parsed = parseRedisUrl('redis+cluster://h1:7000,h2:7001?readFrom=replica&requireFullCoverage=false' +
      '&maxRedirections=5&slotsRefreshInterval=0&minRefreshInterval=250');
    expect(parsed).toMatchObject({
      topology: 'cluster', readFrom: 'replica', requireFullCoverage: false, maxRedirections: 5,
      slotsRefreshInterval: 0, minRefreshInterval: 250,
    });
  });

  it('reach the cluster client through createClient', async () => {
    const client = createClient('redis+cluster://127.0.0.1:7000?readFrom=prefer-replica&lazyConnect=true') as ClusterClient;
    try {
      expect(client).toBeInstanceOf(ClusterClient);
      expect(client.nodesManager.readFrom).toBe('prefer-replica');
    } finally {
      await client.disconnect();
    }
  });

  it.each([
    ['an unknown readFrom', 'redis+cluster://h:7000?readFrom=replicas', /readFrom.*primary, replica, prefer-replica, any.*'replicas'/],
    ['a non-boolean requireFullCoverage', 'redis+cluster://h:7000?requireFullCoverage=maybe', /requireFullCoverage.*true or false/],
    ['a non-number interval', 'redis+cluster://h:7000?slotsRefreshInterval=soon', /slotsRefreshInterval.*number/],
    ['a cluster option on a standalone URL', 'redis://h:6379?readFrom=replica', /readFrom.*only applies to redis\+cluster/],
    ['a cluster option on a sentinel URL', 'redis+sentinel://h:26379/m?maxRedirections=3', /maxRedirections.*only applies to redis\+cluster/],
  ])('reject %s with ConfigError', (_what, url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(ConfigError);
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('a fractional maxRedirections is refused by the cluster client', () => {
    expect(() => createClient('redis+cluster://h:7000?maxRedirections=1.5')).toThrow(/maxRedirections.*whole number.*1\.5/);
  });
});

describe('cluster option checks', () => {
  const base = { nodes: ['127.0.0.1:7000'] };
  it.each([
    ['readFrom', { readFrom: 'replicas' }, /Invalid option 'readFrom': expected one of primary, replica, prefer-replica, any, got 'replicas'/],
    ['requireFullCoverage', { requireFullCoverage: 'no' }, /Invalid option 'requireFullCoverage'/],
    ['maxRedirections', { maxRedirections: -1 }, /Invalid option 'maxRedirections'/],
    ['minRefreshInterval', { minRefreshInterval: Number.NaN }, /Invalid option 'minRefreshInterval'/],
    ['retryDelay', { retryDelay: 100 }, /Invalid option 'retryDelay'/],
  ])('%s: a wrong value is a ConfigError', (_name, extra, message) => {
    const make = (): ClusterClient => new ClusterClient({ ...base, ...extra } as unknown as ClusterClientOptions);
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });

  it('accepts every readFrom value', () => {
    for (const readFrom of ['primary', 'replica', 'prefer-replica', 'any'] as const) {
      expect(new ClusterClient({ ...base, readFrom }).nodesManager.readFrom).toBe(readFrom);
    }
  });
});
