/**
 * Secrets never leak: passwords and tokens are absent from error messages (and their causes), events, the
 * diagnostics channels, health details, URL echoes, and `util.inspect` and `JSON.stringify` (what JSON loggers such
 * as pino call) of every public object. Each test collects everything a user could print and searches it for the
 * secret and its encoded/decoded forms. Uses a scripted loopback server (no Redis needed).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { Connection } from '../../lib/connection/connection.js';
import { parseRedisUrl } from '../../lib/connection/parse-redis-url.js';
import { ConnectionPool } from '../../lib/pool/connection-pool.js';
import { RedisClient } from '../../lib/client/redis-client.js';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { Sentinel } from '../../lib/sentinel/sentinel.js';
import { createClient } from '../../lib/create-client.js';
import { AuthenticationError, ConfigError, RedisError } from '../../lib/errors/index.js';
import { standaloneRedisConnection } from '../../lib/nest/standalone-redis-connection.js';
import { checkRedisHealth } from '../../lib/nest/health/check-redis-health.js';
import type { RedisConnectionEvent } from '../../lib/nest/redis-connection.js';
import { validateRedisModuleOptions } from '../../lib/nest/validate-redis-module-options.js';
import { REDACTED, redactOnSerialise, redactSecrets } from '../../lib/connection/redact-secrets.js';
import { defaultHandshake } from '../support/fake-redis-server.js';
import { cleanupAfterEach, fakeServerPerTest } from '../support/test-cleanup.js';

const SECRET = 'Sup3r-s3cret-PW';
const TOKEN = 'tok_9f8e7d6c5b4a';
const SENTINEL_SECRET = 'sentinel-Only-PW';
const SECRETS = [SECRET, TOKEN, SENTINEL_SECRET, encodeURIComponent(SECRET)];

/** Everything a user could print about `value`: inspect at full depth, with hidden fields, and its string forms. */
function printable(value: unknown): string {
  const parts = [inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  for (let e: unknown = value, i = 0; e instanceof Error && i < 10; e = (e as Error).cause, i++) {
    parts.push(String(e), e.message, e.stack ?? '');
  }
  return parts.join('\n');
}

function expectNoSecret(value: unknown, where: string): void {
  const text = printable(value);
  for (const secret of SECRETS) {
    if (text.includes(secret)) throw new Error(`${where} shows a secret:\n${text.slice(0, 2000)}`);
  }
}

const defer = cleanupAfterEach();
const server = fakeServerPerTest(defer);

/** A server that refuses every credential the way Redis 7 does. */
function refusingAuth(args: string[], peer: { write(d: string): void }): void {
  if (args[0] === 'HELLO' && args.includes('AUTH')) peer.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
  else if (args[0] === 'HELLO') peer.write('-NOAUTH HELLO must be called with the client already authenticated\r\n');
  else if (args[0] === 'AUTH') peer.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
  else peer.write('-NOAUTH Authentication required.\r\n');
}

describe('util.inspect of public objects never shows credentials', () => {
  it('Connection, ConnectionPool and their options', async () => {
    const conn = new Connection({ host: '127.0.0.1', port: 1, username: 'u', password: SECRET, lazyConnect: true });
    defer(() => conn.destroy());
    expectNoSecret(conn, 'inspect(Connection)');
    const pool = new ConnectionPool({ host: '127.0.0.1', port: 1, password: SECRET, username: TOKEN });
    defer(() => pool.disconnect({ graceful: false }));
    expectNoSecret(pool, 'inspect(ConnectionPool)');
    expectNoSecret(pool.options, 'inspect(pool.options)');
    expectNoSecret(pool.endpointLabel, 'pool.endpointLabel');
  });

  it('RedisClient from options and from a URL with credentials', async () => {
    const a = new RedisClient({ port: 1, password: SECRET, lazyConnect: true });
    const b = createClient(`redis://user:${encodeURIComponent(SECRET)}@127.0.0.1:1/0`, { lazyConnect: true });
    const c = createClient({ port: 1, credentialProvider: () => ({ username: 'u', password: TOKEN }), lazyConnect: true });
    for (const client of [a, b, c]) defer(() => client.disconnect());
    expectNoSecret(a, 'inspect(RedisClient)');
    expectNoSecret(b, 'inspect(createClient(url))');
    expectNoSecret(c, 'inspect(RedisClient with credentialProvider)');
    expectNoSecret((b as RedisClient).pool.options, 'inspect(client.pool.options)');
  });

  it('Sentinel and a Sentinel-backed client', async () => {
    const sentinel = new Sentinel({
      sentinels: [{ host: '127.0.0.1', port: 1 }],
      password: SECRET,
      sentinelOptions: { password: SENTINEL_SECRET },
      lazyConnect: true,
      watchFailover: false,
    });
    defer(() => sentinel.close());
    expectNoSecret(sentinel, 'inspect(Sentinel)');
    const pool = sentinel.masterPool('mymaster');
    expectNoSecret(pool, 'inspect(Sentinel master pool)');
    const url = `redis+sentinel://u:${encodeURIComponent(SECRET)}@127.0.0.1:1/mymaster?sentinelPassword=${SENTINEL_SECRET}`;
    const client = createClient(url, { lazyConnect: true });
    defer(() => client.disconnect());
    expectNoSecret(client, 'inspect(sentinel client)');
  });

  it('ClusterClient and its nodes manager', async () => {
    const cluster = new ClusterClient({ nodes: [{ host: '127.0.0.1', port: 1 }], password: SECRET, lazyConnect: true });
    defer(() => cluster.disconnect());
    expectNoSecret(cluster, 'inspect(ClusterClient)');
    expectNoSecret(cluster.nodesManager, 'inspect(NodesManager)');
  });
});

describe('errors never echo credentials', () => {
  it('invalid URLs are ConfigErrors that mask the password', () => {
    const bad = [
      `redis://user:${SECRET}@127.0.0.1:99999`,
      `redis://user:${SECRET}@127.0.0.1:6379/notadb`,
      `redis+sentinel://u:${SECRET}@127.0.0.1:1/?sentinelPassword=${SENTINEL_SECRET}`,
      `redis://:${SECRET}@[::1`,
      `bogus://:${SECRET}@host`,
    ];
    for (const url of bad) {
      let caught: unknown;
      try {
        parseRedisUrl(url);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expectNoSecret(caught, `parseRedisUrl(${url.replace(SECRET, '<secret>')}) error`);
    }
  });

  it('a refused password is an AuthenticationError without the password, on the command and in events', async () => {
    const s = await server(refusingAuth);
    const client = new RedisClient({ host: s.host, port: s.port, username: 'app', password: SECRET, lazyConnect: true, retry: false, connectTimeout: 2000 });
    defer(() => client.disconnect());
    const events: unknown[] = [];
    for (const name of ['error', 'reconnecting', 'end', 'close', 'ready', 'connect']) {
      client.on(name, (...args: never[]) => events.push({ name, args }));
    }
    const failure = await client.get('k').then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(RedisError);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expectNoSecret(failure, 'AuthenticationError');
    expectNoSecret(events, 'client events');
    // The server did receive it (so the test would see a leak of the real value).
    expect(s.clients.some((p) => p.commands.some((c) => c.includes(SECRET)))).toBe(true);
  });

  it('a refused token from a credentialProvider is not echoed (RESP2 path too)', async () => {
    const s = await server(refusingAuth);
    const conn = new Connection({
      host: s.host, port: s.port, protocol: 2, lazyConnect: true, retry: false,
      credentialProvider: () => ({ username: 'svc', password: TOKEN }),
    });
    defer(() => conn.destroy());
    const errors: unknown[] = [];
    conn.on('error', (e: unknown) => errors.push(e));
    const failure = await conn.connect().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expectNoSecret(failure, 'credentialProvider failure');
    expectNoSecret(errors, 'connection error events');
  });

  it('a connection refused to a URL with credentials shows host:port only', async () => {
    const client = createClient(`redis://user:${encodeURIComponent(SECRET)}@127.0.0.1:1`, { lazyConnect: true, retry: false, connectTimeout: 1000 });
    defer(() => client.disconnect());
    const failure = await client.get('k').then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(RedisError);
    expect((failure as Error).message).toContain('127.0.0.1:1');
    expectNoSecret(failure, 'connection refused error');
  });
});

describe('diagnostics channels redact secret arguments', () => {
  it('redwire:command and redwire:connect never carry a password', async () => {
    const seen: unknown[] = [];
    const collect = (message: unknown): void => {
      seen.push(printable(message));
    };
    const channels = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'].flatMap((kind) => [
      diagnosticsChannel.channel(`tracing:redwire:command:${kind}`),
      diagnosticsChannel.channel(`tracing:redwire:connect:${kind}`),
    ]);
    for (const ch of channels) ch.subscribe(collect);
    defer(() => {
      for (const ch of channels) ch.unsubscribe(collect);
    });
    const s = await server((args, peer) => {
      // The user's own HELLO (it names a client) gets +OK; the handshake's HELLO falls back to RESP2.
      if (args[0] === 'HELLO' && args.includes('SETNAME')) peer.write('+OK\r\n');
      else if (!defaultHandshake(args, peer)) peer.write('+OK\r\n');
    });
    const conn = new Connection({ host: s.host, port: s.port, password: SECRET, lazyConnect: true });
    defer(() => conn.destroy());
    // On one connection of its own: the pool refuses connection-state commands on shared connections.
    const call = (...args: string[]): Promise<unknown> => conn.sendCommand(args);
    await call('AUTH', SECRET);
    await call('AUTH', 'user', SECRET);
    await call('HELLO', '3', 'AUTH', 'user', SECRET, 'SETNAME', 'n');
    await call('CONFIG', 'SET', 'requirepass', SECRET);
    await call('CONFIG', 'SET', 'masterauth', SECRET, 'maxmemory', '0');
    await call('ACL', 'SETUSER', 'bob', 'on', `>${SECRET}`, '~*', '+@all');
    await call('MIGRATE', '127.0.0.1', '1', '', '0', '1000', 'AUTH', SECRET, 'KEYS', 'a');
    await call('MIGRATE', '127.0.0.1', '1', '', '0', '1000', 'AUTH2', 'user', SECRET, 'KEYS', 'a');
    // The command channel saw the commands (so the search is meaningful) and no secret.
    expect(seen.join('\n')).toMatch(/MIGRATE/);
    expect(seen.length).toBeGreaterThan(8);
    expectNoSecret(seen, 'diagnostics channel messages');
  });
});

