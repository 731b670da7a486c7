import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CACHE_MANAGER, CacheModule } from '@nestjs/cache-manager';
import { createCache, type Cache } from 'cache-manager';
import { Keyv, type KeyvStorageAdapter } from 'keyv';
// The keyv 5 copy cache-manager 7 depends on (what `new Keyv()` is in an app on keyv 5).
import Keyv5 from '../../node_modules/cache-manager/node_modules/keyv/dist/index.js';
import { ConfigError } from '../../lib/errors/index.js';
import { RedwireKeyvBufferStore, RedwireKeyvStore } from '../../lib/keyv/index.js';
import { RedisModule, getRedisToken } from '../../lib/nest/index.js';
import type { RedisApi } from '../../lib/index.js';
import {
  INTEGRATION_TOPOLOGIES, TOPOLOGY_URLS, connectTopology, whenWritable, type IntegrationClient,
} from '../support/integration-topologies.js';

// Keyv 6 (what @nestjs/cache-manager 12 imports) takes the store as a v6 adapter, without its bridge.
const asAdapter: (store: RedwireKeyvStore) => KeyvStorageAdapter = (store) => store;

const PREFIX = `redwire-keyv-${process.pid}`;

describe.each(INTEGRATION_TOPOLOGIES)('RedwireKeyvStore through keyv and cache-manager (%s)', (topology) => {
  let client: IntegrationClient;
  const ns = (name: string): string => `${PREFIX}-${topology}-${name}`;

  beforeAll(async () => {
    client = await connectTopology(topology);
  });

  beforeEach(async () => {
    await whenWritable(client);
  });

  afterAll(async () => {
    for (const name of ['a', 'b', 'cm', 'nest', 'iter', 'tag', 'buf', 'k5']) {
      await new RedwireKeyvStore(client, { namespace: ns(name) }).clear();
      await new RedwireKeyvStore(client, { namespace: ns(name), hashTag: true }).clear();
    }
    await client.del(`${ns('a')}-lookalike`, `${ns('a')}:x`);
    await client.quit();
  });

  it('is used by Keyv 6 directly and stores values with Redis expiry', async () => {
    const store = new RedwireKeyvStore(client);
    const keyv = new Keyv({ store: asAdapter(store), namespace: ns('a') });
    expect(keyv.store).toBe(store); // not wrapped in KeyvBridgeAdapter: absolute expiries reach the store
    expect(store.namespace).toBe(ns('a'));

    await keyv.set('user:1', { name: 'Ada', tags: ['x'] }, 5_000);
    await keyv.set('forever', 42);
    expect(await keyv.get('user:1')).toEqual({ name: 'Ada', tags: ['x'] });
    expect(await keyv.get('forever')).toBe(42);
    expect(await keyv.get('missing')).toBeUndefined();

    const pttl = await client.pttl(`${ns('a')}::user:1`);
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_000);
    expect(await client.pttl(`${ns('a')}::forever`)).toBe(-1);
    expect(await keyv.has('user:1')).toBe(true);
    expect(await keyv.delete('user:1')).toBe(true);
    expect(await keyv.has('user:1')).toBe(false);
  });

  it('getMany / setMany / deleteMany / hasMany over keys of many slots', async () => {
    const keyv = new Keyv({ store: asAdapter(new RedwireKeyvStore(client)), namespace: ns('a') });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    if (topology === 'cluster') {
      const slots = new Set(keys.map((k) => (client as { keySlot(k: string): number }).keySlot(`${ns('a')}::${k}`)));
      expect(slots.size).toBeGreaterThan(10);
    }
    expect(await keyv.setMany(keys.map((key, i) => ({ key, value: { i }, ttl: i % 2 === 0 ? 10_000 : undefined })))).toEqual(keys.map(() => true));
    expect(await keyv.getMany([...keys, 'nope'])).toEqual([...keys.map((_, i) => ({ i })), undefined]);
    expect(await client.pttl(`${ns('a')}::k0`)).toBeGreaterThan(9_000);
    expect(await client.pttl(`${ns('a')}::k1`)).toBe(-1);
    expect(await keyv.hasMany(['k0', 'nope'])).toEqual([true, false]);
    expect(await keyv.deleteMany(['k0', 'nope', 'k1'])).toEqual([true, false, true]);
    expect(await keyv.getMany(['k0', 'k1', 'k2'])).toEqual([undefined, undefined, { i: 2 }]);
  });

  it('clear() removes only its namespace (SCAN on every primary), never look-alike keys', async () => {
    const a = new Keyv({ store: asAdapter(new RedwireKeyvStore(client)), namespace: ns('a') });
    const b = new Keyv({ store: asAdapter(new RedwireKeyvStore(client)), namespace: ns('b') });
    const keys = Array.from({ length: 120 }, (_, i) => `c${i}`);
    await a.setMany(keys.map((key) => ({ key, value: 1 })));
    await b.set('kept', 'yes');
    await client.set(`${ns('a')}-lookalike`, 'x'); // shares the text prefix but not the namespace separator
    await client.set(`${ns('a')}:x`, 'x');

    await a.clear();

    expect(await a.getMany(keys)).toEqual(keys.map(() => undefined));
    let left = 0;
    for await (const _key of client.scanIterator({ MATCH: `${ns('a')}::*`, COUNT: 500 })) left++;
    expect(left).toBe(0);
    expect(await b.get('kept')).toBe('yes');
    expect(await client.get(`${ns('a')}-lookalike`)).toBe('x');
    expect(await client.get(`${ns('a')}:x`)).toBe('x');
  });

  it('clear() without a namespace refuses instead of emptying the database', async () => {
    const store = new RedwireKeyvStore(client);
    store.namespace = undefined;
    await expect(store.clear()).rejects.toBeInstanceOf(ConfigError);
  });

  it('iterator() yields every entry of the namespace with un-prefixed keys', async () => {
    const keyv = new Keyv({ store: asAdapter(new RedwireKeyvStore(client, { scanCount: 7 })), namespace: ns('iter') });
    const entries = Array.from({ length: 25 }, (_, i) => ({ key: `i${i}`, value: { i } }));
    await keyv.setMany(entries);
    const seen: [string, unknown][] = [];
    for await (const entry of keyv.iterator()) seen.push(entry);
    expect(seen.sort(([x], [y]) => x.localeCompare(y))).toEqual(
      entries.map((e) => [e.key, e.value]).sort(([x], [y]) => String(x).localeCompare(String(y))),
    );
  });

  it('hashTag puts a namespace in one slot, so getMany is one command', async () => {
    const store = new RedwireKeyvStore(client, { namespace: ns('tag'), hashTag: true });
    const keyv = new Keyv({ store: asAdapter(store) });
    expect(store.redisKey('x')).toBe(`{${ns('tag')}}::x`);
    await keyv.setMany([{ key: 'x', value: 1 }, { key: 'y', value: 2 }]);
    // MGET of keys in different slots would fail with CROSSSLOT on a cluster node; this one is a single MGET.
    expect(await client.call('MGET', store.redisKey('x'), store.redisKey('y'))).toHaveLength(2);
    expect(await keyv.getMany(['x', 'y'])).toEqual([1, 2]);
    await keyv.clear();
    expect(await keyv.get('x')).toBeUndefined();
  });

  it('stores and returns Buffers when asked', async () => {
    const noBufferView = { get: client.get.bind(client) } as unknown as ConstructorParameters<typeof RedwireKeyvStore>[0];
    expect(() => new RedwireKeyvBufferStore(noBufferView)).toThrow(ConfigError);
    const store = new RedwireKeyvBufferStore(client, { namespace: ns('buf') });
    const bytes = Buffer.from([0, 255, 1, 128]);
    expect(await store.set('raw', bytes)).toBe(true);
    expect(await store.get('raw')).toEqual(bytes);
    expect(await store.getMany(['raw', 'none'])).toEqual([bytes, undefined]);
    await expect(store.set('obj', { not: 'serialized' })).rejects.toThrow(/not a string or Buffer/);
  });

  it('cache-manager 7: get/set with ttl, mget returns the values, del, clear', async () => {
    const keyv = new Keyv({ store: asAdapter(new RedwireKeyvStore(client)), namespace: ns('cm') });
    // cache-manager 7 types its stores with its own (Keyv 5) copy; a Keyv 6 instance works at runtime.
    const cache: Cache = createCache({ stores: [keyv as never] });
    await cache.set('a', { v: 1 }, 3_000);
    await cache.mset<unknown>([{ key: 'b', value: 'two' }, { key: 'c', value: [3] }]);
    expect(await cache.get('a')).toEqual({ v: 1 });
    expect(await cache.mget(['a', 'b', 'c', 'zz'])).toEqual([{ v: 1 }, 'two', [3], undefined]);
    expect(await client.pttl(`${ns('cm')}::a`)).toBeGreaterThan(2_000);
    expect(await cache.del('a')).toBe(true);
    expect(await cache.get('a')).toBeUndefined();
    await cache.clear();
    expect(await cache.mget(['b', 'c'])).toEqual([undefined, undefined]);
  });

  it('Keyv 5 (cache-manager 6/7 with its own keyv): relative ttl, namespace clear', async () => {
    const keyv = new Keyv5({ store: new RedwireKeyvStore(client), namespace: ns('k5') });
    const cache = createCache({ stores: [keyv] });
    await cache.set('x', { five: true }, 4_000);
    await cache.set('y', 'no ttl');
    expect(await cache.get('x')).toEqual({ five: true });
    // Keyv 5 prefixes keys itself ('ns:key'); the store adds its namespace in front.
    const pttl = await client.pttl(`${ns('k5')}::${ns('k5')}:x`);
    expect(pttl).toBeGreaterThan(3_000);
    expect(pttl).toBeLessThanOrEqual(4_000);
    expect(await cache.mget(['x', 'y'])).toEqual([{ five: true }, 'no ttl']);
    expect(await cache.ttl('x')).toBeGreaterThan(Date.now());
    await cache.clear();
    expect(await cache.get('y')).toBeUndefined();
  });

  it('adds no listener to the client and disconnect() leaves a shared client open', async () => {
    // The emitters a client has: its pool (standalone, Sentinel) or its nodes manager (Cluster).
    type Emitter = { eventNames(): (string | symbol)[]; listenerCount(e: string | symbol): number };
    const holder = client as unknown as { pool?: Emitter; nodesManager?: Emitter };
    const emitter = holder.pool ?? holder.nodesManager;
    if (emitter === undefined) throw new Error('client has neither pool nor nodesManager');
    const count = (): number => emitter.eventNames().reduce((n, e) => n + emitter.listenerCount(e), 0);
    const before = count();
    const keyv = new Keyv({ store: asAdapter(new RedwireKeyvStore(client)), namespace: ns('a') });
    for (let i = 0; i < 20; i++) await keyv.set(`l${i}`, i);
    await keyv.getMany(['l1', 'l2']);
    expect(count()).toBe(before);
    await keyv.disconnect();
    expect(await client.get(`${ns('a')}::l1`)).toBe('{"value":1}'); // as Keyv serialised it
  });

  it('@nestjs/cache-manager: CacheModule.registerAsync over the RedisModule client; app.close() in any order', async () => {
    @Module({
      imports: [
        RedisModule.forRoot({ url: TOPOLOGY_URLS[topology], logger: false, isGlobal: true }),
        CacheModule.registerAsync({
          inject: [getRedisToken()],
          // The bare store: @nestjs/cache-manager wraps it in a Keyv 6 with the module's ttl.
          useFactory: (redis: RedisApi) => ({ stores: [new RedwireKeyvStore(redis, { namespace: ns('nest') })], ttl: 60_000 }),
        }),
      ],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app: INestApplication = moduleRef.createNestApplication();
    await app.init();
    const cache = app.get<Cache>(CACHE_MANAGER);
    await cache.set('page', '<html>');
    expect(await cache.get('page')).toBe('<html>');
    const pttl = await client.pttl(`${ns('nest')}::page`);
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    // CacheModule's onModuleDestroy disconnects its stores (the shared client stays open for whatever else closes
    // later); the RedisModule, which owns the client, closes it.
    const shared = app.get<RedisApi>(getRedisToken());
    await expect(app.close()).resolves.toBeUndefined();
    await expect(shared.get('after-close')).rejects.toThrow();
  });
});
