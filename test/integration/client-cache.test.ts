import { randomUUID } from 'node:crypto';
import { ConfigError } from '../../lib/errors/index.js';
import { RedisClient } from '../../lib/client/index.js';
import { STANDALONE, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

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
  await waitUntil('the invalidated key to read v2', async () => (await cached.get(key)) === 'v2');
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

test('changing a cached lrange, hgetall or Buffer result does not change what later callers get', async () => {
  // Its own client: the LRU of the file's `cached` client holds 3 entries, too few for this test.
  const own = new RedisClient({ ...STANDALONE, clientCache: {} });
  await own.connect();
  try {
    const list = prefix + 'list';
    const hash = prefix + 'hash';
    const bin = prefix + 'bin';
    await writer.call('RPUSH', list, 'a', 'b', 'c');
    await writer.call('HSET', hash, 'f1', 'v1', 'f2', 'v2');
    await writer.set(bin, 'bytes');

    // The miss: its caller's result is what the cache stored from; it changes that result.
    const first = await own.lrange(list, 0, -1);
    first.push('pushed');
    first[0] = 'changed';
    const firstHash = await own.hgetall(hash);
    firstHash.f1 = 'changed';
    delete firstHash.f2;
    const firstBin = await own.withBuffers().get(bin);
    firstBin!.fill(0x41);
    const hits = own.cacheStats()!.hits;

    // A hit: served from the cache, as the server sent it; its caller changes it as well.
    const second = await own.lrange(list, 0, -1);
    expect(second).toEqual(['a', 'b', 'c']);
    second.reverse();
    expect(await own.hgetall(hash)).toEqual({ f1: 'v1', f2: 'v2' });
    const secondBin = await own.withBuffers().get(bin);
    expect(secondBin).toEqual(Buffer.from('bytes'));
    secondBin!.write('zz');

    // A third caller still gets the server's values, and all of these were cache hits.
    expect(await own.lrange(list, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await own.withBuffers().get(bin)).toEqual(Buffer.from('bytes'));
    expect(own.cacheStats()!.hits).toBe(hits + 5);
  } finally {
    await own.quit();
  }
});
