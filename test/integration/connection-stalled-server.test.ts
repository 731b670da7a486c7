/**
 * A server that stops answering while its socket stays open (SIGSTOP: the kernel still ACKs, so TCP keep-alive
 * never fires), with DEFAULT options: every command settles within its deadline, the socket is declared dead and
 * replaced, and the client recovers by itself once the server answers again. Runs its own redis-server (never the
 * shared topology: it is frozen on purpose).
 */
import { Connection } from '../../lib/connection/connection.js';
import { DEFAULT_CONNECTION_OPTIONS } from '../../lib/connection/connection-defaults.js';
import { createClient } from '../../lib/create-client.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { ConnectionError, ConnectionStalledError, TimeoutError } from '../../lib/errors/index.js';
import { OwnedRedis } from '../chaos/chaos-servers.js';
import { waitUntil } from '../support/wait-until.js';
import { freePort } from '../support/free-port.js';

const settle = <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> =>
  p.then((value) => ({ ok: true as const, value }), (error: Error) => ({ ok: false as const, error }));

let server: OwnedRedis;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  server = new OwnedRedis(await freePort());
  await server.start();
});

afterEach(async () => {
  server.signal('SIGCONT');
  for (const fn of cleanup.splice(0)) await fn();
});

afterAll(async () => {
  await server?.destroy();
});

function client(options: Record<string, unknown> = {}): RedisClient {
  const c = createClient({ host: '127.0.0.1', port: server.port, ...options }) as RedisClient;
  cleanup.push(() => c.disconnect().catch(() => undefined));
  return c;
}

describe('stalled server, default options', () => {
  it('ships a 5 s command deadline', () => {
    expect(DEFAULT_CONNECTION_OPTIONS.commandTimeout).toBe(5000);
  });

  it('a frozen server: in-flight and new commands settle with typed errors, the socket is declared dead, and the client recovers after SIGCONT', async () => {
    const redis = client();
    await redis.set('stall:k', 'v');
    const conn = redis.pool.sharedConnection() as Connection;
    const stalled: Error[] = [];
    conn.on('stalled', (error: Error) => stalled.push(error));

    server.signal('SIGSTOP');
    const started = Date.now();
    const first = settle(redis.get('stall:k'));
    const second = settle(redis.incr('stall:n'));
    const [a, b] = await Promise.all([first, second]);
    const elapsed = Date.now() - started;
    expect(a.ok || b.ok).toBe(false);
    expect(!a.ok && a.error).toBeInstanceOf(TimeoutError);
    // The other one timed out too, or (when the socket was declared dead first) failed with it, saying so.
    expect(!b.ok && b.error).toBeInstanceOf(ConnectionError);
    if (!b.ok && !(b.error instanceof TimeoutError)) expect((b.error as ConnectionError).cause).toBeInstanceOf(ConnectionStalledError);
    // Settled by the default deadline (5 s), not by anything later.
    expect(elapsed).toBeLessThan(5000 + 2000);
    await waitUntil('the stalled event', () => stalled.length > 0, 15_000, 20);
    expect(stalled[0]).toBeInstanceOf(ConnectionStalledError);

    // While the server is still frozen, a new command is not stuck behind the dead socket: it settles too.
    const third = await settle(redis.get('stall:k'));
    expect(!third.ok && third.error).toBeInstanceOf(ConnectionError);

    server.signal('SIGCONT');
    await waitUntil('the client answering again', async () => (await settle(redis.get('stall:k'))).ok, 15_000, 20);
    expect(await redis.get('stall:k')).toBe('v');
  });

  it('a BLPOP on a frozen server settles at its block time plus the default deadline, not when the server answers again', async () => {
    const redis = client();
    // A leased connection to reuse, so the BLPOP below is written at once (no handshake to wait for).
    expect(await redis.blpop(['stall:warm'], 0.01)).toBeNull();
    server.signal('SIGSTOP');
    const started = Date.now();
    const capped = await Promise.race([
      settle(redis.blpop(['stall:frozen'], 1)),
      new Promise<'still pending'>((resolve) => setTimeout(() => resolve('still pending'), 10_000)),
    ]);
    const elapsed = Date.now() - started;
    expect(capped !== 'still pending' && !capped.ok && capped.error).toBeInstanceOf(TimeoutError);
    expect((capped as unknown as { error: TimeoutError }).error.kind).toBe('command');
    // 1 s of block time + the 5 s default.
    expect(elapsed).toBeGreaterThanOrEqual(5900);
    expect(elapsed).toBeLessThan(6000 + 2000);
  });

  it('a blocking command is not cut short: BLPOP gets its block time plus the deadline, BLPOP 0 none', async () => {
    const redis = client({ commandTimeout: 300 });
    const started = Date.now();
    expect(await redis.blpop(['stall:empty'], 1)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const forever = settle(redis.blpop(['stall:forever'], 0));
    // Well past commandTimeout: still waiting, and its socket was not declared dead.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.rpush('stall:forever', 'x');
    const popped = await forever;
    expect(popped).toEqual({ ok: true, value: ['stall:forever', 'x'] });
  });
});

describe('quit() with a blocking command in flight', () => {
  it('a Connection returns promptly and fails the BLPOP 0 with ConnectionError', async () => {
    const conn = new Connection({ host: '127.0.0.1', port: server.port });
    await conn.connect();
    const blocked = settle(conn.sendCommand(['BLPOP', 'stall:quit', 0], { timeout: 0, blocking: true }));
    await waitUntil('BLPOP in flight', () => conn.inFlight === 1, 15_000, 20);
    const started = Date.now();
    await conn.disconnect();
    expect(Date.now() - started).toBeLessThan(1000);
    const result = await blocked;
    expect(!result.ok && result.error).toBeInstanceOf(ConnectionError);
  });

  it('a client (default options) returns promptly from quit() while BLPOP 0 waits on a leased connection', async () => {
    const redis = createClient({ host: '127.0.0.1', port: server.port }) as RedisClient;
    await redis.ping();
    const blocked = settle(redis.blpop(['stall:quit:client'], 0));
    await waitUntil('the lease in use', () => redis.pool.stats().leased === 1, 15_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await redis.quit();
    expect(Date.now() - started).toBeLessThan(1000);
    const result = await blocked;
    expect(!result.ok && result.error).toBeInstanceOf(ConnectionError);
  });

  it('a non-blocking command in flight is still waited for', async () => {
    const conn = new Connection({ host: '127.0.0.1', port: server.port });
    await conn.connect();
    const slow = conn.sendCommand(['DEBUG', 'SLEEP', '0.3']);
    await conn.disconnect();
    await expect(slow).resolves.toBe('OK');
  });
});
