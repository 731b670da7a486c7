import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { DataError, ExecAbortError, ResponseError, UnsafeCommandError, WatchError, WrongTypeError } from '../../lib/errors/index.js';
import { RedisClient } from '../../lib/client/index.js';
import { STANDALONE, requireTopology } from '../support/topology.js';

const prefix = `redwire:client-test:${randomUUID()}:`;
const k = (name: string): string => prefix + name;
let client: RedisClient;
let other: RedisClient;

beforeAll(async () => {
  await requireTopology('standalone');
  client = new RedisClient({ ...STANDALONE });
  other = new RedisClient({ ...STANDALONE });
  await Promise.all([client.connect(), other.connect()]);
});
afterAll(async () => {
  if (client !== undefined) {
    const keys: string[] = [];
    for await (const key of client.scanIterator({ match: `${prefix}*`, count: 1000 })) keys.push(key);
    if (keys.length > 0) await client.call('DEL', ...keys);
  }
  await Promise.all([client?.quit(), other?.quit()]);
});

test('a BLPOP blocking for 2 s runs on a leased connection: GETs on the shared one settle first', async () => {
  await client.set(k('g'), 'v');
  const order: string[] = [];
  const blpop = client.call('BLPOP', k('empty-list'), 2).then((reply) => {
    order.push('blpop');
    return reply;
  });
  // Let the BLPOP be written before the GETs are sent.
  while (client.pool.stats().leased === 0) await new Promise((resolve) => setImmediate(resolve));
  const gets = Array.from({ length: 20 }, () => client.get(k('g')).then((v) => order.push(`get:${v}`)));
  await Promise.all(gets);
  expect(order).toEqual(Array.from({ length: 20 }, () => 'get:v'));
  expect(await blpop).toBeNull();
  expect(order[20]).toBe('blpop');
  expect(client.pool.stats().leased).toBe(0);
});

test('pipeline: one [error, result] per command, a failing command does not fail the batch', async () => {
  await client.set(k('str'), 'text');
  const results = await client
    .pipeline()
    .set(k('p'), '1')
    .incr(k('p'))
    .call('LPUSH', k('str'), 'x')
    .get(k('p'))
    .call('NOSUCHCOMMAND')
    .set(k('p'), 'never', { EX: 1, PX: 1 })
    .exec();
  expect(results).toHaveLength(6);
  expect(results[5]![0]).toBeInstanceOf(DataError);
  expect(results[0]).toEqual([null, 'OK']);
  expect(results[1]).toEqual([null, 2]);
  expect(results[2]![0]).toBeInstanceOf(WrongTypeError);
  expect(results[3]).toEqual([null, '2']);
  expect(results[4]![0]).toBeInstanceOf(ResponseError);
  expect(results[4]![0]!.message).toMatch(/unknown command/i);
});

test('multi: MULTI/EXEC results per command, run-time errors as entries', async () => {
  await client.set(k('m-str'), 'text');
  const results = await client.multi().set(k('m'), '5').incr(k('m')).call('LPUSH', k('m-str'), 'x').exec();
  expect(results[0]).toEqual([null, 'OK']);
  expect(results[1]).toEqual([null, 6]);
  expect(results[2]![0]).toBeInstanceOf(WrongTypeError);
  expect(client.pool.stats().leased).toBe(0);
});

test('multi with a command the server refuses while queuing rejects with ExecAbortError', async () => {
  const error = await client.multi().set(k('ea'), '1').call('SET', k('ea')).exec().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExecAbortError);
  expect((error as Error).message).toMatch(/wrong number of arguments/);
  expect(await client.get(k('ea'))).toBeNull();
});

test('watch: a write by another client between WATCH and EXEC aborts with WatchError', async () => {
  await client.set(k('w'), '10');
  const error = await client
    .watch(k('w'), async (tx) => {
      const value = Number(await tx.get(k('w')));
      await other.set(k('w'), '100');
      tx.multi().set(k('w'), String(value + 1));
    })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WatchError);
  expect(await client.get(k('w'))).toBe('100');
  expect(client.pool.stats().leased).toBe(0);

  const ok = await client.watch([k('w')], async (tx) => {
    const value = Number(await tx.get(k('w')));
    tx.multi().set(k('w'), String(value + 1));
  });
  expect(ok).toEqual([[null, 'OK']]);
  expect(await client.get(k('w'))).toBe('101');
});