describe('the Nest connection: health details and log events', () => {
  it('a failing health check and the logged events show no credentials', async () => {
    const s = await server(refusingAuth);
    const connection = standaloneRedisConnection('default', { host: s.host, port: s.port, password: SECRET, retry: false });
    defer(() => connection.close(500));
    const logged: RedisConnectionEvent[] = [];
    connection.onEvent?.((event) => logged.push(event));
    await connection.connect().catch(() => undefined);
    const report = await checkRedisHealth(connection, { timeout: 1000 });
    expect(report.healthy).toBe(false);
    expectNoSecret(report, 'health report');
    expectNoSecret(connection.label, 'connection label');
    expectNoSecret(logged, 'logged connection events');
  });
});

// ---- every serialisation: JSON.stringify (pino, Nest's JSON logger), util.inspect, String/stack of errors ------------

/** The secret, and the forms it can take in a URL or after decoding (plus long pieces around '@', '?', ...). */
function variants(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret)]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    // not decodable: nothing to add
  }
  for (const piece of secret.split(/[@?#/:%&=]/)) if (piece.length >= 5) forms.add(piece);
  return [...forms];
}

/** JSON.stringify, util.inspect (depth 10 and everything), and for errors String, stack and the cause chain. */
function serialisations(value: unknown): string[] {
  const out = [JSON.stringify(value) ?? '', inspect(value, { depth: 10 }), inspect(value, { depth: Infinity, showHidden: true })];
  for (let e: unknown = value, i = 0; e instanceof Error && i < 10; e = e.cause, i++) out.push(String(e), e.stack ?? '', JSON.stringify(e));
  return out;
}

function expectHidden(value: unknown, secrets: readonly string[], where: string): void {
  const texts = serialisations(value);
  for (const secret of secrets.flatMap(variants)) {
    const leak = texts.find((t) => t.includes(secret));
    if (leak !== undefined) throw new Error(`${where} shows '${secret}':\n${leak.slice(0, 1500)}`);
  }
}

const AT_SECRET = 'Sup3r@s3cret/pw!x';
const TLS_KEY = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkq';
const TLS_PASSPHRASE = 'tls-Passphrase-77';
const PFX = Buffer.from('pfx-Binary-Bundle-99');
/** How a Buffer holding `text` prints: JSON's byte list and inspect's hex bytes. */
function bufferForms(text: string): string[] {
  const bytes = [...Buffer.from(text).subarray(0, 16)];
  return [bytes.join(','), bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')];
}
const ALL = [
  SECRET, TOKEN, SENTINEL_SECRET, AT_SECRET, TLS_KEY, TLS_PASSPHRASE, PFX.toString(), PFX.toString('base64'),
  ...bufferForms(TLS_KEY), ...bufferForms(PFX.toString()),
];
const TLS = { key: TLS_KEY, passphrase: TLS_PASSPHRASE, pfx: PFX, servername: 'cache.example.com', rejectUnauthorized: true };

describe('JSON.stringify and util.inspect of every public object hide secrets', () => {
  const objects: [string, () => object][] = [
    ['RedisClient from options (password, TLS key/passphrase/pfx)', () =>
      new RedisClient({ port: 1, username: 'app', password: SECRET, tls: TLS, lazyConnect: true })],
    ['RedisClient with a credentialProvider', () =>
      new RedisClient({ port: 1, credentialProvider: () => ({ username: 'svc', password: TOKEN }), lazyConnect: true })],
    ['createClient(url) with an unencoded @ in the password', () =>
      createClient(`redis://u:${AT_SECRET}@127.0.0.1:1/0`, { lazyConnect: true })],
    ['createClient(sentinel url) with both passwords', () =>
      createClient(`redis+sentinel://u:${encodeURIComponent(SECRET)}@127.0.0.1:1/m?sentinelPassword=${SENTINEL_SECRET}`, { lazyConnect: true })],
    ['Connection', () => {
      const conn = new Connection({ host: '127.0.0.1', port: 1, password: SECRET, tls: TLS, lazyConnect: true });
      defer(() => conn.destroy());
      return conn;
    }],
    ['ConnectionPool and its options', () => {
      const pool = new ConnectionPool({ host: '127.0.0.1', port: 1, password: SECRET, tls: TLS, credentialProvider: () => ({ password: TOKEN }) });
      defer(() => pool.disconnect({ graceful: false }));
      return { pool, options: pool.options };
    }],
    ['a Sentinel master pool and its options', () => {
      const sentinel = new Sentinel({ sentinels: [{ host: '127.0.0.1', port: 1 }], password: SECRET, lazyConnect: true, watchFailover: false });
      defer(() => sentinel.close());
      const pool = sentinel.masterPool('m', { password: TOKEN });
      defer(() => pool.disconnect({ graceful: false }));
      return { pool, options: pool.options };
    }],
    ['ClusterClient', () =>
      new ClusterClient({ nodes: [{ host: '127.0.0.1', port: 1 }], password: SECRET, tls: TLS, lazyConnect: true })],
    ['ClusterClient.nodesManager', () => {
      const cluster = new ClusterClient({ nodes: [{ host: '127.0.0.1', port: 1 }], password: SECRET, lazyConnect: true });
      defer(() => cluster.disconnect());
      return cluster.nodesManager;
    }],
    ['Sentinel (data and sentinel passwords)', () => new Sentinel({
      sentinels: [{ host: '127.0.0.1', port: 1 }], password: SECRET, tls: TLS,
      sentinelOptions: { password: SENTINEL_SECRET }, lazyConnect: true, watchFailover: false,
    })],
    ['a client from Sentinel.master()', () => {
      const sentinel = new Sentinel({ sentinels: [{ host: '127.0.0.1', port: 1 }], password: SECRET, lazyConnect: true, watchFailover: false });
      defer(() => sentinel.close());
      return sentinel.master('m', { password: TOKEN });
    }],
    ['parseRedisUrl() of a standalone URL', () => parseRedisUrl(`redis://u:${encodeURIComponent(AT_SECRET)}@127.0.0.1:1/0`)],
    ['parseRedisUrl() of a sentinel URL with both passwords', () =>
      parseRedisUrl(`redis+sentinel://u:${encodeURIComponent(SECRET)}@127.0.0.1:1/m?sentinelPassword=${SENTINEL_SECRET}`)],
    ['Nest resolved module options (url, options, tls)', () => validateRedisModuleOptions({
      url: `redis://u:${encodeURIComponent(AT_SECRET)}@127.0.0.1:1`,
      options: { password: SECRET, tls: TLS, credentialProvider: () => ({ password: TOKEN }) },
    }, 'default')],
    ['Nest resolved module options (sentinel url)', () => validateRedisModuleOptions({
      url: `redis+sentinel://u:${encodeURIComponent(SECRET)}@127.0.0.1:1/m?sentinelPassword=${SENTINEL_SECRET}`,
    }, 'default')],
  ];

  it.each(objects)('%s', async (_label, build) => {
    const value = build();
    if ('disconnect' in value && typeof value.disconnect === 'function') defer(() => (value as RedisClient).disconnect());
    if (value instanceof Sentinel) defer(() => value.close());
    expectHidden(value, ALL, 'it');
    // Also as a field of a log record, the way loggers receive it.
    expectHidden({ msg: 'redis', client: value }, ALL, 'a log record holding it');
  });

  it('the summaries still say what the object is (endpoint, state)', async () => {
    const client = new RedisClient({ host: '127.0.0.1', port: 1, password: SECRET, lazyConnect: true });
    defer(() => client.disconnect());
    expect(JSON.parse(JSON.stringify(client))).toMatchObject({ endpoint: '127.0.0.1:1', closed: false, pool: { total: 0 } });
    expect(inspect(client)).toMatch(/^RedisClient \{\s+endpoint: '127\.0\.0\.1:1'/);
    const sentinel = new Sentinel({ sentinels: [{ host: '127.0.0.1', port: 26999 }], lazyConnect: true, watchFailover: false });
    defer(() => sentinel.close());
    expect(JSON.parse(JSON.stringify(sentinel))).toEqual({ sentinels: ['127.0.0.1:26999'], masters: [], closed: false });
  });
});

describe('redactSecrets: the one redaction behind every toJSON and [inspect.custom]', () => {
  const table: [string, unknown][] = [
    ['top-level password and sentinelPassword', { password: SECRET, sentinelPassword: SENTINEL_SECRET, host: 'h' }],
    ['nested sentinelOptions.password', { sentinelOptions: { password: SENTINEL_SECRET, username: 'sentinel-user' } }],
    ['a token field', { accessToken: TOKEN, auth: { token: TOKEN } }],
    ['credentialProvider', { credentialProvider: () => ({ password: TOKEN }) }],
    ['TLS key, passphrase and pfx (string and Buffer)', { tls: TLS }],
    ['TLS inside an array of node options', { nodes: [{ host: 'a', port: 1, tls: { key: Buffer.from(TLS_KEY) } }] }],
    ['a URL string', { url: `redis://u:${AT_SECRET}@h:1?password=${TOKEN}` }],
    ['a URL object', { url: new URL(`redis://u:${encodeURIComponent(SECRET)}@h:1`) }],
    ['a percent-encoded password key in a query', { url: `redis://h:1?pass%77ord=${TOKEN}` }],
    ['a class instance holding options', { holder: new (class Holder { options = { password: SECRET }; })() }],
  ];

  it.each(table)('%s', (_label, value) => {
    expectHidden(redactSecrets(value), ALL, 'redactSecrets(value)');
    const target = redactOnSerialise({ ...(value as object) }, 'Options');
    expectHidden(target, ALL, 'redactOnSerialise(value)');
  });

  it('keeps what is not secret, marks what is, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { host: 'h', port: 1, username: 'app', password: SECRET, tls: TLS };
    cyclic.self = cyclic;
    const shown = redactSecrets(cyclic) as Record<string, unknown>;
    expect(shown).toMatchObject({ host: 'h', port: 1, username: 'app', password: REDACTED, self: '[Circular]' });
    expect(shown.tls).toEqual({ key: REDACTED, passphrase: REDACTED, pfx: REDACTED, servername: 'cache.example.com', rejectUnauthorized: true });
    expect(redactSecrets({ url: 'redis://u:pw@h:1/0' })).toEqual({ url: 'redis://u:***@h:1/0' });
    expect(redactSecrets({ credentialProvider: () => ({ password: TOKEN }) })).toEqual({ credentialProvider: REDACTED });
    // The original is untouched, and spreading a redacted object does not copy its toJSON/inspect.
    expect(cyclic.password).toBe(SECRET);
    const target = redactOnSerialise({ password: SECRET }, 'X');
    expect(JSON.stringify(target)).toBe(`{"password":"${REDACTED}"}`);
    expect(inspect(target)).toBe(`X { password: '${REDACTED}' }`);
    expect({ ...target }.password).toBe(SECRET);
  });
});
