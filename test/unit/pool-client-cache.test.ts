import { ClientCache } from '../../lib/client/client-cache.js';
import type { CommandCall } from '../../lib/client/commands/command-call.js';
import type { RespMap, RespValue } from '../../lib/protocol/resp-value.js';

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

describe('ClientCache: a caller cannot change what the next caller gets', () => {
  function mapOf(entries: [string, RespValue][]): RespMap {
    const m = Object.create(null) as RespMap;
    for (const [k, v] of entries) m[k] = v;
    return m;
  }
  const pristine = (): RespValue => [
    'a',
    Buffer.from('bytes'),
    [1, 'nested', Buffer.from('deep')],
    mapOf([['field', 'v'], ['list', ['x', 'y']], ['__proto__', 'data']]),
  ];

  test('changing the stored reply, or any hit, leaves later hits as the server sent them', () => {
    const cache = new ClientCache();
    const slot = cache.slotFor(call('LRANGE', 'k', '0', '-1'))!;
    const first = pristine() as RespValue[];
    cache.beginRead(slot);
    cache.endRead(slot, { value: first });
    // The caller of the miss keeps `first` and changes it, top level and nested, Buffers included.
    first.push('extra');
    (first[1] as Buffer).fill(0);
    (first[2] as RespValue[])[0] = 99;
    ((first[2] as RespValue[])[2] as Buffer).write('XXXX');
    (first[3] as RespMap).field = 'changed';
    ((first[3] as RespMap).list as RespValue[]).length = 0;
    const hit = cache.get(slot)!.value as RespValue[];
    expect(hit).toEqual(pristine());
    // A caller of a hit changes its copy too.
    hit.reverse();
    (hit.find((v) => Buffer.isBuffer(v)) as Buffer).fill(1);
    expect(cache.get(slot)!.value).toEqual(pristine());
  });

  test('a hit shares no array, map or Buffer with another hit', () => {
    const cache = new ClientCache();
    const slot = cache.slotFor(call('HGETALL', 'h'))!;
    cache.beginRead(slot);
    cache.endRead(slot, { value: mapOf([['f', Buffer.from('v')], ['g', ['x']]]) });
    const a = cache.get(slot)!.value as RespMap;
    const b = cache.get(slot)!.value as RespMap;
    expect(a).not.toBe(b);
    expect(a.f).not.toBe(b.f);
    expect((a.f as Buffer).buffer === (b.f as Buffer).buffer && (a.f as Buffer).byteOffset === (b.f as Buffer).byteOffset).toBe(false);
    expect(a.g).not.toBe(b.g);
    expect(Object.getPrototypeOf(a)).toBeNull();
  });

  test('strings and other scalars are served as they are (no copy needed: immutable)', () => {
    const cache = new ClientCache();
    const slot = cache.slotFor(call('GET', 'k'))!;
    const value = 'x'.repeat(1000);
    cache.beginRead(slot);
    cache.endRead(slot, { value });
    expect(cache.get(slot)!.value).toBe(value);
  });
});
