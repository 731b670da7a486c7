/**
 * Memory stays bounded with default options: against a frozen server, what is written but unanswered stops at the
 * in-flight bounds, at most `maxQueued` more wait, and the rest fail at once with QueueFullError; an explicit
 * pipeline larger than the bounds streams out in chunks. Runs its own redis-server (frozen on purpose).
 */
import type { Connection } from '../../lib/connection/connection.js';
import { DEFAULT_CONNECTION_OPTIONS } from '../../lib/connection/connection-defaults.js';
import { createClient } from '../../lib/create-client.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { ConnectionError, DataError, QueueFullError } from '../../lib/errors/index.js';
import { OwnedRedis } from '../chaos/chaos-servers.js';
import { freePort } from '../support/free-port.js';
import { waitUntil } from '../support/wait-until.js';

const MiB = 1024 * 1024;
let server: OwnedRedis;
let redis: RedisClient;

beforeAll(async () => {
  server = new OwnedRedis(await freePort());
  await server.start();
});

afterEach(async () => {
  server.signal('SIGCONT');
  await redis?.disconnect().catch(() => undefined);
});

afterAll(async () => {
  await server?.destroy();
});

describe('memory bounds (default options)', () => {
  it('400,000 SETs of 1 KB against a frozen server: bounded in flight, maxQueued waiting, the rest refused at once', async () => {
    redis = createClient({ host: '127.0.0.1', port: server.port }) as RedisClient;
    await redis.ping();
    const conn = redis.pool.sharedConnection() as Connection;
    server.signal('SIGSTOP');
    const value = 'v'.repeat(1024);
    const rssBefore = process.memoryUsage().rss;
    const outcomes = new Map<string, number>();
    const settled = Array.from({ length: 400_000 }, (_, i) =>
      redis.set(`mem:${i}`, value).then(
        () => 'ok',
        (error: Error) => {
          outcomes.set(error.name, (outcomes.get(error.name) ?? 0) + 1);
          return error;
        },
      ));
    // One tick later the flush has written what the bounds allow.
    await new Promise((resolve) => setImmediate(resolve));
    const d = DEFAULT_CONNECTION_OPTIONS;
    expect(conn.inFlightBytes).toBeLessThanOrEqual(d.maxInFlightBytes + 16_384 * 1100);
    expect(conn.inFlightBytes).toBeGreaterThan(0);
    // Refused at once, before any deadline: not sent, typed, naming the bound.
    const refused = outcomes.get('QueueFullError') ?? 0;
    expect(refused).toBeGreaterThan(300_000);
    const rssPeak = process.memoryUsage().rss;
    console.log(`[memory] frozen server, 400k x 1 KB SETs: ${refused} refused at once, ${(conn.inFlightBytes / MiB).toFixed(0)} MiB in flight, rss +${((rssPeak - rssBefore) / MiB).toFixed(0)} MiB`);

    const results = await Promise.all(settled);
    expect(results.every((r) => r !== 'ok')).toBe(true);
    const first = results.find((r) => r instanceof QueueFullError) as QueueFullError;
    expect(first.bound).toBe('maxQueued');
    expect(first.written).toBe(false);
    expect(first.message).toMatch(/maxInFlight=100000.*maxInFlightBytes=64 MiB.*maxQueued=10000/s);
    // Everything else settled by its deadline (TimeoutError) or with the socket declared dead (ConnectionError).
    for (const r of results) expect(r).toBeInstanceOf(ConnectionError);

    server.signal('SIGCONT');
    await waitUntil('the client to recover (PING answered)', async () => (await redis.ping()) === 'PONG', 15_000);
  });

  it('a pipeline of 1,000,000 commands works, streamed in chunks under the in-flight bounds', async () => {
    redis = createClient({ host: '127.0.0.1', port: server.port, maxInFlight: 20_000 }) as RedisClient;
    await redis.ping();
    const conn = redis.pool.sharedConnection() as Connection;
    const n = 1_000_000;
    const p = redis.pipeline();
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) p.set(`pipe:${i % 1000}`, `v${i}`);
      else p.get(`pipe:${(i - 1) % 1000}`);
    }
    let maxWritten = 0;
    const sampler = setInterval(() => { maxWritten = Math.max(maxWritten, conn.inFlightBytes); }, 1);
    const results = await p.exec();
    clearInterval(sampler);
    expect(results).toHaveLength(n);
    let wrong = 0;
    for (let i = 0; i < n; i += 2) {
      const [setError, ok] = results[i]!;
      const [getError, value] = results[i + 1]!;
      if (setError !== null || ok !== 'OK' || getError !== null || value !== `v${i}`) wrong++;
    }
    expect(wrong).toBe(0);
    expect(maxWritten).toBeGreaterThan(0);
    expect(maxWritten).toBeLessThan(20_000 * 64);
  });

  it('a command too large for one write fails alone with DataError; the others in the same tick go through', async () => {
    redis = createClient({ host: '127.0.0.1', port: server.port }) as RedisClient;
    await redis.ping();
    const huge = 'x'.repeat(2 ** 29 - 24); // the longest string V8 makes; nine of them exceed what one Buffer holds
    const tooLarge = redis.call('ECHO', huge, huge, huge, huge, huge, huge, huge, huge, huge);
    const small = redis.set('mem:small', 'ok');
    await expect(tooLarge).rejects.toBeInstanceOf(DataError);
    await expect(tooLarge).rejects.toThrow(/could not be encoded.*split the value/s);
    await expect(small).resolves.toBe('OK');
  });
});
