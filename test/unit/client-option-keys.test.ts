import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { RedisClient } from '../../lib/client/redis-client.js';
import { createClient } from '../../lib/create-client.js';
import { parseRedisUrl } from '../../lib/connection/parse-redis-url.js';
import { Sentinel } from '../../lib/sentinel/sentinel.js';
import { configErrorMessage } from '../support/config-error.js';

const NODE = { host: '127.0.0.1', port: 1 };

describe('unknown client options are a ConfigError, never ignored', () => {
  it.each([
    ['createClient, standalone: an ioredis name', () => createClient({ ...NODE, lazyConnect: true, keyPrefix: 'app:' } as never), /standalone client: unknown option 'keyPrefix': .*prefix keys in your own code/],
    ['createClient, standalone: node-redis database', () => createClient({ database: 2, lazyConnect: true } as never), /unknown option 'database': use 'db'/],
    ['createClient(url, overrides)', () => createClient('redis://127.0.0.1:1', { lazyConnect: true, connectionName: 'a' } as never), /unknown option 'connectionName': use 'clientName'/],
    ['createClient, cluster: scaleReads', () => createClient({ topology: 'cluster', nodes: [NODE], scaleReads: 'slave', lazyConnect: true } as never), /cluster client: unknown option 'scaleReads': use 'readFrom'/],
    ['createClient, sentinel: ioredis name', () => createClient({ topology: 'sentinel', sentinels: [NODE], name: 'm', masterName: 'm', lazyConnect: true } as never), /sentinel client: unknown option 'name'/],
    ['createClient, sentinel: clientCache is not taken', () => createClient({ topology: 'sentinel', sentinels: [NODE], masterName: 'm', clientCache: {}, lazyConnect: true } as never), /unknown option 'clientCache'\. The options are: /],
    ['a typo lists the options', () => createClient({ ...NODE, comandTimeout: 100, lazyConnect: true } as never), /unknown option 'comandTimeout'\. The options are: .*commandTimeout/],
    ['new RedisClient', () => new RedisClient({ ...NODE, lazyConnect: true, enableAutoPipelining: true } as never), /RedisClient options: unknown option 'enableAutoPipelining'/],
    ['new ClusterClient', () => new ClusterClient({ nodes: [NODE], lazyConnect: true, host: '127.0.0.1' } as never), /ClusterClient options: unknown option 'host'/],
    ['new Sentinel', () => new Sentinel({ sentinels: [NODE], lazyConnect: true, sentinelPassword: 'x' } as never), /Sentinel options: unknown option 'sentinelPassword': .*sentinelOptions/],
    ['new Sentinel: sentinelOptions too', () => new Sentinel({ sentinels: [NODE], lazyConnect: true, sentinelOptions: { pass: 'x' } } as never), /sentinelOptions: unknown option 'pass'/],
  ])('%s', (_label, build, message) => {
    expect(configErrorMessage(build)).toMatch(message);
  });

  it('new RedisClient(parseRedisUrl(url)) works for a standalone URL and refuses a Sentinel or Cluster one', async () => {
    const client = new RedisClient({ ...parseRedisUrl('redis://127.0.0.1:1/2'), lazyConnect: true });
    await client.disconnect();
    expect(configErrorMessage(() => new RedisClient({ ...parseRedisUrl('redis+sentinel://127.0.0.1:1/m'), lazyConnect: true } as never)))
      .toMatch(/topology 'sentinel' need createClient/);
  });

  it('never shows the value of the refused option', () => {
    expect(configErrorMessage(() => createClient({ ...NODE, lazyConnect: true, pass: 'hunter2-secret' } as never))).not.toContain('hunter2-secret');
  });

  it('a key set to undefined sets nothing and is accepted', async () => {
    const client = createClient({ ...NODE, lazyConnect: true, sentinelOptions: undefined } as never);
    await client.disconnect();
  });
});
