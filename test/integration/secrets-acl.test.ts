/**
 * ACL against the real requirepass + ACL server (6392): a write by the read-only user surfaces as
 * NoPermissionError naming the command; a wrong password is an AuthenticationError that does not echo it; a
 * connected client and a failed-auth error serialise (JSON.stringify, inspect, String, stack) without the password.
 */
import { inspect } from 'node:util';
import { RedisClient } from '../../lib/client/redis-client.js';
import { parseRedisUrl } from '../../lib/connection/parse-redis-url.js';
import { AuthenticationError, NoPermissionError, ResponseError } from '../../lib/errors/index.js';
import { requireTopology, STANDALONE_ACL } from '../support/topology.js';

const { host, port, users } = STANDALONE_ACL;
const clients: RedisClient[] = [];
function client(username: string, password: string): RedisClient {
  const c = new RedisClient({ host, port, username, password, lazyConnect: true, retry: false, commandTimeout: 5000 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  await requireTopology('standalone');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
});

describe('ACL failures are typed and name the command', () => {
  it('a write by the read-only user is NoPermissionError with command SET; reads still work', async () => {
    await client(users.app.username, users.app.password).set('redwire:acl:k', 'written-by-app');
    const reader = client(users.reader.username, users.reader.password);
    const failure = await reader.set('redwire:acl:k', 'v').then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(NoPermissionError);
    expect(failure).toBeInstanceOf(ResponseError);
    expect(failure).toMatchObject({ name: 'NoPermissionError', code: 'REDWIRE_ERR_NOPERM', command: 'SET', prefix: 'NOPERM' });
    expect((failure as Error).message).toMatch(/set/i);
    // The connection survives a permission error.
    await expect(reader.get('redwire:acl:k')).resolves.toBe('written-by-app');
  });

  it('NOPERM in a pipeline lands on the right entry only', async () => {
    const reader = client(users.reader.username, users.reader.password);
    const results = await reader.pipeline().get('redwire:acl:a').set('redwire:acl:a', '1').get('redwire:acl:b').exec();
    expect(results[0]![0]).toBeNull();
    expect(results[1]![0]).toBeInstanceOf(NoPermissionError);
    expect(results[1]![0]).toMatchObject({ command: 'SET' });
    expect(results[2]![0]).toBeNull();
  });

  it('a wrong password is an AuthenticationError that never echoes the password', async () => {
    const wrong = 'wrong-Secret-4242';
    const bad = client(users.app.username, wrong);
    const failure = await bad.ping().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthenticationError);
    const text = inspect(failure, { depth: Infinity }) + String((failure as Error).cause ?? '');
    expect(text).not.toContain(wrong);
    expect(inspect(bad, { depth: Infinity })).not.toContain(wrong);
  });
});

describe('serialising a connected client and a failed-auth error (JSON loggers, inspect)', () => {
  /** What a JSON logger, console.log and an error reporter would print. */
  function printed(value: unknown): string[] {
    const out = [JSON.stringify(value) ?? '', inspect(value, { depth: 10 }), inspect(value, { depth: Infinity, showHidden: true })];
    for (let e: unknown = value, i = 0; e instanceof Error && i < 10; e = e.cause, i++) out.push(String(e), e.stack ?? '', JSON.stringify(e));
    return out;
  }
  function expectAbsent(value: unknown, secret: string): void {
    for (const text of printed(value)) {
      for (const form of [secret, encodeURIComponent(secret)]) expect(text).not.toContain(form);
    }
  }

  it('a client connected with a password (options and URL) shows its endpoint, not the password', async () => {
    const { password } = users.app;
    const fromOptions = client(users.app.username, password);
    const fromUrl = new RedisClient({ ...parseRedisUrl(`redis://app:${encodeURIComponent(password)}@${host}:${port}`), lazyConnect: true });
    clients.push(fromUrl);
    await expect(fromOptions.ping()).resolves.toBe('PONG');
    await expect(fromUrl.set('redwire:secrets:json', '1')).resolves.toBe('OK');
    for (const c of [fromOptions, fromUrl]) {
      expectAbsent(c, password);
      expectAbsent({ level: 30, msg: 'redis ready', client: c }, password);
      expect(JSON.parse(JSON.stringify(c))).toMatchObject({ endpoint: `${host}:${port}`, closed: false });
      expect((JSON.parse(JSON.stringify(c)) as { pool: { total: number } }).pool.total).toBeGreaterThan(0);
    }
  });

  it('a refused password: the error, its cause and the client serialise without it', async () => {
    const wrong = 'wrong-Json-Secret-@4242';
    const bad = new RedisClient({
      ...parseRedisUrl(`redis://app:${encodeURIComponent(wrong)}@${host}:${port}`), lazyConnect: true, retry: false, commandTimeout: 5000,
    });
    clients.push(bad);
    const failure = await bad.ping().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect(JSON.parse(JSON.stringify(failure))).toMatchObject({ name: 'AuthenticationError', endpoint: `${host}:${port}` });
    expectAbsent(failure, wrong);
    expectAbsent({ level: 50, err: failure, client: bad }, wrong);
  });
});
