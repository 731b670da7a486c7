import { randomUUID } from 'node:crypto';
import { AbortError, PoolExhaustedError } from '../../lib/errors/index.js';
import { BlockingConnectionPool, ConnectionPool } from '../../lib/pool/index.js';
import { standalonePools } from '../support/standalone-pools.js';
import { STANDALONE } from '../support/topology.js';

const prefix = `redwire:pool-test:${randomUUID()}:`;
const track = standalonePools();

test('200 concurrent withConnection callers on a blocking pool of 10 all succeed and leave nothing leased', async () => {
  const pool = track(new BlockingConnectionPool({ ...STANDALONE, maxConnections: 10, acquireTimeout: 30_000 }));
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      pool.withConnection(async (conn) => {
        peak = Math.max(peak, pool.stats().leased);
        await conn.sendCommand(['SET', `${prefix}c${i}`, String(i), 'PX', 60_000]);
        return conn.sendCommand<string>(['GET', `${prefix}c${i}`]);
      }),
    ),
  );
  expect(results).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  expect(peak).toBeLessThanOrEqual(10);
  expect(pool.stats()).toMatchObject({ leased: 0, waiters: 0, pending: 0 });
  expect(pool.stats().idle).toBeLessThanOrEqual(10);
});

test('a plain pool at maxConnections fails at once; a blocking pool after acquireTimeout, saying why', async () => {
  const plain = track(new ConnectionPool({ ...STANDALONE, maxConnections: 2 }));
  const held = [await plain.acquire(), await plain.acquire()];
  const error = (await plain.acquire().catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(PoolExhaustedError);
  expect(error.message).toContain('all 2 connections');
  expect(error.message).toContain(`${STANDALONE.host}:${STANDALONE.port}`);
  for (const conn of held) plain.release(conn);

  const blocking = track(new BlockingConnectionPool({ ...STANDALONE, maxConnections: 1, acquireTimeout: 100 }));
  const only = await blocking.acquire();
  const waited = (await blocking.acquire().catch((e: unknown) => e)) as Error;
  expect(waited).toBeInstanceOf(PoolExhaustedError);
  expect(waited.message).toMatch(/within \d+ ms \(acquireTimeout 100 ms\): 1 of 1 connections/);
  blocking.release(only);
});

test('aborting a waiting acquire does not leak a slot', async () => {
  const pool = track(new BlockingConnectionPool({ ...STANDALONE, maxConnections: 1, acquireTimeout: 0 }));
  const held = await pool.acquire();
  const controller = new AbortController();
  const waiting = pool.acquire({ signal: controller.signal });
  controller.abort();
  await expect(waiting).rejects.toBeInstanceOf(AbortError);
  pool.release(held);
  await expect(pool.withConnection((conn) => conn.sendCommand(['PING']))).resolves.toBe('PONG');
  expect(pool.stats()).toMatchObject({ leased: 0, waiters: 0, pending: 0, idle: 1 });
});

test('a leased connection killed with CLIENT KILL ID is not returned to service', async () => {
  const pool = track(new ConnectionPool({ ...STANDALONE, maxConnections: 2 }));
  const conn = await pool.acquire();
  const id = await conn.sendCommand<number>(['CLIENT', 'ID']);
  const closed = new Promise((resolve) => conn.once('close', resolve));
  await pool.sendCommand(['CLIENT', 'KILL', 'ID', id]);
  await closed;
  pool.release(conn);
  const next = await pool.acquire();
  expect(next).not.toBe(conn);
  expect(await next.sendCommand<number>(['CLIENT', 'ID'])).not.toBe(id);
  pool.release(next);
});

test('graceful disconnect completes in-flight commands, then everything fails with "pool is closed"', async () => {
  const pool = track(new ConnectionPool({ ...STANDALONE }));
  await pool.connect();
  const inFlight = Array.from({ length: 50 }, (_, i) => pool.sendCommand(['ECHO', `m${i}`]));
  const leased = await pool.acquire();
  const slow = leased.sendCommand(['ECHO', 'leased']);
  const closing = pool.disconnect({ graceful: true, timeout: 5000 });
  await expect(pool.sendCommand(['PING'])).rejects.toThrow(/pool is closed/);
  expect(await Promise.all(inFlight)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
  expect(await slow).toBe('leased');
  pool.release(leased);
  await closing;
  expect(pool.stats().total).toBe(0);
  await expect(pool.acquire()).rejects.toThrow(/pool is closed/);
});
