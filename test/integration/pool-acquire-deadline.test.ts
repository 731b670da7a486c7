import { createServer, connect, type Server, type Socket } from 'node:net';
import { AbortError, PoolExhaustedError, TimeoutError } from '../../lib/errors/index.js';
import { BlockingConnectionPool, ConnectionPool } from '../../lib/pool/index.js';
import { HOST, STANDALONE, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';
import { startSilentServer } from '../support/silent-server.js';

const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
beforeAll(async () => {
  await requireTopology('standalone');
});

interface TestServer {
  port: number;
  /** Sockets accepted so far. */
  sockets: readonly Socket[];
  /** Sockets the client closed. */
  closed: number;
}

async function listen(server: Server, state: Omit<TestServer, 'port'>): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  closers.push(() => {
    for (const s of state.sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  return Object.assign(state, { port: typeof address === 'object' && address !== null ? address.port : 0 });
}

/** Accepts TCP and never writes a byte: the handshake never finishes (a blackholed or wedged server). */
async function silentServer(): Promise<TestServer> {
  const server = await startSilentServer(HOST);
  closers.push(() => server.close());
  return server;
}

/** A proxy to the real standalone server that holds every client's bytes until `open()`. */
async function gatedProxy(): Promise<TestServer & { open(): void }> {
  const state = { sockets: [] as Socket[], closed: 0 };
  let opened = false;
  const gates: (() => void)[] = [];
  const server = createServer((client) => {
    state.sockets.push(client);
    const upstream = connect(STANDALONE.port, STANDALONE.host);
    state.sockets.push(upstream);
    const held: Buffer[] = [];
    const pass = (): void => {
      for (const chunk of held.splice(0)) upstream.write(chunk);
      client.pipe(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      if (!opened) held.push(chunk);
    });
    upstream.pipe(client);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => {
      state.closed++;
      upstream.destroy();
    });
    if (opened) pass();
    else gates.push(() => {
      client.removeAllListeners('data');
      pass();
    });
  });
  const listening = await listen(server, state);
  return Object.assign(listening, {
    open: () => {
      opened = true;
      for (const gate of gates.splice(0)) gate();
    },
  });
}

function track<P extends ConnectionPool>(pool: P): P {
  closers.push(() => pool.disconnect({ graceful: false }));
  return pool;
}

test('acquireTimeout applies while the connection is being opened: TimeoutError kind acquire, slot freed, socket closed', async () => {
  const server = await silentServer();
  const pool = track(new ConnectionPool({ host: HOST, port: server.port, maxConnections: 1, acquireTimeout: 150, connectTimeout: 60_000 }));
  const started = Date.now();
  const error = await pool.acquire().catch((e: unknown) => e);
  const took = Date.now() - started;
  expect(error).toBeInstanceOf(TimeoutError);
  expect((error as TimeoutError).kind).toBe('acquire');
  expect((error as Error).message).toMatch(/acquireTimeout 150 ms.*still being opened/);
  expect(took).toBeLessThan(1500);
  expect(pool.stats()).toMatchObject({ pending: 0, leased: 0, total: 0 });
  await waitUntil('the half-open connection to be closed', () => server.closed === 1, 3000, 5);
  // The slot is free: the next caller gets its own attempt (and its own timeout), not PoolExhaustedError.
  const again = await pool.acquire().catch((e: unknown) => e);
  expect(again).toBeInstanceOf(TimeoutError);
  expect(server.sockets).toHaveLength(2);
});

test('an aborted acquire settles at once while the connection is being opened, and frees its slot', async () => {
  const server = await silentServer();
  const pool = track(new ConnectionPool({ host: HOST, port: server.port, maxConnections: 1, acquireTimeout: 0, connectTimeout: 60_000 }));
  const controller = new AbortController();
  const acquiring = pool.acquire({ signal: controller.signal });
  await waitUntil('the connection to be opened', () => server.sockets.length === 1, 3000, 5);
  controller.abort();
  await expect(acquiring).rejects.toBeInstanceOf(AbortError);
  expect(pool.stats()).toMatchObject({ pending: 0, total: 0 });
  await waitUntil('the half-open connection to be closed', () => server.closed === 1, 3000, 5);
  const second = new AbortController();
  const next = pool.acquire({ signal: second.signal });
  await waitUntil('a second attempt (not PoolExhaustedError)', () => server.sockets.length === 2, 3000, 5);
  second.abort();
  await expect(next).rejects.toBeInstanceOf(AbortError);
});

test('blocking pool: the connection being opened for a caller who gave up goes to the next caller in line', async () => {
  const proxy = await gatedProxy();
  const pool = track(new BlockingConnectionPool({ host: HOST, port: proxy.port, maxConnections: 1, acquireTimeout: 10_000 }));
  const controller = new AbortController();
  const first = pool.acquire({ signal: controller.signal });
  await waitUntil('the connection to be opened', () => proxy.sockets.length === 2, 3000, 5);
  const second = pool.acquire();
  expect(pool.stats()).toMatchObject({ pending: 1, waiters: 1 });
  controller.abort();
  await expect(first).rejects.toBeInstanceOf(AbortError);
  expect(pool.stats()).toMatchObject({ pending: 1, waiters: 0 });
  proxy.open();
  const conn = await second;
  expect(await conn.sendCommand(['PING'])).toBe('PONG');
  expect(proxy.sockets).toHaveLength(2); // one client socket (+ its upstream): the same connection was handed on
  expect(proxy.closed).toBe(0);
  pool.release(conn);
  expect(pool.stats()).toMatchObject({ idle: 1, pending: 0, leased: 0 });
});

test('blocking pool: one deadline for queue and opening; a queued caller past it gets PoolExhaustedError', async () => {
  const server = await silentServer();
  const pool = track(new BlockingConnectionPool({ host: HOST, port: server.port, maxConnections: 1, acquireTimeout: 200, connectTimeout: 60_000 }));
  const first = pool.acquire().catch((e: unknown) => e);
  await waitUntil('the connection to be opened', () => server.sockets.length === 1, 3000, 5);
  await new Promise((r) => setTimeout(r, 100));
  // Queued 100 ms later; inherits the opening when the first gives up, then runs out of its own time.
  const second = pool.acquire().catch((e: unknown) => e);
  const firstError = await first;
  expect(firstError).toBeInstanceOf(TimeoutError);
  expect(server.closed).toBe(0); // handed on, not closed
  const secondError = await second;
  expect(secondError).toBeInstanceOf(TimeoutError);
  expect((secondError as TimeoutError).kind).toBe('acquire');
  await waitUntil('the connection to be closed once nobody wants it', () => server.closed === 1, 3000, 5);
  expect(pool.stats()).toMatchObject({ pending: 0, waiters: 0, total: 0 });
  expect(server.sockets).toHaveLength(1);

  // Queued behind a caller who holds the only connection: PoolExhaustedError after acquireTimeout.
  const real = track(new BlockingConnectionPool({ ...STANDALONE, maxConnections: 1, acquireTimeout: 100 }));
  const held = await real.acquire();
  const waited = await real.acquire().catch((e: unknown) => e);
  expect(waited).toBeInstanceOf(PoolExhaustedError);
  real.release(held);
});

test('a real server: an acquire that opens a connection is well within acquireTimeout, and an abort after it is harmless', async () => {
  const pool = track(new ConnectionPool({ ...STANDALONE, maxConnections: 2, acquireTimeout: 2000 }));
  const controller = new AbortController();
  const conn = await pool.acquire({ signal: controller.signal });
  controller.abort();
  expect(await conn.sendCommand(['PING'])).toBe('PONG');
  pool.release(conn);
  expect(pool.stats()).toMatchObject({ idle: 1, leased: 0, pending: 0 });
});

test('a real server behind a slow handshake: the aborted acquire\'s connection is closed, the next acquire opens its own', async () => {
  const proxy = await gatedProxy();
  const pool = track(new ConnectionPool({ host: HOST, port: proxy.port, maxConnections: 1, acquireTimeout: 10_000 }));
  const controller = new AbortController();
  const first = pool.acquire({ signal: controller.signal });
  await waitUntil('the connection to be opened', () => proxy.sockets.length === 2, 3000, 5);
  controller.abort();
  await expect(first).rejects.toBeInstanceOf(AbortError);
  await waitUntil('the aborted connection to be closed', () => proxy.closed === 1, 3000, 5);
  const next = pool.acquire();
  proxy.open();
  const conn = await next;
  expect(await conn.sendCommand(['PING'])).toBe('PONG');
  pool.release(conn);
});
