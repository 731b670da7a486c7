import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataError } from '../../lib/errors/index.js';
import { RedisModule } from '../../lib/nest/index.js';
import { RedisThrottlerStorage, redisThrottlerStorageProvider } from '../../lib/throttler/index.js';
import {
  INTEGRATION_TOPOLOGIES, TOPOLOGY_URLS, connectTopology, whenWritable, type IntegrationClient,
} from '../support/integration-topologies.js';

// @nestjs/throttler 6 is CommonJS requiring ESM-only Nest 12: Node (>= 20.19) loads it, Jest's module loader cannot.
// What needs the real library (the in-memory storage, ThrottlerModule, ThrottlerGuard) runs in a child process
// (fixtures/throttler-scenarios.ts, on the TypeScript sources); the rest runs here.
const run = promisify(execFile);
async function scenario<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(
    process.execPath,
    ['--no-warnings', '--import', './test/support/swc-register.mjs', 'test/integration/fixtures/throttler-scenarios.ts', ...args],
    { cwd: process.cwd(), timeout: 60_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as T;
}

type Record4 = { totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number };
type Pair = { redis: Record4; memory: Record4 };
/**
 * The in-memory storage reports `timeToBlockExpire` of a key that is not blocked as seconds since its last block
 * ended (or since 1970: a large negative number); the guard reads it only when blocked, and the Redis storage says 0.
 */
const comparable = (r: Record4): Record4 => (r.isBlocked ? r : { ...r, timeToBlockExpire: 0 });

const PREFIX = `redwire-throttler-${process.pid}:`;

describe.each(INTEGRATION_TOPOLOGIES)('RedisThrottlerStorage (%s)', (topology) => {
  let client: IntegrationClient;
  const prefix = `${PREFIX}${topology}:`;
  let seq = 0;
  const key = (): string => `k${++seq}-${Date.now()}`;

  beforeAll(async () => {
    client = await connectTopology(topology);
  });

  beforeEach(async () => {
    await whenWritable(client);
  });

  afterAll(async () => {
    const keys: string[] = [];
    for await (const k of client.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 500 })) keys.push(k);
    if (keys.length > 0) await client.unlink(...keys);
    await client.quit();
  });

  it('answers as @nestjs/throttler\'s in-memory storage, call by call (block, new count after it, sliding window)', async () => {
    const { blocking, afterBlock, sliding } = await scenario<{ blocking: Pair[]; afterBlock: Pair; sliding: Pair[] }>('compare', topology, prefix);
    blocking.forEach((pair, i) => expect({ call: i + 1, ...pair.redis }).toEqual({ call: i + 1, ...comparable(pair.memory) }));
    expect(blocking.map((p) => p.redis.isBlocked)).toEqual([false, false, false, true, true, true, true]);
    expect(blocking[3].redis.totalHits).toBe(4);
    expect(afterBlock.redis).toEqual(comparable(afterBlock.memory));
    expect(afterBlock.redis).toMatchObject({ totalHits: 1, isBlocked: false });
    sliding.forEach((pair, i) => expect({ call: i + 1, ...pair.redis }).toEqual({ call: i + 1, ...comparable(pair.memory) }));
    expect(sliding.map((p) => p.redis.isBlocked)).toEqual([false, false, true, true, true]);
  }, 60_000);

  it('three Nest apps (express), each with its own client, never let more than the limit through', async () => {
    const limit = 10;
    const requests = 45;
    const result = await scenario<{ statuses: number[]; retryAfter: string | null; remaining: number[] }>(
      'apps', topology, `${prefix}apps-${Date.now()}:`, String(limit), String(requests),
    );
    expect(result.statuses.filter((s) => s === 200)).toHaveLength(limit);
    expect(result.statuses.filter((s) => s === 429)).toHaveLength(requests - limit);
    expect(Number(result.retryAfter)).toBeGreaterThan(0);
    // Each admitted request saw a distinct count: 9, 8, ..., 0 remaining.
    expect([...result.remaining].sort((a, b) => a - b)).toEqual(Array.from({ length: limit }, (_, i) => i));
  }, 60_000);

  it('keeps the keys of one throttler key in one slot, each with an expiry', async () => {
    const storage = new RedisThrottlerStorage(client, { keyPrefix: prefix });
    const k = key();
    await storage.increment(k, 2_000, 1, 1_000, 'default');
    expect(await storage.increment(k, 2_000, 1, 1_000, 'default')).toMatchObject({ isBlocked: true, totalHits: 2 });
    const base = storage.keyOf(k);
    const keys = [`${base}:default:hits`, `${base}:window`, `${base}:block`];
    expect(await client.exists(...keys)).toBe(3);
    for (const redisKey of keys) {
      const pttl = await client.pttl(redisKey);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(3_000);
    }
    if (topology === 'cluster') {
      const cluster = client as { keySlot(k: string): number };
      expect(new Set(keys.map((x) => cluster.keySlot(x))).size).toBe(1);
    }
  });

  it('concurrent increments of one key from several clients count every hit exactly once', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => connectTopology(topology)));
    try {
      const storages = clients.map((own) => new RedisThrottlerStorage(own, { keyPrefix: prefix }));
      const k = key();
      const records = await Promise.all(Array.from({ length: 60 }, (_, i) => storages[i % 3].increment(k, 30_000, 1_000, 0, 'default')));
      expect(records.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      await Promise.all(clients.map((own) => own.quit()));
    }
  });

  it('refuses nonsense numbers with DataError', async () => {
    const storage = new RedisThrottlerStorage(client, { keyPrefix: prefix });
    await expect(storage.increment(key(), 0, 1, 0, 'default')).rejects.toBeInstanceOf(DataError);
    await expect(storage.increment(key(), 1000, Number.NaN, 0, 'default')).rejects.toBeInstanceOf(DataError);
  });
});

describe('RedisThrottlerStorage in Nest DI', () => {
  it('NOSCRIPT (script cache flushed): falls back to EVAL once, then EVALSHA works again', async () => {
    const client = await connectTopology('standalone');
    try {
      const storage = new RedisThrottlerStorage(client, { keyPrefix: PREFIX });
      const k = `noscript-${Date.now()}`;
      await storage.increment(k, 5_000, 5, 0, 'default');
      await client.call('SCRIPT', 'FLUSH');
      expect(await storage.increment(k, 5_000, 5, 0, 'default')).toMatchObject({ totalHits: 2 });
      expect(await storage.increment(k, 5_000, 5, 0, 'default')).toMatchObject({ totalHits: 3 });
    } finally {
      await client.quit();
    }
  });

  it('is injected with the default connection, or another one through redisThrottlerStorageProvider', async () => {
    @Module({
      imports: [RedisModule.forRoot({ url: TOPOLOGY_URLS.standalone, logger: false })],
      providers: [RedisThrottlerStorage],
    })
    class DefaultModule {}
    @Module({
      imports: [RedisModule.forRoot({ name: 'limits', url: TOPOLOGY_URLS.cluster, logger: false })],
      providers: [redisThrottlerStorageProvider({ connection: 'limits', keyPrefix: `${PREFIX}di:` })],
    })
    class NamedModule {}
    for (const module of [DefaultModule, NamedModule]) {
      const app = await NestFactory.createApplicationContext(module, { logger: false });
      try {
        const storage = app.get(RedisThrottlerStorage);
        const k = `di-${Date.now()}`;
        expect(await storage.increment(k, 1_000, 5, 0, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
        expect(await storage.increment(k, 1_000, 5, 0, 'default')).toMatchObject({ totalHits: 2 });
      } finally {
        await app.close();
      }
    }
  });
});
