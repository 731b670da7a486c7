import { randomUUID } from 'node:crypto';
import { ResponseError } from '../../lib/errors/index.js';
import { ConnectionPool, type PoolConnection, type PoolOptions } from '../../lib/pool/index.js';
import { standalonePools } from '../support/standalone-pools.js';
import { STANDALONE } from '../support/topology.js';

const prefix = `redwire:lease-reset:${randomUUID()}:`;
const track = standalonePools();

/** One exclusive connection, so every lease after the first gets the connection the last one left behind. */
function onePool(options: PoolOptions = {}): ConnectionPool {
  return track(new ConnectionPool({ ...STANDALONE, maxConnections: 1, ...options }));
}

/** CLIENT INFO of the leased connection as a field map. */
async function clientInfo(conn: PoolConnection): Promise<Record<string, string>> {
  const line = String(await conn.sendCommand(['CLIENT', 'INFO']));
  return Object.fromEntries(line.trim().split(' ').map((kv) => kv.split('=') as [string, string]));
}

test('a lease that threw inside MULTI leaves no transaction: BLPOP blocks normally, EXEC errors, the abandoned write never lands', async () => {
  const pool = onePool();
  const key = `${prefix}abandoned`;
  let first: PoolConnection | undefined;
  await expect(
    pool.withConnection(async (conn) => {
      first = conn;
      await conn.sendCommand(['MULTI']);
      await conn.sendCommand(['SET', key, 'written-by-abandoned-transaction']);
      throw new Error('callback failed mid-transaction');
    }),
  ).rejects.toThrow('callback failed mid-transaction');

  const [same, blpop, waited, exec] = await pool.withConnection(async (conn) => {
    const started = Date.now();
    const popped = await conn.sendCommand(['BLPOP', `${prefix}empty-list`, '0.3'], { timeout: 5000 });
    const took = Date.now() - started;
    const execError = await conn.sendCommand(['EXEC']).catch((e: unknown) => e);
    return [conn === first, popped, took, execError] as const;
  });
  expect(same).toBe(true); // reset and reused, not replaced
  expect(blpop).toBeNull(); // inside MULTI it would have been QUEUED at once
  expect(waited).toBeGreaterThanOrEqual(250);
  expect(exec).toBeInstanceOf(ResponseError);
  expect((exec as Error).message).toMatch(/EXEC without MULTI/);
  expect(await pool.sendCommand(['GET', key])).toBeNull();
  expect(await pool.sendCommand(['EXISTS', key])).toBe(0);
});

test('a transaction that ran to EXEC costs no reset', async () => {
  const pool = onePool();
  const conn = await pool.acquire();
  const id = await conn.sendCommand(['CLIENT', 'ID']);
  await conn.sendCommand(['MULTI']);
  await conn.sendCommand(['INCR', `${prefix}tx`]);
  expect(await conn.sendCommand(['EXEC'])).toEqual([1]);
  pool.release(conn);
  expect(pool.stats()).toMatchObject({ idle: 1, pending: 0 });
  await pool.withConnection(async (c) => expect(await c.sendCommand(['CLIENT', 'ID'])).toBe(id));
});

test('WATCHed keys left by a lease do not abort the next lease\'s transaction', async () => {
  const pool = onePool();
  const key = `${prefix}watched`;
  await pool.withConnection((conn) => conn.sendCommand(['WATCH', key]));
  // Another client changes the key: a WATCH still in place would make the next EXEC return nil.
  await pool.sendCommand(['SET', key, 'changed']);
  const result = await pool.withConnection(async (conn) => {
    await conn.sendCommand(['MULTI']);
    await conn.sendCommand(['SET', key, 'next-lease']);
    return conn.sendCommand(['EXEC']);
  });
  expect(result).toEqual(['OK']);
  expect(await pool.sendCommand(['GET', key])).toBe('next-lease');
});

