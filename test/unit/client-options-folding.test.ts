/**
 * One URL means one client: `createClient(url, options)` and the Nest module (`{ url, options }`) fold a URL and
 * options into the same topology and client options, reject the same bad input with the same ConfigError (never
 * showing the password), and so build clients with the same pool options.
 */
import type { RedisClient, RedisClientOptions } from '../../lib/client/redis-client.js';
import { createClient, resolveCreateClientOptions } from '../../lib/create-client.js';
import { createRedisConnection } from '../../lib/nest/create-redis-connection.js';
import { validateRedisModuleOptions } from '../../lib/nest/validate-redis-module-options.js';
import { configErrorMessage } from '../support/config-error.js';

const nest = (raw: Record<string, unknown>) => validateRedisModuleOptions(raw, 'same').client;

/** Options with their functions (each client's own hooks and resolvers) replaced by a marker. */
const plain = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? 'function' : v)));

describe('createClient and the Nest module fold a URL the same way', () => {
  it.each([
    'redis://user:s3cret@db.example:6390/2?clientName=app&commandTimeout=900',
    'rediss://:s3cret@db.example?servername=db.example&rejectUnauthorized=false',
    'unix:///run/redis.sock?db=3',
    'redis+sentinel://a:26400,b/redwire-primary/1?role=replica&sentinelUsername=sen&sentinelPassword=sp',
    'redis+cluster://n1:7000,n2:7001?readFrom=replica&maxRedirections=5&password=s3cret',
  ])('%s', (url) => {
    const viaCreateClient = resolveCreateClientOptions(url);
    expect(nest({ url })).toEqual(viaCreateClient);
    const overrides: RedisClientOptions = { commandTimeout: 1234, clientName: 'override' };
    expect(nest({ url, options: overrides })).toEqual(resolveCreateClientOptions(url, overrides));
    expect(resolveCreateClientOptions(url, overrides).options).toMatchObject(overrides);
  });

  it('puts the URL sentinel credentials under explicit sentinelOptions in both', () => {
    const url = 'redis+sentinel://sen:26400/m?sentinelUsername=u&sentinelPassword=sp';
    const options = { sentinelOptions: { connectTimeout: 300 } } as RedisClientOptions;
    const expected = { topology: 'sentinel', options: expect.objectContaining({ sentinelOptions: { username: 'u', password: 'sp', connectTimeout: 300 } }) };
    expect(resolveCreateClientOptions(url, options)).toEqual(expected);
    expect(nest({ url, options })).toEqual(expected);
  });

  it('resolves options with a topology (no URL) the same way', () => {
    const options = { sentinels: [{ host: 'h', port: 26400 }], masterName: 'm', role: 'replica' as const, db: 2 };
    expect(resolveCreateClientOptions({ topology: 'sentinel', ...options })).toEqual({ topology: 'sentinel', options });
    expect(nest({ topology: 'sentinel', options })).toEqual({ topology: 'sentinel', options });
    expect(resolveCreateClientOptions({ port: 6390 })).toEqual(nest({ options: { port: 6390 } }));
  });

  it.each([
    ['a malformed URL', 'redis://:s3cret@h:notaport'],
    ['an unknown query option', 'redis://:s3cret@h:1?colour=blue'],
    ['a sentinel URL without master name', 'redis+sentinel://:s3cret@h:26379'],
  ])('rejects %s with the same ConfigError, without the password', (_what, url) => {
    const direct = configErrorMessage(() => createClient(url));
    expect(configErrorMessage(() => validateRedisModuleOptions({ url }, 'same'))).toBe(`Redis connection 'same': ${direct}`);
    expect(direct).not.toContain('s3cret');
  });

  it('rejects an unknown topology and non-object options with the same ConfigError', () => {
    const topology = configErrorMessage(() => createClient({ topology: 'ring' } as never));
    expect(topology).toMatch(/^invalid option 'topology': expected one of standalone, sentinel, cluster, got "ring"/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ topology: 'ring' }, 'same'))).toBe(`Redis connection 'same': ${topology}`);
    expect(configErrorMessage(() => createClient(42 as never))).toMatch(/^invalid option 'options': expected an object, got 42/);
  });

  it.each([
    ['redis://user:s3cret@127.0.0.1:1/2?clientName=app&commandTimeout=900&lazyConnect=true', { clientName: 'app', commandTimeout: 900, db: 2 }],
    ['redis+sentinel://127.0.0.1:1,127.0.0.1:2/m/1?role=replica&sentinelPassword=sp&lazyConnect=true', { db: 1 }],
  ])('builds clients with the same pool options: %s', async (url, expected) => {
    const direct = createClient(url) as RedisClient;
    const connection = createRedisConnection(validateRedisModuleOptions({ url }, 'same'));
    try {
      expect(direct.pool.options).toMatchObject(expected);
      expect(plain(connection.pool?.options)).toEqual(plain(direct.pool.options));
    } finally {
      await direct.disconnect();
      await connection.close(1000);
    }
  });
});