test('watch releases and unwatches when the callback throws', async () => {
  await expect(client.watch(k('w2'), () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
  expect(client.pool.stats().leased).toBe(0);
  // The released connection is not watching anything any more: a MULTI on it succeeds after a foreign write.
  await other.set(k('w2'), 'x');
  const results = await client.multi().set(k('w2'), 'y').exec();
  expect(results).toEqual([[null, 'OK']]);
});

test('scan iterators walk keys, hash fields, set members and scored members', async () => {
  const hash = k('scan-h');
  await client.call('HSET', hash, 'f1', 'v1', 'f2', 'v2');
  await client.call('SADD', k('scan-s'), 'a', 'b', 'c');
  await client.call('ZADD', k('scan-z'), 1, 'one', 2.5, 'two', 'inf', 'top');
  for (let i = 0; i < 30; i++) await client.set(k(`scan-key-${i}`), 'x');

  const keys: string[] = [];
  for await (const key of client.scanIterator({ match: `${prefix}scan-key-*`, count: 1000, type: 'string' })) keys.push(key);
  expect(new Set(keys).size).toBe(30);

  const fields: [string, string][] = [];
  for await (const pair of client.hscanIterator(hash)) fields.push(pair);
  expect(fields.sort()).toEqual([['f1', 'v1'], ['f2', 'v2']]);

  const members: string[] = [];
  for await (const m of client.sscanIterator(k('scan-s'), { match: '[ab]' })) members.push(m);
  expect(members.sort()).toEqual(['a', 'b']);

  const scored = [];
  for await (const entry of client.zscanIterator(k('scan-z'))) scored.push(entry);
  expect(scored).toEqual([
    { member: 'one', score: 1 },
    { member: 'two', score: 2.5 },
    { member: 'top', score: Number.POSITIVE_INFINITY },
  ]);
});

test('withBuffers() returns Buffers over the same pool; inspect shows no password', async () => {
  await client.set(k('buf'), 'bytes');
  const value = await client.withBuffers().get(k('buf'));
  expect(Buffer.isBuffer(value)).toBe(true);
  expect(String(value)).toBe('bytes');
  const secret = new RedisClient({ ...STANDALONE, password: 'not-shown-pw', lazyConnect: true });
  expect(inspect(secret)).not.toContain('not-shown-pw');
  expect(inspect(secret)).toContain(`${STANDALONE.host}:${STANDALONE.port}`);
  await secret.disconnect();
});

test('commands that would change the shared connection are refused with what to use instead', async () => {
  await expect(client.call('SUBSCRIBE', 'x')).rejects.toBeInstanceOf(UnsafeCommandError);
  await expect(client.call('SUBSCRIBE', 'x')).rejects.toThrow(/client\.subscribe\(channels, listener\)/);
  await expect(client.call('select', 1)).rejects.toThrow(/'db' option/);
  await expect(client.call('MULTI')).rejects.toThrow(/client\.multi\(\)/);
  expect(await client.call('PING')).toBe('PONG');
});

test('duplicate() gives an independent client with the same options', async () => {
  const copy = client.duplicate();
  try {
    expect(copy.pool).not.toBe(client.pool);
    await copy.set(k('dup'), 'd');
    expect(await client.get(k('dup'))).toBe('d');
  } finally {
    await copy.quit();
  }
});

test('quit completes in-flight commands, then commands fail with "pool is closed"', async () => {
  const c = new RedisClient({ ...STANDALONE });
  const pending = Array.from({ length: 20 }, (_, i) => c.call('ECHO', `e${i}`));
  const quitting = c.quit();
  await expect(c.get(k('x'))).rejects.toThrow(/pool is closed/);
  expect(await Promise.all(pending)).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
  await quitting;
});