test('SELECT 3 and CLIENT SETNAME left by a lease are undone: the next lease is on the pool db with the pool name', async () => {
  const pool = onePool({ db: 1, clientName: 'redwire-pool-name' });
  const key = `${prefix}db`;
  let id: unknown;
  await pool.withConnection(async (conn) => {
    id = await conn.sendCommand(['CLIENT', 'ID']);
    await conn.sendCommand(['SELECT', 3]);
    await conn.sendCommand(['CLIENT', 'SETNAME', 'left-behind']);
  });
  const info = await pool.withConnection(async (conn) => {
    await conn.sendCommand(['SET', key, 'db1', 'PX', 60_000]);
    return clientInfo(conn);
  });
  expect(info['id']).toBe(String(id)); // the same connection, reset
  expect(info['db']).toBe('1');
  expect(info['name']).toBe('redwire-pool-name');
  expect(info['resp']).toBe('3');
  expect(info['multi']).toBe('-1');
  const db1 = track(new ConnectionPool({ ...STANDALONE, db: 1 }));
  const db3 = track(new ConnectionPool({ ...STANDALONE, db: 3 }));
  expect(await db1.sendCommand(['GET', key])).toBe('db1');
  expect(await db3.sendCommand(['GET', key])).toBeNull();
});

test('CLIENT TRACKING and HELLO 2 left by a lease are undone', async () => {
  const pool = onePool();
  await pool.withConnection(async (conn) => {
    await conn.sendCommand(['CLIENT', 'TRACKING', 'ON']);
    await conn.sendCommand(['HELLO', '2']);
  });
  const info = await pool.withConnection((conn) => clientInfo(conn));
  expect(info['flags']).not.toContain('t');
  expect(info['resp']).toBe('3');
});

test('a pool that set CLIENT TRACKING in afterHandshake has it again after a reset', async () => {
  const pool = onePool({ afterHandshake: async (send) => void (await send(['CLIENT', 'TRACKING', 'ON'])) });
  await pool.withConnection((conn) => conn.sendCommand(['CLIENT', 'TRACKING', 'OFF']));
  const info = await pool.withConnection((conn) => clientInfo(conn));
  expect(info['flags']).toContain('t');
});

test('CLIENT REPLY OFF left by a lease: the connection is closed, the next lease gets answers', async () => {
  const pool = onePool();
  let first: PoolConnection | undefined;
  await pool.withConnection(async (conn) => {
    first = conn;
    // No reply ever comes for CLIENT REPLY OFF: do not wait for it.
    conn.sendCommand(['CLIENT', 'REPLY', 'OFF']).catch(() => undefined);
    conn.sendCommand(['SET', `${prefix}reply-off`, 'x']).catch(() => undefined);
  });
  const [same, pong] = await pool.withConnection(async (conn) => [conn === first, await conn.sendCommand(['PING'], { timeout: 2000 })]);
  expect(same).toBe(false);
  expect(pong).toBe('PONG');
  expect(first!.status).toBe('closed');
});

test('CLIENT REPLY SKIP left by a lease: closed, the next lease\'s replies match its commands', async () => {
  const pool = onePool();
  await pool.withConnection(async (conn) => {
    conn.sendCommand(['CLIENT', 'REPLY', 'SKIP']).catch(() => undefined);
  });
  const echoed = await pool.withConnection((conn) =>
    Promise.all([conn.sendCommand(['ECHO', 'a'], { timeout: 2000 }), conn.sendCommand(['ECHO', 'b'], { timeout: 2000 })]),
  );
  expect(echoed).toEqual(['a', 'b']);
});

test('a lease left subscribed: reset (unsubscribed), and the next lease runs ordinary commands', async () => {
  const pool = onePool();
  let id: unknown;
  await pool.withConnection(async (conn) => {
    id = await conn.sendCommand(['CLIENT', 'ID']);
    await conn.sendCommand(['SUBSCRIBE', `${prefix}ch`]);
    await conn.sendCommand(['PSUBSCRIBE', `${prefix}p*`]);
    expect(conn.subscriptions).toBe(2);
  });
  const [sameId, value, subs] = await pool.withConnection(async (conn) => {
    const info = await clientInfo(conn);
    return [info['id'], await conn.sendCommand(['ECHO', 'ordinary']), conn.subscriptions];
  });
  expect(sameId).toBe(String(id));
  expect(value).toBe('ordinary');
  expect(subs).toBe(0);
  expect(await pool.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}ch`])).toEqual([`${prefix}ch`, 0]);
});

test('MONITOR left by a lease: closed, never handed out', async () => {
  const pool = onePool();
  let first: PoolConnection | undefined;
  await pool.withConnection(async (conn) => {
    first = conn;
    await conn.sendCommand(['MONITOR']);
  });
  const pong = await pool.withConnection((conn) => {
    expect(conn).not.toBe(first);
    return conn.sendCommand(['PING'], { timeout: 2000 });
  });
  expect(pong).toBe('PONG');
});
