import { inspect } from 'node:util';
import { AbortError, ConfigError, ConnectionError, PoolExhaustedError } from '../../lib/errors/index.js';
import { BlockingConnectionPool, ConnectionPool } from '../../lib/pool/index.js';
import { FakeConnection, fakeFactory } from './pool-fake-connection.js';
import { waitUntil } from '../support/wait-until.js';

const pools: ConnectionPool[] = [];
function make<P extends ConnectionPool>(Cls: new (o: object) => P, options: object = {}): P {
  const pool = new Cls({ connectionFactory: fakeFactory, ...options });
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.disconnect({ graceful: false })));
  FakeConnection.created = [];
});

describe('ConnectionPool leasing', () => {
  test('acquire at maxConnections fails at once with PoolExhaustedError naming the limit and the fix', async () => {
    const pool = make(ConnectionPool, { maxConnections: 2 });
    await pool.acquire();
    await pool.acquire();
    const error = await pool.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolExhaustedError);
    expect((error as Error).message).toMatch(/all 2 connections/);
    expect((error as Error).message).toMatch(/BlockingConnectionPool/);
  });

  test('a released healthy connection is reused; one on another db or with subscriptions is RESET first (closed when that fails); one with unread replies is closed', async () => {
    const pool = make(ConnectionPool, { maxConnections: 4 });
    const a = (await pool.acquire()) as FakeConnection;
    pool.release(a);
    expect(await pool.acquire()).toBe(a);
    a.db = 3;
    pool.release(a);
    // The fake answers RESET with +OK, not +RESET: the reset fails and the connection is closed.
    expect(a.sent.at(-1)).toEqual(['RESET']);
    expect(pool.stats()).toMatchObject({ pending: 1, idle: 0 });
    await waitUntil('the first connection to be destroyed', () => a.destroyed, 2000, 1);

    const b = (await pool.acquire()) as FakeConnection;
    b.subscriptions = 1;
    pool.release(b);
    expect(b.sent.at(-1)).toEqual(['RESET']);
    await waitUntil('the second connection to be destroyed', () => b.destroyed, 2000, 1);
    expect(pool.stats()).toMatchObject({ pending: 0 });

    const c = (await pool.acquire()) as FakeConnection;
    c.hold = true;
    void c.sendCommand(['GET', 'k']).catch(() => undefined);
    pool.release(c);
    expect(c.destroyed).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 0, leased: 0 });
  });

  test('a connection whose socket dropped during the lease is not reused even after it reconnected', async () => {
    const pool = make(ConnectionPool);
    const conn = (await pool.acquire()) as FakeConnection;
    conn.bounce();
    expect(conn.status).toBe('ready');
    pool.release(conn);
    expect(conn.destroyed).toBe(true);
    expect(await pool.acquire()).not.toBe(conn);
  });

  test('withConnection releases when the callback throws', async () => {
    const pool = make(ConnectionPool, { maxConnections: 1 });
    await expect(pool.withConnection(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(pool.stats().leased).toBe(0);
    await expect(pool.withConnection(async () => 'ok')).resolves.toBe('ok');
  });

  test('an idle connection past healthCheckInterval is PINGed before it is handed out', async () => {
    const pool = make(ConnectionPool, { healthCheckInterval: 10 });
    const conn = (await pool.acquire()) as FakeConnection;
    pool.release(conn);
    conn.lastActivity = Date.now() - 1000;
    expect(await pool.acquire()).toBe(conn);
    expect(conn.sent).toEqual([['PING']]);
  });

  test('idle connections beyond minIdle are closed after idleTimeout', async () => {
    const pool = make(ConnectionPool, { idleTimeout: 20, minIdle: 1 });
    await pool.connect();
    const conns = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const c of conns) pool.release(c);
    expect(pool.stats().idle).toBe(3);
    await waitUntil('idle connections beyond minIdle to close', () => pool.stats().idle <= 1, 2000);
    expect(pool.stats().idle).toBe(1);
  });

  test('sendCommand uses the shared connection with the fewest commands in flight', async () => {
    const pool = make(ConnectionPool, { sharedConnections: 2 });
    await pool.connect();
    const [s1, s2] = FakeConnection.created as [FakeConnection, FakeConnection];
    s1.hold = true;
    s2.hold = true;
    void pool.sendCommand(['GET', 'a']);
    void pool.sendCommand(['GET', 'b']);
    void pool.sendCommand(['GET', 'c']);
    expect(s1.sent.length + s2.sent.length).toBe(3);
    expect(Math.abs(s1.sent.length - s2.sent.length)).toBe(1);
    expect(pool.stats().sharedInFlight).toBe(3);
    s1.flush();
    s2.flush();
  });

  test('disconnect waits for leases, then every call fails with "pool is closed"', async () => {
    const pool = make(ConnectionPool);
    const conn = await pool.acquire();
    let closed = false;
    const closing = pool.disconnect({ timeout: 5000 }).then(() => (closed = true));
    await expect(pool.sendCommand(['GET', 'k'])).rejects.toThrow(/pool is closed/);
    await Promise.resolve();
    expect(closed).toBe(false);
    pool.release(conn);
    await closing;
    await expect(pool.acquire()).rejects.toBeInstanceOf(ConnectionError);
    await expect(pool.acquire()).rejects.toThrow(/pool is closed.*create a new one/);
  });

  test('reconnectAll drops idle connections, reconnects shared ones and retires leased ones on release', async () => {
    const pool = make(ConnectionPool);
    await pool.connect();
    const [shared] = FakeConnection.created as [FakeConnection];
    const idle = (await pool.acquire()) as FakeConnection;
    const leased = (await pool.acquire()) as FakeConnection;
    pool.release(idle);
    const readies: string[] = [];
    pool.on('ready', (info: { role: string }) => readies.push(info.role));
    pool.reconnectAll(new Error('failover'));
    expect(idle.destroyed).toBe(true);
    expect(shared.destroyed).toBe(false);
    expect(readies).toContain('shared');
    pool.release(leased);
    expect(leased.destroyed).toBe(true);
    expect(pool.stats()).toMatchObject({ shared: 1, idle: 0, leased: 0 });
  });

  test('connection errors reach pool listeners, and are not thrown when nobody listens', async () => {
    const pool = make(ConnectionPool);
    await pool.connect();
    const [shared] = FakeConnection.created as [FakeConnection];
    expect(() => shared.emit('error', new ConnectionError('socket broke'))).not.toThrow();
    const seen: Error[] = [];
    pool.on('error', (e: Error) => seen.push(e));
    shared.emit('error', new ConnectionError('socket broke again'));
    expect(seen.map((e) => e.message)).toEqual(['socket broke again']);
  });

  test('a forced disconnect during a graceful one closes leased connections now', async () => {
    const pool = make(ConnectionPool);
    const conn = (await pool.acquire()) as FakeConnection;
    const graceful = pool.disconnect({ timeout: 60_000 });
    await pool.disconnect({ graceful: false });
    await graceful;
    expect(conn.destroyed).toBe(true);
    expect(pool.stats().total).toBe(0);
  });

  test('inspect shows endpoint and stats, never the password', () => {
    const pool = make(ConnectionPool, { password: 'hunter2-secret', username: 'app' });
    expect(inspect(pool)).toContain('127.0.0.1:6379');
    expect(inspect(pool)).not.toContain('hunter2');
    expect(inspect(pool.options)).not.toContain('hunter2');
    expect(pool.options.password).toBe('hunter2-secret');
  });

  test('invalid pool options fail with ConfigError naming the field', () => {
    expect(() => new ConnectionPool({ maxConnections: 0 })).toThrow(ConfigError);
    expect(() => new ConnectionPool({ minIdle: 5, maxConnections: 2 })).toThrow(/minIdle/);
  });

  test('fromUrl reads the URL and rejects sentinel/cluster URLs', () => {
    const pool = ConnectionPool.fromUrl('redis://:pw@10.0.0.1:6390/2', { connectionFactory: fakeFactory });
    pools.push(pool);
    expect(pool.endpointLabel).toBe('10.0.0.1:6390');
    expect(pool.options.db).toBe(2);
    expect(() => ConnectionPool.fromUrl('redis+sentinel://h:26379/mymaster')).toThrow(/createClient/);
    const blocking = BlockingConnectionPool.fromUrl('redis://h:1', { connectionFactory: fakeFactory });
    pools.push(blocking);
    expect(blocking).toBeInstanceOf(BlockingConnectionPool);
  });
});

