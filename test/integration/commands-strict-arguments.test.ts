import { randomUUID } from 'node:crypto';
import { DataError } from '../../lib/errors/index.js';
import { RedisClient } from '../../lib/client/index.js';
import { STANDALONE, requireTopology } from '../support/topology.js';

const prefix = `redwire:strict-args-test:${randomUUID()}:`;
const k = (name: string): string => prefix + name;
let client: RedisClient;

/** A typed method called the way plain JavaScript (or an ioredis habit) can call it: any arguments. */
function untyped(target: object, name: string): (...args: unknown[]) => unknown {
  const fn = (target as Record<string, (...args: unknown[]) => unknown>)[name]!;
  return fn.bind(target);
}

beforeAll(async () => {
  await requireTopology('standalone');
  client = new RedisClient({ ...STANDALONE });
  await client.connect();
});
afterAll(async () => {
  if (client !== undefined) {
    const keys: string[] = [];
    for await (const key of client.scanIterator({ match: `${prefix}*`, count: 1000 })) keys.push(key);
    if (keys.length > 0) await client.call('DEL', ...keys);
  }
  await client?.quit();
});

test("set(k, v, 'PX', 2000, 'NX') rejects with DataError and writes nothing (it used to be a plain SET)", async () => {
  const error = await (untyped(client, 'set')(k('lock'), 'owner-1', 'PX', 2000, 'NX') as Promise<unknown>).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  expect((error as DataError).message).toContain("use set(key, value, { PX: 2000, NX: true })");
  expect(await client.exists(k('lock'))).toBe(0);

  // The object form is the lock: set once with a TTL, refused while held.
  expect(await client.set(k('lock'), 'owner-1', { PX: 2000, NX: true })).toBe('OK');
  expect(await client.set(k('lock'), 'owner-2', { PX: 2000, NX: true })).toBeNull();
  expect(await client.pttl(k('lock'))).toBeGreaterThan(0);
  expect(await client.get(k('lock'))).toBe('owner-1');
});

test('an unknown option key rejects before anything is sent', async () => {
  const error = await (untyped(client, 'set')(k('opt'), 'v', { expiration: 10 }) as Promise<unknown>).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  expect((error as DataError).message).toMatch(/^SET: unknown option 'expiration'/);
  expect(await client.exists(k('opt'))).toBe(0);
});

test('pipeline: the refused call is a DataError entry, the others run, the refused one wrote nothing', async () => {
  const pipeline = client.pipeline();
  pipeline.set(k('p1'), '1');
  untyped(pipeline, 'set')(k('p2'), 'v', 'PX', 2000, 'NX');
  untyped(pipeline, 'get')(k('p1'), 'surplus');
  pipeline.get(k('p1'));
  const results = await pipeline.exec();
  expect(results[0]).toEqual([null, 'OK']);
  expect(results[1]![0]).toBeInstanceOf(DataError);
  expect(results[1]![0]!.message).toMatch(/^SET: unexpected argument 'PX' at position 3/);
  expect(results[2]![0]).toBeInstanceOf(DataError);
  expect(results[3]).toEqual([null, '1']);
  expect(await client.exists(k('p2'))).toBe(0);
});

test('multi: a refused call rejects the transaction with DataError and nothing of it runs', async () => {
  const transaction = client.multi();
  transaction.set(k('m1'), '1');
  untyped(transaction, 'set')(k('m2'), 'v', 'PX', 2000, 'NX');
  const error = await transaction.exec().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  expect(await client.exists(k('m1'), k('m2'))).toBe(0);
  expect(client.pool.stats().leased).toBe(0);
});

test('scan iterators refuse an unknown option key instead of scanning every key', async () => {
  const collect = async (iterator: AsyncIterable<unknown>): Promise<unknown> => {
    try {
      for await (const _ of iterator) return 'yielded';
      return 'done';
    } catch (error) {
      return error;
    }
  };
  const bad = { pattern: `${prefix}*` } as unknown as { MATCH: string };
  for (const iterator of [client.scanIterator(bad), client.hscanIterator(k('h'), bad), client.sscanIterator(k('s'), bad), client.zscanIterator(k('z'), bad)]) {
    const error = await collect(iterator);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain("unknown option 'pattern'");
  }
});

test('call() stays free-form: raw tokens are sent as given', async () => {
  expect(await client.call('SET', k('raw'), 'v', 'PX', 2000, 'NX')).toBe('OK');
  expect(await client.pttl(k('raw'))).toBeGreaterThan(0);
});
