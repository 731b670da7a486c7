import { inspect } from 'node:util';
import { ConfigError } from '../../lib/errors/index.js';
import { parseRedisUrl, redactRedisUrl } from '../../lib/connection/parse-redis-url.js';

function configError(url: string): ConfigError {
  try {
    parseRedisUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${url} to be rejected`);
}

describe('parseRedisUrl', () => {
  it('parses host, port, db and credentials with percent-decoding', () => {
    expect(parseRedisUrl('redis://al%40ice:p%3Ass%2Fw@cache.example.com:6380/4')).toEqual({
      topology: 'standalone',
      username: 'al@ice',
      password: 'p:ss/w',
      host: 'cache.example.com',
      port: 6380,
      db: 4,
    });
  });

  it('defaults the port and accepts a password without user', () => {
    expect(parseRedisUrl('redis://:secret@localhost')).toEqual({ topology: 'standalone', password: 'secret', host: 'localhost', port: 6379 });
    expect(parseRedisUrl('redis://localhost/')).toEqual({ topology: 'standalone', host: 'localhost', port: 6379 });
  });

  it('takes userinfo up to the last @, so an unencoded / or @ in a password works', () => {
    expect(parseRedisUrl('redis://u:a/b@c@h:1').password).toBe('a/b@c');
  });

  it('parses IPv6 literals in brackets', () => {
    expect(parseRedisUrl('redis://[::1]:6390')).toMatchObject({ host: '::1', port: 6390 });
    expect(parseRedisUrl('rediss://[fe80::1]')).toMatchObject({ host: 'fe80::1', port: 6379, tls: true });
  });

  it('turns rediss:// into tls and accepts TLS query options', () => {
    expect(parseRedisUrl('rediss://h:6391?servername=redis.internal&rejectUnauthorized=false')).toMatchObject({
      tls: { servername: 'redis.internal', rejectUnauthorized: false },
    });
  });

  it('parses typed query options', () => {
    expect(
      parseRedisUrl(
        'redis://h?protocol=2&clientName=api&connectTimeout=500&commandTimeout=250&keepAlive=false&noDelay=false' +
          '&maxQueued=10&healthCheckInterval=1000&db=3&lazyConnect=true',
      ),
    ).toEqual({
      topology: 'standalone',
      host: 'h',
      port: 6379,
      protocol: 2,
      clientName: 'api',
      connectTimeout: 500,
      commandTimeout: 250,
      keepAlive: false,
      noDelay: false,
      maxQueued: 10,
      healthCheckInterval: 1000,
      db: 3,
      lazyConnect: true,
    });
    expect(parseRedisUrl('redis://h?keepAlive=1500').keepAlive).toBe(1500);
  });

  it('parses unix socket URLs', () => {
    expect(parseRedisUrl('unix:///tmp/redis%20x.sock?db=2')).toEqual({ topology: 'standalone', path: '/tmp/redis x.sock', db: 2 });
    expect(parseRedisUrl('unix://user:pw@/run/redis.sock')).toEqual({
      topology: 'standalone',
      username: 'user',
      password: 'pw',
      path: '/run/redis.sock',
    });
  });

  it('parses redis+sentinel URLs', () => {
    expect(parseRedisUrl('redis+sentinel://u:p@h1:26400,h2,[::1]:26402/redwire-primary/2?role=replica&sentinelPassword=sp')).toEqual({
      topology: 'sentinel',
      username: 'u',
      password: 'p',
      sentinels: [
        { host: 'h1', port: 26400 },
        { host: 'h2', port: 26379 },
        { host: '::1', port: 26402 },
      ],
      masterName: 'redwire-primary',
      db: 2,
      role: 'replica',
      sentinelPassword: 'sp',
    });
    expect(parseRedisUrl('redis+sentinel://h1/m').role).toBe('master');
  });

  it('parses redis+cluster URLs', () => {
    expect(parseRedisUrl('redis+cluster://h1:7000,h2:7001')).toEqual({
      topology: 'cluster',
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 7001 },
      ],
    });
    expect(parseRedisUrl('rediss+cluster://h1').tls).toBe(true);
  });

  it.each([
    ['http://h', /unknown scheme 'http:'/],
    ['localhost:6379', /no scheme/],
    ['redis://h:99999', /port '99999'/],
    ['redis://h:abc', /'h' port \(3 characters, not all digits\)/],
    ['redis://h:', /port after 'h:' is empty/],
    ['redis://h/x', /database in the path 'x'/],
    ['redis://h/1/2', /unexpected path/],
    ['redis://h?bogus=1', /unknown query option 'bogus'/],
    ['redis://h?protocol=4', /'protocol' must be 2 or 3/],
    ['redis://h?db=1&db=2', /given twice/],
    ['redis://h/1?db=2', /both in the path and as \?db=/],
    ['redis://h?connectTimeout=-1', /'connectTimeout' must be a number/],
    ['redis://h?noDelay=maybe', /'noDelay' must be true or false/],
    ['redis://h?role=replica', /only applies to redis\+sentinel/],
    ['redis://h?servername=x', /needs a TLS scheme/],
    ['redis://[::1', /no closing '\]'/],
    ['redis://::1:6379', /write IPv6 addresses in brackets/],
    ['redis://h1,h2', /need redis\+sentinel/],
    ['redis+sentinel://h1:26379', /master name is missing/],
    ['redis+cluster://h1/0', /unexpected path/],
    ['unix://relative.sock', /must be absolute/],
    ['redis://', /host is empty/],
    ['redis://h#frag', /fragment/],
    ['redis://h?%zz=1', /malformed percent-encoding/],
  ])('rejects %s naming the part', (url, message) => {
    expect(configError(url).message).toMatch(message);
  });

  it('never echoes the password in errors', () => {
    const secret = 'hunter2-secret';
    for (const url of [
      `redis://u:${secret}@h:bad`,
      `redis://u:${secret}@h?bogus=1`,
      `redis://h?password=${secret}&x=1`,
      `redis://u:${secret}%zz@h`,
      `redis+sentinel://u:${secret}@h1`,
      `redis://h?sentinelPassword=${secret}`,
    ]) {
      const error = configError(url);
      expect(error.message).not.toContain(secret);
      expect(inspect(error)).not.toContain(secret);
    }
  });

  it('redacts passwords in URLs for messages', () => {
    expect(redactRedisUrl('redis://u:pw@h:1/0?password=x&db=1')).toBe('redis://u:***@h:1/0?password=***&db=1');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
  });
});