describe('BlockingConnectionPool waiting', () => {
  test('waiters are served in FIFO order as connections come back', async () => {
    const pool = make(BlockingConnectionPool, { maxConnections: 1 });
    const first = await pool.acquire();
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) =>
      pool.acquire().then((c) => {
        order.push(n);
        pool.release(c);
      }),
    );
    expect(pool.stats().waiters).toBe(3);
    pool.release(first);
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
    expect(pool.stats()).toMatchObject({ leased: 0, waiters: 0 });
  });

  test('a wait past acquireTimeout fails saying how long it waited and how many were in use', async () => {
    const pool = make(BlockingConnectionPool, { maxConnections: 2, acquireTimeout: 30 });
    await pool.acquire();
    await pool.acquire();
    const error = (await pool.acquire().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(PoolExhaustedError);
    expect(error.message).toMatch(/within \d+ ms \(acquireTimeout 30 ms\)/);
    expect(error.message).toMatch(/2 of 2 connections/);
    expect(pool.stats().waiters).toBe(0);
  });

  test('aborting a wait removes it without leaking a slot', async () => {
    const pool = make(BlockingConnectionPool, { maxConnections: 1, acquireTimeout: 0 });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(pool.stats().waiters).toBe(0);
    pool.release(held);
    const again = await pool.acquire();
    expect(again).toBe(held);
    expect(pool.stats()).toMatchObject({ leased: 1, idle: 0, pending: 0 });
  });

  test('disconnect rejects waiters with "pool is closed"', async () => {
    const pool = make(BlockingConnectionPool, { maxConnections: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    const closing = pool.disconnect({ graceful: false });
    await expect(waiting).rejects.toThrow(/pool is closed/);
    await closing;
    pool.release(held);
  });
});
