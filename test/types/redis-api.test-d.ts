// Compile-time tests (run by `npm run typecheck`, part of `npm test`): exact types, so a wrong or `any` type fails.
// Nothing here runs: the clients are declared, never connected.
import { expectTypeOf } from 'expect-type';
import type {
  ClusterClient, ExecResult, GeoSearchHit, PipelineApi, RedisApi, RedisApiEvents, RedisClient, ScoredMember,
  TransactionApi, Unsubscribe,
} from '../../lib/index.js';
import { createClient } from '../../lib/index.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';

declare const redis: RedisApi;
declare const flag: boolean;
declare const count: number | undefined;

// ---- one interface, every topology ----------------------------------------------------------------------------
expectTypeOf<RedisClient>().toExtend<RedisApi>();
expectTypeOf<ClusterClient>().toExtend<RedisApi>();
expectTypeOf(createClient('redis+cluster://127.0.0.1:7000')).toEqualTypeOf<RedisApi>();
expectTypeOf(createClient('redis://127.0.0.1:6390')).toEqualTypeOf<RedisApi>();
expectTypeOf(createClient({ topology: 'cluster', nodes: ['127.0.0.1:7000'] })).toEqualTypeOf<ClusterClient>();
expectTypeOf(createClient({ host: '127.0.0.1' })).toEqualTypeOf<RedisClient>();
expectTypeOf(redis.pipeline()).toEqualTypeOf<PipelineApi>();
expectTypeOf(redis.multi()).toEqualTypeOf<TransactionApi>();
expectTypeOf(redis.duplicate()).toEqualTypeOf<RedisApi>();
expectTypeOf(redis.subscribe('c', (message, channel) => {
  expectTypeOf(message).toEqualTypeOf<string>();
  expectTypeOf(channel).toEqualTypeOf<string>();
})).toEqualTypeOf<Promise<Unsubscribe>>();
expectTypeOf(redis.ssubscribe<Buffer>(['a', 'b'], (message) => expectTypeOf(message).toEqualTypeOf<Buffer>())).toEqualTypeOf<Promise<Unsubscribe>>();
expectTypeOf(redis.psubscribe('p*', (_m, _c, pattern) => expectTypeOf(pattern).toEqualTypeOf<string | undefined>())).resolves.toEqualTypeOf<Unsubscribe>();
expectTypeOf(redis.scanIterator({ MATCH: 'k*' })).toEqualTypeOf<AsyncGenerator<string>>();
expectTypeOf(redis.zscanIterator('z')).toEqualTypeOf<AsyncGenerator<ScoredMember>>();
expectTypeOf(redis.hscanIterator('h')).toEqualTypeOf<AsyncGenerator<[string, string]>>();
redis.on('ready', (info) => expectTypeOf(info.endpoint).toEqualTypeOf<string>());
redis.on('reconnecting', (details) => expectTypeOf(details.attempt).toEqualTypeOf<number>());
redis.once('error', (error) => expectTypeOf(error).toEqualTypeOf<Error>());
expectTypeOf<Parameters<RedisApiEvents['end']>>().toEqualTypeOf<[]>();
// @ts-expect-error an event the client does not emit
redis.on('redy', () => undefined);
// @ts-expect-error a listener of the wrong shape
redis.on('error', (n: number) => n);

// ---- pipelines and transactions: one reply type per position ---------------------------------------------------
async function batches(): Promise<void> {
  const [[, n], [, v]] = await redis.pipeline().incr('a').get('b').exec();
  expectTypeOf(n).toEqualTypeOf<number>();
  expectTypeOf(v).toEqualTypeOf<string | null>();
  expectTypeOf(n).not.toBeAny();
  expectTypeOf(v).not.toBeAny();

  const [[e1, ok], [, hash], [, raw], [, members]] = await redis.multi().set('{t}a', '1').hgetall('{t}h').call('PING').smembers('{t}s').exec();
  expectTypeOf(e1).toEqualTypeOf<Error | null>();
  expectTypeOf(ok).toEqualTypeOf<string | null>(); // 'OK' | null, or the old value had GET been set: see flags()
  expectTypeOf(hash).toEqualTypeOf<Record<string, string>>();
  expectTypeOf(raw).toEqualTypeOf<RespValue>();
  expectTypeOf(members).toEqualTypeOf<string[]>();

  // A command whose reply shape depends on an option gives every shape once queued (the generic is not kept).
  const [[, range]] = await redis.pipeline().zrange('z', 0, -1, { WITHSCORES: true }).exec();
  expectTypeOf(range).toEqualTypeOf<string[] | ScoredMember[]>();

  // Queued without chaining: unknown positions are [Error | null, unknown].
  const p = redis.pipeline();
  for (let i = 0; i < 3; i++) p.get(`k${i}`);
  expectTypeOf(await p.exec()).toEqualTypeOf<[Error | null, unknown][]>();

  expectTypeOf<ExecResult<[number, string | null]>>().toEqualTypeOf<
    [[error: Error | null, result: number], [error: Error | null, result: string | null], ...[Error | null, unknown][]]
  >();
  expectTypeOf(redis.pipeline().incr('a').get('b')).toEqualTypeOf<PipelineApi<[number, string | null]>>();
  expectTypeOf(redis.multi().incr('a')).toEqualTypeOf<TransactionApi<[number]>>();
  // @ts-expect-error arguments are checked as on the client
  redis.pipeline().incr('a', 2);
}

