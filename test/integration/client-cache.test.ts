import { randomUUID } from 'node:crypto';
import { ConfigError } from '../../lib/errors/index.js';
import { RedisClient } from '../../lib/client/index.js';
import { STANDALONE, requireTopology } from '../support/topology.js';

const prefix = `redwire:cache-test:${randomUUID()}:`;
let cached: RedisClient;
let writer: RedisClient;

beforeAll(async () => {
  await requireTopology('standalone');
  cached = new RedisClient({ ...STANDALONE, clientCache: { maxEntries: 3 } });
  writer = new RedisClient({ ...STANDALONE });
  await Promise.all([cached.connect(), writer.connect()]);
});
afterAll(async () => {
  if (writer !== undefined) {
    const keys: string[] = [];
    for await (const key of writer.scanIterator({ match: `${prefix}*`, count: 1000 })) keys.push(key);
    if (keys.length > 0) await writer.call('DEL', ...keys);
  }
  await Promise.all([cached?.quit(), writer?.quit()]);
});

test('a cached GET is served locally until another client writes the key', async () => {
  const key = prefix + 'k';
  await writer.set(key, 'v1');
  expect(await cached.get(key)).toBe('v1');
  const before = cached.cacheStats()!;
  expect(await cached.get(key)).toBe('v1');
  expect(cached.cacheStats()!.hits).toBe(before.hits + 1);

  await writer.set(key, 'v2');
  const deadline = Date.now() + 5000;
  let value = await cached.get(key);
  while (value !== 'v2' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await cached.get(key);
  }
  expect(value).toBe('v2');
  expect(cached.cacheStats()!.invalidations).toBeGreaterThan(0);
});

test('the cache is bounded (LRU) and only caches read-only single-key commands', async () => {
  for (let i = 0; i < 5; i++) await writer.set(`${prefix}lru${i}`, String(i));
  for (let i = 0; i < 5; i++) await cached.get(`${prefix}lru${i}`);
  expect(cached.cacheStats()!.size).toBe(3);
  const misses = cached.cacheStats()!.misses;
  await cached.call('TTL', `${prefix}lru4`);
  await cached.call('MGET', `${prefix}lru3`, `${prefix}lru4`);
  expect(cached.cacheStats()!.misses).toBe(misses);
});

test('clientCache with protocol 2 is refused', () => {
  expect(() => new RedisClient({ ...STANDALONE, protocol: 2, clientCache: {}, lazyConnect: true })).toThrow(ConfigError);
});
