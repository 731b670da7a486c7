import { ClientCache } from '../../lib/client/client-cache.js';
import type { CommandCall } from '../../lib/client/commands/command-call.js';

const call = (...args: string[]): CommandCall<unknown> => ({ args });

describe('ClientCache (client-side caching bookkeeping)', () => {
  test('caches read-only single-key commands only', () => {
    const cache = new ClientCache();
    expect(cache.slotFor(call('GET', 'k'))).toEqual({ cacheKey: expect.any(String), key: 'k' });
    expect(cache.slotFor(call('HGET', 'h', 'f'))?.key).toBe('h');
    expect(cache.slotFor(call('SET', 'k', 'v'))).toBeUndefined();
    expect(cache.slotFor(call('MGET', 'a', 'b'))).toBeUndefined();
    expect(cache.slotFor(call('TTL', 'k'))).toBeUndefined();
    expect(cache.slotFor({ args: ['GET', Buffer.from('k')] })).toBeUndefined();
    expect(cache.slotFor(call('GET', 'k'))!.cacheKey).not.toBe(cache.slotFor({ args: ['GET', 'k'], returnBuffers: true })!.cacheKey);
  });

  test('a reply in flight while its key is invalidated is not stored', () => {
    const cache = new ClientCache();
    const slot = cache.slotFor(call('GET', 'k'))!;
    cache.beginRead(slot);
    cache.invalidate(['k']);
    cache.endRead(slot, { value: 'stale' });
    expect(cache.get(slot)).toBeUndefined();
    cache.beginRead(slot);
    cache.endRead(slot, { value: 'fresh' });
    expect(cache.get(slot)).toEqual({ value: 'fresh' });
  });

  test('a cached null is a hit; invalidate(null) and flush drop everything', () => {
    const cache = new ClientCache();
    const a = cache.slotFor(call('GET', 'a'))!;
    cache.beginRead(a);
    cache.endRead(a, { value: null });
    expect(cache.get(a)).toEqual({ value: null });
    cache.invalidate(null);
    expect(cache.get(a)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, size: 0, invalidations: 1 });
  });

  test('least recently used entries go first when full', () => {
    const cache = new ClientCache({ maxEntries: 2 });
    const slots = ['a', 'b', 'c'].map((key) => cache.slotFor(call('GET', key))!);
    const store = (i: number): void => {
      cache.beginRead(slots[i]!);
      cache.endRead(slots[i]!, { value: String(i) });
    };
    store(0);
    store(1);
    cache.get(slots[0]!);
    store(2);
    expect(cache.get(slots[0]!)).toEqual({ value: '0' });
    expect(cache.get(slots[1]!)).toBeUndefined();
    expect(cache.get(slots[2]!)).toEqual({ value: '2' });
  });
});