// ---- option flags: a plain boolean gives both shapes -------------------------------------------------------------
async function flags(): Promise<void> {
  expectTypeOf(await redis.zrange('z', 0, -1)).toEqualTypeOf<string[]>();
  expectTypeOf(await redis.zrange('z', 0, -1, { WITHSCORES: true })).toEqualTypeOf<ScoredMember[]>();
  expectTypeOf(await redis.zrange('z', 0, -1, { WITHSCORES: false })).toEqualTypeOf<string[]>();
  expectTypeOf(await redis.zrange('z', 0, -1, { WITHSCORES: flag })).toEqualTypeOf<string[] | ScoredMember[]>();
  expectTypeOf(await redis.zrangebyscore('z', 0, 1, { WITHSCORES: flag })).toEqualTypeOf<string[] | ScoredMember[]>();
  expectTypeOf(await redis.zrevrange('z', 0, 1, { WITHSCORES: flag })).toEqualTypeOf<string[] | ScoredMember[]>();
  const options: { WITHSCORES?: boolean } = {};
  expectTypeOf(await redis.zrange('z', 0, -1, options)).toEqualTypeOf<string[] | ScoredMember[]>();

  expectTypeOf(await redis.set('k', 'v')).toEqualTypeOf<'OK' | null>();
  expectTypeOf(await redis.set('k', 'v', { GET: true })).toEqualTypeOf<string | null>();
  expectTypeOf(await redis.set('k', 'v', { NX: true })).toEqualTypeOf<'OK' | null>();
  expectTypeOf(await redis.withBuffers().set('k', 'v', { GET: flag })).toEqualTypeOf<Buffer | 'OK' | null>();

  const from = { longitude: 0, latitude: 0 };
  const by = { radius: 1, unit: 'km' } as const;
  expectTypeOf(await redis.geosearch('g', from, by)).toEqualTypeOf<string[]>();
  expectTypeOf(await redis.geosearch('g', from, by, { WITHDIST: true })).toEqualTypeOf<GeoSearchHit[]>();
  expectTypeOf(await redis.geosearch('g', from, by, { WITHDIST: true, WITHHASH: flag })).toEqualTypeOf<GeoSearchHit[]>();
  expectTypeOf(await redis.geosearch('g', from, by, { WITHCOORD: flag })).toEqualTypeOf<string[] | GeoSearchHit[]>();
  expectTypeOf(await redis.geosearch('g', from, by, { WITHCOORD: false, WITHDIST: false })).toEqualTypeOf<string[]>();

  expectTypeOf(await redis.lpos('l', 'x')).toEqualTypeOf<number | null>();
  expectTypeOf(await redis.lpos('l', 'x', { COUNT: 2 })).toEqualTypeOf<number[]>();
  expectTypeOf(await redis.lpos('l', 'x', { COUNT: count })).toEqualTypeOf<number[] | number | null>();
  expectTypeOf(await redis.lpop('l', count)).toEqualTypeOf<string[] | string | null>();
  expectTypeOf(await redis.spop('s', count)).toEqualTypeOf<string[] | string | null>();
}

// ---- the assertions bite: a wrong type or `any` fails to compile -------------------------------------------------
async function assertionsFail(): Promise<void> {
  const [[, n]] = await redis.pipeline().incr('a').exec();
  // @ts-expect-error number is not string
  expectTypeOf(n).toEqualTypeOf<string>();
  // @ts-expect-error a union is not one of its members
  expectTypeOf(await redis.zrange('z', 0, -1, { WITHSCORES: flag })).toEqualTypeOf<string[]>();
  // @ts-expect-error `any` is not number
  expectTypeOf<any>().toEqualTypeOf<number>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  // @ts-expect-error `any` is caught by not.toBeAny
  expectTypeOf<any>().not.toBeAny(); // eslint-disable-line @typescript-eslint/no-explicit-any
}

export { batches, flags, assertionsFail };
